package org.drvsim.shell.internal;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Job;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * drvsim's interactive prompt loop, run by drvsim's Gogo profile on the line reader and terminal gogo.jline built
 * (history, line editing, Tab completion and highlighting are gogo.jline's and JLine's). It is gogo.jline's loop but
 * for how a failed command is shown: one line in red, {@code 'COMMAND' failed: WHAT IS WRONG} in the words of
 * {@link ShellErrors} (an unknown command, wrong arguments with the usage, the command's own message), never a Java
 * class name; {@code e} prints the last failure's stack trace. Ctrl-C interrupts the command that runs (or clears the
 * line being edited), never the platform; end of input (Ctrl-D) stops the platform the orderly way, as {@code exit}
 * does. Kept apart so that JLine and gogo.jline are loaded only at an interactive prompt.
 */
final class Repl {
    private static final String GOGO_JLINE = "org.apache.felix.gogo.jline";

    private final CommandSession session;
    private final BundleContext context;
    private final CommandProcessor processor;
    /** The commands typed at the prompt that run now: what Ctrl-C interrupts. */
    private final Set<Job> running = ConcurrentHashMap.newKeySet();

    Repl(CommandSession session, BundleContext context, CommandProcessor processor) {
        this.session = session;
        this.context = context;
        this.processor = processor;
    }

    /** @return whether there is a line reader to run the loop on (not in a script or piped input) */
    static boolean available(CommandSession session) {
        return session.get(Shell.VAR_READER) instanceof LineReader && session.get(Shell.VAR_TERMINAL) instanceof Terminal;
    }

    /** Reads and runs commands until end of input or until the platform stops. */
    void run() throws InterruptedException {
        LineReader reader = (LineReader) session.get(Shell.VAR_READER);
        Terminal terminal = (Terminal) session.get(Shell.VAR_TERMINAL);
        Job profile = Job.Utils.current(); // the profile's job: each command typed runs as a job under it
        session.setJobListener((job, previous, current) -> {
            if (job != profile && current == Job.Status.Foreground) {
                running.add(job);
            } else {
                running.remove(job);
            }
        });
        Terminal.SignalHandler previousInt = terminal.handle(Terminal.Signal.INT, s -> running.forEach(Job::interrupt));
        try {
            while (!stopping()) {
                String line;
                try {
                    line = reader.readLine(Shell.getPrompt(session), Shell.getRPrompt(session), (Character) null, null);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C while editing: a fresh line
                } catch (EndOfFileException e) {
                    saveHistory(reader);
                    ShellCommands.INTERACTIVE_EXIT.set(0);
                    stopPlatform();
                    break;
                } catch (java.io.IOError | IllegalStateException closed) {
                    break; // the terminal was closed: the platform is stopping
                }
                if (line.isBlank()) {
                    continue;
                }
                execute(terminal, line);
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previousInt);
        }
        awaitGogoStopped();
    }

    private void execute(Terminal terminal, String line) {
        try {
            Object result = session.execute(line);
            session.put(Shell.VAR_RESULT, result);
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                System.out.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception e) {
            session.put(Shell.VAR_EXCEPTION, e);
            String first = line.strip().lines().findFirst().orElse("");
            AttributedStringBuilder sb = new AttributedStringBuilder();
            sb.style(sb.style().foreground(AttributedStyle.RED));
            sb.append("'").append(first).append("' failed: ").append(describe(e, line));
            sb.style(sb.style().foregroundDefault());
            terminal.writer().println(sb.toAnsi(terminal));
            terminal.flush();
        } finally {
            System.out.flush();
        }
    }

    private String describe(Exception e, String line) {
        Throwable t = ShellErrors.cause(e);
        if (t instanceof InterruptedException || t instanceof CancellationException) {
            return "interrupted (Ctrl-C)"; // the only interrupt at the prompt
        }
        return ShellErrors.describe(processor, e, line);
    }

    private static void saveHistory(LineReader reader) {
        try {
            reader.getHistory().save();
        } catch (java.io.IOException e) {
            // the history file could not be written: the profile said so when it was set up
        }
    }

    private boolean stopping() {
        return context.getBundle(0).getState() != Bundle.ACTIVE;
    }

    private void stopPlatform() {
        try {
            context.getBundle(0).stop(); // asynchronous: halts and unloads run while the prompt loop ends
        } catch (Exception e) {
            System.err.println("drvsim: cannot stop the platform: " + ShellErrors.describe(e));
        }
    }

    /**
     * Blocks until gogo.jline has stopped its shell (at most a minute), so that gogo.jline's own prompt loop, which
     * would follow the profile, never starts while the platform stops.
     */
    private void awaitGogoStopped() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            Bundle jline = null;
            for (Bundle b : context.getBundles()) {
                if (GOGO_JLINE.equals(b.getSymbolicName())) {
                    jline = b;
                }
            }
            if (jline == null || (jline.getState() & (Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
                return;
            }
            Thread.sleep(20);
        }
    }
}
