package org.drvsim.kernel.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Verifier;
import org.drvsim.nt.Irql;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link DriverWatchdog}: a daemon thread looks at the routines being run every tenth of the shortest limit.
 * One that overran is reported ({@code CallbackHung}, with the stack of its thread), its driver is isolated, the
 * thread it hangs is replaced in the scheduler, and the PnP manager forgets the driver and stops its bundle.
 */
@Component(service = DriverWatchdog.class)
public final class DriverWatchdogImpl implements DriverWatchdog {
    private static final Logger LOG = Logger.getLogger(DriverWatchdogImpl.class.getName());
    private final Verifier verifier;
    private final Scheduler scheduler;
    private final PnpManager pnp;
    private final long passiveMillis;
    private final long dispatchMillis;
    private final Set<WatchImpl> running = ConcurrentHashMap.newKeySet();
    private final Map<String, String> isolated = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;

    @Activate
    public DriverWatchdogImpl(@Reference Verifier verifier, @Reference Scheduler scheduler, @Reference PnpManager pnp,
                              BundleContext context) {
        this(verifier, scheduler, pnp, limit(context.getProperty(PASSIVE_LIMIT_PROPERTY), PASSIVE_LIMIT_PROPERTY,
                DEFAULT_PASSIVE_MILLIS), limit(context.getProperty(DISPATCH_LIMIT_PROPERTY), DISPATCH_LIMIT_PROPERTY,
                DEFAULT_DISPATCH_MILLIS));
    }

    public DriverWatchdogImpl(Verifier verifier, Scheduler scheduler, PnpManager pnp, long passiveMillis,
                              long dispatchMillis) {
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.pnp = pnp;
        this.passiveMillis = passiveMillis;
        this.dispatchMillis = dispatchMillis;
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drvsim-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(5, Math.min(passiveMillis, dispatchMillis) / 10);
        checker.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    static long limit(String value, String property, long defaultMillis) {
        if (value == null || value.isBlank()) {
            return defaultMillis;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("framework property " + property + "='" + value
                + "' is not a positive number of milliseconds");
    }

    @Deactivate
    void deactivate() {
        checker.shutdownNow();
    }

    /** One routine being run. */
    private final class WatchImpl implements Watch {
        final String driver;
        final String device;
        final String routine;
        final Thread thread;
        final Irql irql;
        final long start = System.nanoTime();
        final long limitMillis;
        volatile boolean hung;

        WatchImpl(String driver, String device, String routine) {
            this.driver = driver;
            this.device = device;
            this.routine = routine;
            this.thread = Thread.currentThread();
            this.irql = Irql.current();
            this.limitMillis = irql == Irql.PASSIVE_LEVEL || irql == Irql.APC_LEVEL ? passiveMillis : dispatchMillis;
        }

        @Override
        public void exit() {
            running.remove(this);
            if (hung) {
                throw new CallbackAbandoned(routine + " of " + driver + " returned after it was declared hung; the work "
                        + "that called it was abandoned");
            }
        }
    }

    @Override
    public Watch enter(String driver, String device, String routine) {
        WatchImpl w = new WatchImpl(driver, device, routine);
        running.add(w);
        return w;
    }

    @Override
    public boolean isolated(String driver) {
        return driver != null && isolated.containsKey(driver);
    }

    @Override
    public long passiveLimitMillis() {
        return passiveMillis;
    }

    @Override
    public long dispatchLimitMillis() {
        return dispatchMillis;
    }

    private void check() {
        long now = System.nanoTime();
        for (WatchImpl w : running) {
            if (!w.hung && now - w.start > TimeUnit.MILLISECONDS.toNanos(w.limitMillis)) {
                w.hung = true;
                try {
                    hung(w);
                } catch (Throwable t) {
                    LOG.severe("drvsim: isolating " + w.driver + " failed: " + t);
                }
            }
        }
    }

    private void hung(WatchImpl w) {
        StringBuilder stack = new StringBuilder();
        StackTraceElement[] frames = w.thread.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++) {
            stack.append(i == 0 ? "" : " <- ").append(frames[i]);
        }
        String why = w.routine + " did not return within " + w.limitMillis + " ms (thread " + w.thread.getName() + ", "
                + w.irql + ")";
        boolean firstTime = isolated.putIfAbsent(w.driver, why) == null;
        verifier.report("CallbackHung", w.irql == Irql.PASSIVE_LEVEL ? 0x9F : 0x133, w.driver, w.device,
                why + "; the driver is isolated; stack: " + stack);
        if (firstTime) {
            pnp.isolate(w.driver, "CallbackHung in " + w.routine); // queued first: done before the caller hears
        }
        scheduler.replaceHungThread(w.thread, new IllegalStateException("CallbackHung: " + w.routine + " of " + w.driver
                + " did not return within " + w.limitMillis + " ms; the driver is isolated"));
    }
}
