package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;

/**
 * drvsim.jar on a pseudo-terminal, as a user at a terminal runs it: util-linux {@code script} gives it the terminal
 * (skipped where {@code script} is missing), a thread collects everything it shows, and the test types keys.
 */
final class OnATerminal implements AutoCloseable {
    final Process process;
    final OutputStream keys;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private OnATerminal(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (seen) {
                        seen.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
    }

    /**
     * Starts {@code java JVM-ARGS -jar jar} in {@code dir} on a terminal of {@code columns} x 40.
     */
    static OnATerminal start(Path jar, Path dir, int columns, String... jvmArgs) throws IOException {
        Assume.assumeTrue("util-linux script provides the pseudo-terminal", new File("/usr/bin/script").canExecute());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = new ArrayList<>();
        for (String a : jvmArgs) {
            args.add("'" + a + "'");
        }
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qfec", "stty cols " + columns + " rows 40; exec '"
                + java + "' " + String.join(" ", args) + " -jar '" + jar + "'", "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("TERM", "xterm");
        // script runs the command with $SHELL -c; 'exec' makes drvsim.jar the shell's replacement, so Ctrl-C reaches
        // only drvsim and script's exit status is drvsim's own (a shell waiting for java may die of the SIGINT: 130)
        pb.environment().put("SHELL", "/bin/sh");
        return new OnATerminal(pb.start());
    }

    /** @return everything the terminal showed so far, escape sequences included */
    String seen() {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    /** @return how often {@code text} was shown so far */
    int count(String text) {
        return seen().split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

    /** Waits until {@code text} was shown {@code occurrences} times; fails, with what was shown, after {@code seconds}. */
    void awaitSeen(String text, int occurrences, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count(text) < occurrences) {
            assertThat(System.nanoTime()).as("waiting for " + occurrences + " x '" + text + "' in:\n" + seen())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Types {@code text} (a key or several: "\r" is Enter, "\u0003" Ctrl-C). */
    void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        try {
            keys.close();
        } catch (IOException e) {
            // the process ended
        }
        process.destroyForcibly();
    }
}
