package org.drvsim.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file a command writes (an export, a capture, a trace): written to a temporary file in the target's folder and
 * renamed onto the target only by {@link #commit()}, so that a failed or interrupted write leaves no partial file
 * and never damages what the target held. {@link #open} refuses, naming the file and what is wrong, a target whose
 * folder does not exist, a target that is a folder, a FIFO or a device, and a target this platform holds open and
 * locked (an image that backs a logical unit). The one rule for every command that writes a file.
 *
 * <p>Not thread-safe: one writer.
 */
public final class TargetFile implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final OutputStream out;
    private boolean committed;

    private TargetFile(Path target, Path temporary) throws IOException {
        this.target = target;
        this.temporary = temporary;
        this.out = Files.newOutputStream(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Checks {@code target} and creates the temporary file beside it.
     *
     * @throws IllegalArgumentException naming the file, if it cannot be a target (see the class comment)
     * @throws IOException              if the temporary file cannot be created
     */
    public static TargetFile open(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        check(absolute);
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".partial");
        try {
            return new TargetFile(absolute, temporary);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * Checks a file a command is about to write, without writing it.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static void check(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("cannot write " + target + ": folder " + folder + " does not exist");
        }
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("cannot write " + target + ": it is a folder");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("cannot write " + target + ": it is not a regular file (a FIFO or a device)");
        }
        if (Files.isRegularFile(absolute) && inUse(absolute)) {
            throw new IllegalArgumentException("cannot write " + target + ": this platform has it open (it backs a "
                    + "logical unit); detach it first");
        }
    }

    /** @return whether this JVM holds a lock on the file (the image of an attached logical unit) */
    private static boolean inUse(Path file) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = c.tryLock(0, Long.MAX_VALUE, true);
            if (lock != null) {
                lock.release();
            }
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false; // unreadable: the write will say why
        }
    }

    /** @return the stream to write the content to (into the temporary file) */
    public OutputStream out() {
        return out;
    }

    /** @return the target, absolute */
    public Path target() {
        return target;
    }

    /**
     * Forces the content to the disk and renames the temporary file onto the target (atomically where the file
     * system can).
     *
     * @return the target
     */
    public Path commit() throws IOException {
        out.flush();
        out.close();
        try (FileChannel c = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        // a temporary file is private (rw-------): give the result the target's permissions, or rw-r--r--
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(temporary, permissions);
        } catch (UnsupportedOperationException notPosix) {
            // the file system has no POSIX permissions
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        return target;
    }

    /** Deletes the temporary file unless {@link #commit()} renamed it: the target is left as it was. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                out.close();
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
