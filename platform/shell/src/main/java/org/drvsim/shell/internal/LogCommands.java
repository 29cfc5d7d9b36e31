package org.drvsim.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Process;
import org.apache.felix.service.command.Parameter;
import org.drvsim.shell.internal.LogFormat.Severity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * The {@code log:} commands over the OSGi Log Service (Felix Log): {@code display} prints the records it keeps,
 * {@code tail} follows new ones until Ctrl-C. drvsim's java.util.logging records reach it through
 * {@link JulLogBridge}; other bundles' warnings and errors are there too.
 */
@Component(service = LogCommands.class, property = {
        "osgi.command.scope=log",
        "osgi.command.function=display",
        "osgi.command.function=tail"})
public final class LogCommands {
    /** How many records {@code log:tail} prints before it follows. */
    static final int TAIL_BACKLOG = 10;
    private static final Object END = new Object();
    /** The loggers of the framework's events in Felix Log: Events.Bundle.BSN, Events.Service.BSN, Events.Framework.BSN. */
    static final String FRAMEWORK_EVENTS = "Events.";
    private final LogReaderService reader;
    private final Set<BlockingQueue<Object>> tails = ConcurrentHashMap.newKeySet();

    @Activate
    public LogCommands(@Reference LogReaderService reader) {
        this.reader = reader;
    }

    @Deactivate
    void deactivate() {
        for (BlockingQueue<Object> q : tails) {
            q.add(END); // the platform is stopping: a running log:tail returns
        }
    }

    @Descriptor("prints the log records the Log Service keeps (the newest 1000), oldest first: drvsim's own records "
            + "from INFO up, other bundles' and the framework's warnings and errors")
    public String display(@Descriptor("the least severe level shown: ERROR, WARN, INFO, DEBUG or TRACE")
                          @Parameter(names = {"-l", "--level"}, absentValue = "TRACE") String level) {
        return display(level, Integer.MAX_VALUE);
    }

    @Descriptor("prints the newest COUNT log records, oldest first")
    public String display(@Descriptor("the least severe level shown: ERROR, WARN, INFO, DEBUG or TRACE")
                          @Parameter(names = {"-l", "--level"}, absentValue = "TRACE") String level,
                          @Descriptor("how many records, the newest") int count) {
        if (count < 1) {
            throw new IllegalArgumentException("log:display: the count must be 1 or more, not " + count);
        }
        List<LogEntry> shown = newest(Severity.parse(level, "log:display"), count);
        if (shown.isEmpty()) {
            return "no log records";
        }
        StringBuilder sb = new StringBuilder();
        for (LogEntry e : shown) {
            sb.append(line(e)).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    @Descriptor("prints the newest 10 log records, then each new one as it is logged, until Ctrl-C; interactive only "
            + "(in a script, use log:display)")
    public void tail(CommandSession session,
                     @Descriptor("the least severe level shown: ERROR, WARN, INFO, DEBUG or TRACE")
                     @Parameter(names = {"-l", "--level"}, absentValue = "TRACE") String level) {
        Severity threshold = Severity.parse(level, "log:tail");
        if (session.get(ScriptMain.SCRIPT_VARIABLE) != null) {
            throw new IllegalStateException("log:tail: follows the log until Ctrl-C, which a script cannot send; "
                    + "use log:display in a script");
        }
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        LogListener listener = queue::add;
        tails.add(queue);
        reader.addLogListener(listener); // before the backlog is read: no record falls between the two
        // The records are printed by a thread of their own, and Ctrl-C interrupts only this one, which waits. Gogo's
        // session output is an interruptible channel: a thread interrupted while it writes there closes the channel
        // and the terminal's output with it, and the shell printed nothing more (a Ctrl-C that came while a record was
        // being printed).
        Process command = Process.Utils.current();
        PrintStream out = command != null ? command.out() : System.out; // the session's output, or the next command of a pipe
        List<LogEntry> backlog = newest(threshold, TAIL_BACKLOG);
        Thread printer = new Thread(() -> print(out, backlog, queue, threshold), "log:tail");
        printer.setDaemon(true);
        printer.start();
        try {
            printer.join();
        } catch (InterruptedException ctrlC) {
            queue.clear(); // Ctrl-C: what is queued is not printed any more; the printer ends after the record it
            queue.add(END); // prints, the command ends, the shell goes on
            try {
                printer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            }
        } finally {
            reader.removeLogListener(listener);
            tails.remove(queue);
        }
    }

    /** On log:tail's printer thread: the backlog, then each record queued, until {@link #END}. */
    private static void print(PrintStream out, List<LogEntry> backlog, BlockingQueue<Object> queue, Severity threshold) {
        long last = Long.MIN_VALUE;
        for (LogEntry e : backlog) {
            out.println(line(e));
            last = Math.max(last, e.getSequence());
        }
        out.flush();
        try {
            for (Object o; (o = queue.take()) != END; ) {
                LogEntry e = (LogEntry) o;
                if (e.getSequence() > last && shown(e, threshold)) {
                    out.println(line(e));
                    out.flush();
                }
            }
        } catch (InterruptedException stopping) {
            // nobody interrupts this thread; ends as END would
        }
    }

    /** The newest {@code count} records at {@code threshold} or more severe, oldest first. */
    private List<LogEntry> newest(Severity threshold, int count) {
        List<LogEntry> out = new ArrayList<>();
        Enumeration<LogEntry> all = reader.getLog(); // newest first
        while (all.hasMoreElements() && out.size() < count) {
            LogEntry e = all.nextElement();
            if (shown(e, threshold)) {
                out.add(e);
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Whether a record is shown at {@code threshold}. Felix Log records every bundle and service event of the framework
     * (logger {@code Events.Bundle.BSN} and so on) whatever the levels; {@code lb} and {@code inspect} show that state,
     * so the log shows their warnings and errors only.
     */
    static boolean shown(Severity severity, String logger, Severity threshold) {
        if (logger != null && logger.startsWith(FRAMEWORK_EVENTS) && !severity.atLeast(Severity.WARN)) {
            return false;
        }
        return severity.atLeast(threshold);
    }

    private static boolean shown(LogEntry e, Severity threshold) {
        return shown(severity(e), e.getLoggerName(), threshold);
    }

    private static Severity severity(LogEntry e) {
        return Severity.valueOf(e.getLogLevel().name());
    }

    static String line(LogEntry e) {
        return LogFormat.line(e.getTime(), severity(e), e.getLoggerName(), e.getMessage(), e.getException());
    }
}
