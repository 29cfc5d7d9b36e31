package org.drvsim.shell.internal;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@code java -jar drvsim.jar --script FILE} and {@code java -jar drvsim.jar < FILE}: runs on the launcher's main
 * thread once the framework has started. Each non-blank line that is not a {@code #} comment is one Gogo command (a
 * line that opens a block with {@code {} continues on the next lines until it is closed). With {@code --script} each
 * command is echoed after {@code drvsim> } before its output; piped input prints only the output. The first command
 * that fails stops the run with one line on stderr naming the line and what is wrong, and the exit code is 1:
 * <ul>
 * <li>the command throws (drvsim's commands fail this way; so do unknown commands and wrong arguments, which print the
 * command's usage);</li>
 * <li>its result is an exception's text or a failure message of Felix's bundle commands, as {@code felix:start} and
 * friends report a failed bundle operation;</li>
 * <li>it writes to stderr and returns (as gogo's {@code sleep} does for a bad option): what it wrote is the error;</li>
 * <li>{@code exit N} ends the run with exit code N (0 without N).</li>
 * </ul>
 * The streams are the process's own (file descriptors 0, 1 and 2), never the framework's redirected
 * {@code System.out}, so that {@code echo}, {@code sleep} and pipes work as they do interactively.
 */
final class ScriptMain implements Callable<Integer> {
    /** The session variable that tells {@code exit} it runs in a script: it ends the script, not the platform. */
    static final String SCRIPT_VARIABLE = "drvsim.script";
    /** A line of a result that is an exception's text: {@code org.osgi.framework.BundleException: ...}. */
    private static final Pattern EXCEPTION_TEXT = Pattern.compile(
            "(?m)^\\s*(?:(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?::.*)?"
            // Felix's bundle commands (felix:start ...) report a failure as their result
            + "|Bundle ID '.*' +is invalid\\.|Unable to parse id '.*'\\.|Please specify the bundles? to \\w+\\.)$");

    private final BundleContext context;
    private final Path file;
    private final CountDownLatch started;
    private final Console console;

    /**
     * @param file    the script, or null to read standard input
     * @param console the process's own streams
     */
    ScriptMain(BundleContext context, Path file, CountDownLatch started, Console console) {
        this.context = context;
        this.file = file;
        this.started = started;
        this.console = console;
    }

    /** The process's own standard streams, captured before the framework redirects {@code System.out}. */
    record Console(InputStream in, PrintStream out, PrintStream err) {
    }

    /** @return 0 when every command succeeded, 1 at the first failure, 2 when the script cannot be read */
    @Override
    public Integer call() throws Exception {
        if (!started.await(120, TimeUnit.SECONDS)) {
            console.err().println("drvsim: the platform did not finish starting within 120 s");
            return 1;
        }
        String unsettled = MachineSettle.await(context, MachineSettle.TIMEOUT); // etc/'s devices, started
        if (unsettled != null) {
            console.err().println(unsettled);
        }
        ServiceTracker<CommandProcessor, CommandProcessor> tracker = new ServiceTracker<>(context, CommandProcessor.class, null);
        tracker.open();
        try {
            CommandProcessor processor = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
            if (processor == null) {
                console.err().println("drvsim: the Gogo command processor did not start");
                return 1;
            }
            if (file == null) {
                return run(processor, new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8)),
                        "standard input", false, console);
            }
            BufferedReader reader;
            try {
                org.drvsim.kernel.SourceFile.check(file, "script"); // "it does not exist", "it is a folder", ...
                reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                console.err().println("drvsim: " + e.getMessage());
                return 2;
            } catch (IOException e) {
                console.err().println("drvsim: cannot read script " + file + ": " + ShellErrors.describe(e));
                return 2;
            }
            try (reader) {
                return run(processor, reader, file.toString(), true, console);
            }
        }
        finally {
            tracker.close();
        }
    }

    /**
     * Runs the commands {@code lines} gives, one at a time, as they arrive.
     *
     * @param source what to call the input in an error message
     * @param echo   whether to echo each command after {@code drvsim> }
     * @return the exit code
     */
    static int run(CommandProcessor processor, BufferedReader lines, String source, boolean echo, Console console)
            throws IOException {
        PrintStream out = console.out();
        PrintStream err = console.err();
        StderrTap tap = new StderrTap(err);
        PrintStream sessionErr = new PrintStream(tap, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(console.in(), out, sessionErr)) {
            // gogo.jline's help needs its interactive shell; drvsim's commands, then felix:help (gogo.command), then
            // the rest
            session.put("SCOPE", ShellCommands.SCOPE_PATH);
            session.put(SCRIPT_VARIABLE, Boolean.TRUE);
            StringBuilder pending = new StringBuilder();
            int first = 0;
            int n = 0;
            for (String raw; (raw = lines.readLine()) != null; ) {
                n++;
                String line = raw.strip();
                if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                    continue;
                }
                if (pending.isEmpty()) {
                    first = n;
                } else {
                    pending.append('\n');
                }
                pending.append(line);
                String command = pending.toString();
                if (!complete(command)) {
                    continue; // a block opened with '{' goes on on the next line
                }
                pending.setLength(0);
                if (echo) {
                    out.println("drvsim> " + command);
                }
                String failure;
                tap.reset();
                try {
                    Object result = session.execute(command);
                    String text = result == null ? null : session.format(result, Converter.INSPECT).toString();
                    if (text != null) {
                        out.println(text);
                    }
                    failure = text != null && EXCEPTION_TEXT.matcher(text).find() ? firstExceptionLine(text) : null;
                } catch (Exception e) {
                    failure = ShellErrors.describe(processor, e, command);
                }
                out.flush();
                sessionErr.flush();
                if (failure == null && tap.firstLine() != null) {
                    failure = tap.firstLine();
                }
                Integer exit = ShellCommands.exitRequested(session);
                if (exit != null) {
                    return exit;
                }
                if (failure != null) {
                    err.println("drvsim: " + source + " line " + first + ": '" + firstLine(command) + "' failed: "
                            + failure);
                    err.flush();
                    return 1;
                }
            }
            if (!pending.isEmpty()) {
                err.println("drvsim: " + source + " line " + first + ": '" + firstLine(pending.toString())
                        + "' failed: the block opened there is never closed");
                return 1;
            }
        }
        return 0;
    }

    /** Whether every brace, bracket and parenthesis {@code command} opens outside quotes is closed. */
    static boolean complete(String command) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '\\') {
                i++;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            }
        }
        return depth <= 0 && quote == 0;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private static String firstExceptionLine(String text) {
        var m = EXCEPTION_TEXT.matcher(text);
        return m.find() ? m.group().strip() : text;
    }

    /** Passes stderr through and keeps the first line a command wrote to it. */
    static final class StderrTap extends java.io.OutputStream {
        private final PrintStream err;
        private final ByteArrayOutputStream first = new ByteArrayOutputStream();
        private boolean written;
        private boolean firstDone;

        StderrTap(PrintStream err) {
            this.err = err;
        }

        synchronized void reset() {
            first.reset();
            written = false;
            firstDone = false;
        }

        /** @return the first non-blank line written since {@link #reset()}, or null when nothing was written */
        synchronized String firstLine() {
            if (!written) {
                return null;
            }
            String s = first.toString(StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        }

        @Override
        public synchronized void write(int b) {
            err.write(b);
            record(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            err.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                record(b[i]);
            }
        }

        private void record(int b) {
            if (firstDone) {
                return;
            }
            if (b == '\n' && first.size() > 0 && !first.toString(StandardCharsets.UTF_8).isBlank()) {
                firstDone = true;
                return;
            }
            written = true;
            first.write(b);
        }

        @Override
        public void flush() {
            err.flush();
        }
    }

    /** What runs when the command line is wrong: the usage, exit code 2. */
    record BadArguments(String message, PrintStream err) implements Callable<Integer> {
        @Override
        public Integer call() {
            err.println(message);
            return 2;
        }
    }

    /** Collects what a command prints (for the usage shown after wrong arguments). */
    static String capture(CommandProcessor processor, String command) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (CommandSession s = processor.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            if (r != null) {
                ps.println(s.format(r, Converter.INSPECT));
            }
        } catch (Exception e) {
            return "";
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
