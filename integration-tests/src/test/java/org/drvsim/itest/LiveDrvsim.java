package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code drvsim.jar} kept running with its standard input piped and kept open: each command runs as it arrives, as
 * a user's would, and {@link #run} returns what it printed (an {@code echo} of a marker follows each command).
 */
final class LiveDrvsim implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final Path out;
    private final Path err;
    private int markers;
    private int consumed;

    private LiveDrvsim(Process process, Path out, Path err) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = out;
        this.err = err;
    }

    /** Starts {@code java [jvmArgs] -jar drvsim.jar} in {@code dir} (stdout and stderr go to files there). */
    static LiveDrvsim start(Path jar, Path dir, String name, String... jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.addAll(List.of("-jar", jar.toString()));
        Path out = dir.resolve(name + "-out.txt");
        Path err = dir.resolve(name + "-err.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        return new LiveDrvsim(p, out, err);
    }

    /** Runs one command and returns what it printed; fails the test if drvsim.jar exits instead. */
    String run(String command) throws Exception {
        String marker = "@@done-" + (++markers) + "@@";
        in.write((command + "\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            String all = output();
            int at = all.indexOf(marker, consumed);
            if (at >= 0) {
                String printed = all.substring(consumed, at);
                consumed = at + marker.length();
                return printed.strip();
            }
            assertThat(process.isAlive()).as("drvsim.jar still runs after '" + command + "'; stderr:\n" + errors()
                    + "\nstdout:\n" + all).isTrue();
            assertThat(System.nanoTime()).as("'" + command + "' returned within 90 s:\n" + all).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Runs {@code command} every 300 ms until what it prints satisfies {@code done}; returns that output. */
    String await(String command, Predicate<String> done, String what, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String printed = run(command);
            if (done.test(printed)) {
                return printed;
            }
            assertThat(System.nanoTime()).as(what + " within " + seconds + " s; '" + command + "' printed:\n" + printed)
                    .isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    String output() throws IOException {
        return Files.readString(out);
    }

    String errors() throws IOException {
        return Files.readString(err);
    }

    /** Ends the input, as a user's end of file: the platform stops the orderly way; returns the exit code. */
    int exit() throws Exception {
        in.close();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("drvsim.jar exited at end of input").isTrue();
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
