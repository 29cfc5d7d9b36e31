package org.drvsim.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@code java -jar drvsim.jar --script FILE}: runs on the launcher's main thread once the framework has
 * started. Each non-blank line of FILE that is not a {@code #} comment is one Gogo command; it is echoed
 * after {@code drvsim> } with its output. The first command that fails stops the script with its error
 * on stderr.
 */
final class ScriptMain implements Callable<Integer> {
    private final BundleContext context;
    private final Path file;
    private final CountDownLatch started;

    ScriptMain(BundleContext context, Path file, CountDownLatch started) {
        this.context = context;
        this.file = file;
        this.started = started;
    }

    /** @return 0 when every command succeeded, 1 at the first failure, 2 when the script cannot be read */
    @Override
    public Integer call() throws Exception {
        if (!started.await(120, TimeUnit.SECONDS)) {
            System.err.println("drvsim: the platform did not finish starting within 120 s");
            return 1;
        }
        ServiceTracker<CommandProcessor, CommandProcessor> tracker = new ServiceTracker<>(context, CommandProcessor.class, null);
        tracker.open();
        try {
            CommandProcessor processor = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
            if (processor == null) {
                System.err.println("drvsim: the Gogo command processor did not start");
                return 1;
            }
            return run(processor, file, System.out, System.err);
        } finally {
            tracker.close();
        }
    }

    static int run(CommandProcessor processor, Path file, PrintStream out, PrintStream err) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("drvsim: cannot read script " + file + ": " + e);
            return 2;
        }
        try (CommandSession session = processor.createSession(System.in, out, err)) {
            // gogo.jline's help needs its interactive shell; felix:help (gogo.command) works in any session
            session.put("SCOPE", "felix:*");
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                out.println("drvsim> " + line);
                try {
                    Object result = session.execute(line);
                    if (result != null) {
                        out.println(session.format(result, Converter.INSPECT));
                    }
                    out.flush();
                } catch (Exception e) {
                    out.flush();
                    err.println("drvsim: " + file + " line " + (i + 1) + ": '" + line + "' failed: " + describe(e));
                    err.flush();
                    return 1;
                }
            }
        }
        return 0;
    }

    /** The message of the exception, or of its root cause when the exception only wraps it (reflection). */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** What runs when the command line is wrong: the usage, exit code 2. */
    record BadArguments(String message) implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println(message);
            return 2;
        }
    }
}
