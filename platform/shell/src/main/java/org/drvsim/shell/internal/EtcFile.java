package org.drvsim.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Edits a {@code .cfg} file of {@code etc/} in place, one property at a time, keeping its other lines and comments:
 * what {@code config:set} and {@code config:delete KEY} save. The file is written to a hidden name beside it and
 * renamed over it, so that FileInstall, which polls the folder, never reads half of it (its own write-back, which
 * truncates the file first, is turned off in drvsim.bndrun for that reason).
 */
final class EtcFile {
    private EtcFile() {
    }

    /** Sets {@code key} to {@code value} in the file (which may not exist yet), or removes it when value is null. */
    static void edit(Path file, String key, String value) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        write(file, edit(lines, key, value));
    }

    /**
     * The lines with {@code key}'s entry replaced by {@code key=value} (or appended), or removed when value is null.
     * An entry may go on over continuation lines (a line ending in an odd number of backslashes).
     */
    static List<String> edit(List<String> lines, String key, String value) {
        List<String> out = new ArrayList<>();
        boolean done = false;
        for (int i = 0; i < lines.size(); i++) {
            int end = i;
            while (end < lines.size() - 1 && continues(lines.get(end))) {
                end++;
            }
            List<String> entry = lines.subList(i, end + 1);
            if (key.equals(keyOf(entry))) {
                if (value != null && !done) {
                    out.add(line(key, value));
                }
                done = true;
            } else {
                out.addAll(entry);
            }
            i = end;
        }
        if (!done && value != null) {
            out.add(line(key, value));
        }
        return out;
    }

    /** {@code key=value} escaped as a properties file needs (ISO-8859-1, other characters as \\uXXXX). */
    static String line(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            p.store(buf, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return buf.toString(StandardCharsets.ISO_8859_1).lines().filter(l -> !l.startsWith("#")).findFirst()
                .orElseThrow();
    }

    /** The key of one entry (its lines), or null for a comment or a blank line. */
    private static String keyOf(List<String> entry) {
        String first = entry.get(0).stripLeading();
        if (first.isEmpty() || first.startsWith("#") || first.startsWith("!")) {
            return null;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(String.join("\n", entry)));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return p.stringPropertyNames().stream().findFirst().orElse(null);
    }

    private static boolean continues(String line) {
        if (line.stripLeading().startsWith("#") || line.stripLeading().startsWith("!")) {
            return false;
        }
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Writes the lines to a hidden name beside the file, then renames it over the file. */
    static void write(Path file, List<String> lines) throws IOException {
        // a temporary name of its own: two processes on one home may write the same file at once
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName() + ".", ".partial");
        try {
            Files.write(tmp, lines, StandardCharsets.ISO_8859_1);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
