package org.drvsim.shell.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * Sets up the console of {@code drvsim.jar} from the command line the bnd launcher was given (its
 * {@code launcher.arguments} service property). This bundle starts before gogo.jline (see
 * drvsim.bndrun), so what it sets is what gogo.jline reads when it starts its shell:
 * <ul>
 * <li>{@code drvsim.home}: its folders, FileInstall's {@code deploy/} folder, the history file and
 * {@code log/drvsim.log} ({@link DrvsimHome}).</li>
 * <li>{@code gosh.home}: a fresh folder whose {@code etc/gosh_profile} is drvsim's profile (prompt
 * {@code drvsim> }, and no line-reader options when there is no line reader).</li>
 * <li>No arguments on a terminal: gogo.jline runs the interactive shell; end of input or {@code exit} stops the
 * framework, which halts and unloads every driver.</li>
 * <li>No arguments, piped input: the commands run as a script would ({@link ScriptMain}), without prompts.</li>
 * <li>{@code --script FILE}: gogo.jline only reads the profile ({@code gosh.args=--nointeractive
 * --noshutdown}) and the script runs on the launcher's main thread ({@link ScriptMain}); the launcher
 * then stops the framework and exits with the script's exit code.</li>
 * </ul>
 * Outside the launcher (a test framework) there are no launcher arguments and it does nothing.
 */
public final class ConsoleActivator implements BundleActivator {
    static final String USAGE = "usage: java -jar drvsim.jar [--script FILE]";
    private ServiceRegistration<?> main;
    private DrvsimHome home;
    /** Opened when the framework has reached its beginning start level: every driver has started. */
    private final CountDownLatch started = new CountDownLatch(1);
    /** Opened when this bundle stops, which happens after the drivers stopped during a framework stop. */
    private final CountDownLatch stopping = new CountDownLatch(1);

    @Override
    public void start(BundleContext context) throws InvalidSyntaxException {
        String[] args = launcherArguments(context);
        if (args == null) {
            return;
        }
        // The launcher raises the start level in steps: the platform is up when the framework has reached
        // the highest start level of any bundle (the drivers' level) and no bundle is still starting.
        context.addFrameworkListener(e -> {
            if (e.getType() == FrameworkEvent.STARTED || e.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                checkStarted(context);
            }
        });
        checkStarted(context);
        boolean terminal = System.console() != null;
        if (System.getProperty("gosh.home") == null && context.getProperty("gosh.home") == null) {
            System.setProperty("gosh.home", goshHome(args.length == 0 && terminal).toString());
        }
        // drvsim.home (deploy/, etc/, data/, log/), set up before FileInstall (start level 10) reads its properties
        home = DrvsimHome.setUp(context, System.getenv());
        installShutdownHook(context);
        ScriptMain.Console console = processConsole();
        if (!terminal || args.length > 0) {
            // Not a terminal (piped input, CI) or a script: a dumb terminal, without JLine's warning about it.
            System.setProperty("org.jline.terminal.dumb", "true");
        }
        if (args.length == 0 && terminal) {
            letJLineFindItsTerminalProviders(context);
            // gogo.jline runs the interactive shell and stops the framework at end of input or 'exit'.
            // The main thread waits for that stop, so that the launcher exits with 0 (or exit's code), not
            // "stopped" (117).
            CountDownLatch exit = new CountDownLatch(1);
            interactiveExit = exit;
            interactiveReturned = new CountDownLatch(1);
            registerMain(context, new InteractiveMain(stopping, exit, interactiveReturned));
            return;
        }
        if (context.getProperty("gosh.args") == null) {
            System.setProperty("gosh.args", "--nointeractive --noshutdown");
        }
        Callable<Integer> callable;
        if (args.length == 0) {
            // piped input: the same runner as --script, reading standard input, without prompts or echo
            callable = new ScriptMain(context, null, started, console);
        } else if (args.length == 2 && args[0].equals("--script")) {
            callable = new ScriptMain(context, Path.of(args[1]), started, console);
        } else {
            callable = new ScriptMain.BadArguments("drvsim: unknown arguments " + List.of(args) + "\n" + USAGE,
                    console.err());
        }
        registerMain(context, callable);
    }

    /**
     * The process's own standard streams (file descriptors 0, 1 and 2). Gogo replaces {@code System.out} and
     * {@code System.err} with streams that write to the current command session; a session built on those would
     * write into itself (the StackOverflowError {@code echo} and pipes once gave under {@code --script}).
     */
    private static ScriptMain.Console processConsole() {
        return new ScriptMain.Console(new FileInputStream(FileDescriptor.in),
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    }

    /**
     * JLine looks its terminal providers up through the thread context class loader, which in the framework is the
     * launcher's and cannot see them: it falls back to a dumb terminal that leaves SIGINT to the JVM, so Ctrl-C at
     * the prompt stopped the whole platform. While gogo.jline starts (and builds its terminal, on the thread that
     * starts it) the context class loader is JLine's own; with a real terminal, Ctrl-C interrupts the running command
     * or clears the line, and the platform goes on.
     */
    private static void letJLineFindItsTerminalProviders(BundleContext context) {
        context.addBundleListener(new SynchronousBundleListener() {
            private ClassLoader previous;
            private boolean set;

            @Override
            public void bundleChanged(BundleEvent e) {
                if (!"org.apache.felix.gogo.jline".equals(e.getBundle().getSymbolicName())) {
                    return;
                }
                if (e.getType() == BundleEvent.STARTING) {
                    for (Bundle b : context.getBundles()) {
                        BundleWiring wiring = "org.jline".equals(b.getSymbolicName()) ? b.adapt(BundleWiring.class) : null;
                        if (wiring != null && wiring.getClassLoader() != null) {
                            previous = Thread.currentThread().getContextClassLoader();
                            Thread.currentThread().setContextClassLoader(wiring.getClassLoader());
                            set = true;
                            return;
                        }
                    }
                } else if (set && (e.getType() == BundleEvent.STARTED || e.getType() == BundleEvent.STOPPED)) {
                    Thread.currentThread().setContextClassLoader(previous);
                    set = false;
                }
            }
        });
    }

    /** How long the shutdown hook waits for the framework to stop (drivers halted and unloaded, trace exported). */
    static final long SHUTDOWN_WAIT_MILLIS = 60_000;
    private Thread shutdownHook;

    /**
     * SIGTERM, SIGINT (Ctrl-C without a line editor) and SIGHUP end the JVM through its shutdown hooks: this one
     * stops the framework the orderly way first, so that every driver is halted and unloaded, the trace export
     * ({@code drvsim.trace.export}) is written and open capture files are completed, as at the end of input.
     */
    private void installShutdownHook(BundleContext context) {
        Bundle system = context.getBundle(0);
        shutdownHook = new Thread(() -> {
            try {
                system.stop();
                if (system instanceof Framework f) {
                    f.waitForStop(SHUTDOWN_WAIT_MILLIS);
                }
            } catch (Exception e) {
                System.err.println("drvsim: orderly stop at JVM shutdown failed: " + e);
            }
        }, "drvsim-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void registerMain(BundleContext context, Callable<Integer> callable) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("main.thread", "true");
        main = context.registerService(Callable.class, callable, props);
    }

    /**
     * In interactive mode, what {@code exit} counts down: the launcher's main thread returns exit's code and the
     * launcher stops the framework the orderly way, as after a script. Null outside interactive mode.
     */
    private static volatile CountDownLatch interactiveExit;
    /** In interactive mode, counted down when the launcher's main thread returns from {@link InteractiveMain}. */
    private volatile CountDownLatch interactiveReturned;

    /**
     * Asks the interactive main thread to return {@code code}.
     *
     * @return false outside interactive mode (the caller stops the framework itself)
     */
    static boolean requestInteractiveExit(int code) {
        CountDownLatch l = interactiveExit;
        if (l == null) {
            return false;
        }
        ShellCommands.INTERACTIVE_EXIT.set(code);
        l.countDown();
        return true;
    }

    /**
     * The launcher's main thread in interactive mode: returns 0 (or exit's code) when {@code exit} asks for it, or
     * once the framework is stopping for another reason (end of input at the prompt). {@code exit} must not stop the
     * framework itself: bnd's launcher exits with 117 ("stopped") when the framework stops before its main thread
     * has returned and begun the orderly stop, which an exit under load once did.
     */
    record InteractiveMain(CountDownLatch stopping, CountDownLatch exit, CountDownLatch returned)
            implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            try {
                while (!exit.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (stopping.getCount() == 0) {
                        break;
                    }
                }
                return ShellCommands.INTERACTIVE_EXIT.get();
            } finally {
                returned.countDown();
            }
        }
    }

    private void checkStarted(BundleContext context) {
        int level = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
        int highest = 1;
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0) {
                highest = Math.max(highest, b.adapt(BundleStartLevel.class).getStartLevel());
            }
        }
        if (level >= highest) {
            started.countDown();
        }
    }

    @Override
    public void stop(BundleContext context) {
        stopping.countDown();
        interactiveExit = null;
        CountDownLatch returned = interactiveReturned;
        if (returned != null) {
            // End of input at the prompt: gogo stops the framework, not the launcher. Let the launcher's main thread
            // return first and begin its orderly stop; if the framework had stopped before that, bnd's launcher would
            // exit with 117 ("stopped") instead of 0.
            try {
                returned.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmShuttingDown) {
                // the hook runs (or ran) and stops the framework
            }
        }
        if (main != null) {
            try {
                main.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
        }
        if (home != null) {
            home.close(); // the drivers have stopped: their last records are in log/drvsim.log
        }
    }

    static String[] launcherArguments(BundleContext context) throws InvalidSyntaxException {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(launcher.arguments=*)");
        if (refs == null || refs.length == 0) {
            return null;
        }
        Object value = refs[0].getProperty("launcher.arguments");
        return value instanceof String[] a ? a : new String[0];
    }

    /** What gogo.jline's non-interactive shell sources: nothing to run (see {@link #goshHome}). */
    static final String SCRIPT_PROFILE = "# drvsim runs a script or piped input in a session of its own (ScriptMain): "
            + "nothing to set up here\n";

    /**
     * A fresh gosh.home. Interactive, its profile is drvsim's ({@code drvsim_gosh_profile}: prompt, scope, completion,
     * history, drvsim's prompt loop). For a script or piped input, gogo.jline's shell only sources the profile, on a
     * thread of its own, while the script runs in its own session and may end at once; a profile with commands in it
     * then raced the framework's stop and sometimes printed "Command not found: try" with a stack trace on a run
     * that succeeded. So that profile runs nothing.
     */
    static Path goshHome(boolean interactive) {
        try {
            Path home = Files.createTempDirectory("drvsim-gosh");
            Path etc = Files.createDirectories(home.resolve("etc"));
            try (var in = ConsoleActivator.class.getResourceAsStream("/drvsim_gosh_profile")) {
                Files.write(etc.resolve("gosh_profile"), interactive ? in.readAllBytes() : utf8(SCRIPT_PROFILE));
            }
            home.toFile().deleteOnExit();
            etc.toFile().deleteOnExit();
            etc.resolve("gosh_profile").toFile().deleteOnExit();
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
