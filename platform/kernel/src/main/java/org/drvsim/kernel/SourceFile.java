package org.drvsim.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file a command reads (a pcap file to send, an image to attach or import, a file to write to a device): the one
 * check every such command makes before it builds any request, with its own message for each way the path can be
 * wrong, worded as {@link TargetFile#check} words a file to write.
 */
public final class SourceFile {
    private SourceFile() {
    }

    /**
     * Checks a file a command is about to read.
     *
     * @param file the file, absolute or relative to the current folder
     * @param what what the file is for the command, for example {@code "pcap file"} or {@code "image"}
     * @return the file, absolute
     * @throws IllegalArgumentException naming the file and what is wrong: it does not exist (or its folder does not),
     *                                  it is a folder, it is a FIFO or a device, or it cannot be read
     */
    public static Path check(Path file, String what) {
        Path absolute = file.toAbsolutePath().normalize();
        String name = what + " " + file;
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("cannot read " + name + ": it is a folder");
        }
        if (!Files.exists(absolute)) {
            Path folder = absolute.getParent();
            throw new IllegalArgumentException("cannot read " + name + ": " + (folder != null && !Files.isDirectory(folder)
                    ? "folder " + folder + " does not exist" : "it does not exist"));
        }
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("cannot read " + name + ": it is not a regular file (a FIFO or a device)");
        }
        if (!Files.isReadable(absolute)) {
            throw new IllegalArgumentException("cannot read " + name + ": permission denied");
        }
        return absolute;
    }

    /**
     * {@link #check(Path, String)} for a shell command: the message names the file and what is wrong, then the
     * command's usage on the next line.
     *
     * @param file  the file as the user typed it, absolute or relative to the current folder
     * @param what  what the file is for the command, for example {@code "file"} or {@code "image"}
     * @param usage the command's usage line, for example {@code "wdf:write DEVICE FILE"}
     * @return the file, absolute
     * @throws IllegalArgumentException as {@link #check(Path, String)}, with {@code "\nusage: " + usage} appended
     */
    public static Path check(String file, String what, String usage) {
        try {
            return check(Path.of(file), what);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": not a valid path\nusage: " + usage,
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\nusage: " + usage, e);
        }
    }
}
