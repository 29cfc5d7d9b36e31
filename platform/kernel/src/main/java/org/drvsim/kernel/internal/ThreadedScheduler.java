package org.drvsim.kernel.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.Scheduler;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The threaded {@link Scheduler}: one PnP worker, two system workers, one thread per simulated
 * processor for its DPCs and ISRs, and one timer thread that turns expiries into DPCs. Work that
 * throws is logged and does not kill its thread (a failing driver never takes down the platform).
 */
@Component(service = Scheduler.class)
public final class ThreadedScheduler implements Scheduler, AutoCloseable {
    /** Framework property: the number of simulated processors (default 2). */
    public static final String PROCESSORS_PROPERTY = "drvsim.processors";
    private static final Logger LOG = Logger.getLogger(ThreadedScheduler.class.getName());
    private static final ThreadLocal<Integer> PROCESSOR = ThreadLocal.withInitial(() -> 0);
    /** How long a caller waits for the PnP worker before giving up: a hung driver callback. */
    static final Duration PNP_TIMEOUT = Duration.ofSeconds(120);

    private final ExecutorService pnp;
    private volatile Thread pnpThread;
    private final ExecutorService workers;
    private final ExecutorService[] processors;
    private final ScheduledExecutorService timers;

    @Activate
    public ThreadedScheduler(BundleContext context) {
        this(parseProcessors(context.getProperty(PROCESSORS_PROPERTY)));
    }

    static int parseProcessors(String value) {
        if (value == null || value.isBlank()) {
            return 2;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("framework property " + PROCESSORS_PROPERTY + "='" + value
                    + "' is not a number of processors");
        }
    }

    public ThreadedScheduler(int processorCount) {
        if (processorCount < 1 || processorCount > 64) {
            throw new IllegalArgumentException("processor count " + processorCount + " is not in 1..64");
        }
        pnp = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                pnpThread = Thread.currentThread();
                r.run();
            }, "drvsim-pnp");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger workerNo = new AtomicInteger();
        workers = Executors.newFixedThreadPool(2, r -> daemon(r, "drvsim-worker-" + workerNo.getAndIncrement()));
        processors = new ExecutorService[processorCount];
        for (int i = 0; i < processorCount; i++) {
            int cpu = i;
            processors[i] = Executors.newSingleThreadExecutor(r -> daemon(() -> {
                PROCESSOR.set(cpu);
                r.run();
            }, "drvsim-cpu" + cpu));
        }
        timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "drvsim-timer"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public <T> T callPnp(String name, Callable<T> work) throws Exception {
        if (onPnpWorker()) {
            return work.call();
        }
        Future<T> f = pnp.submit(work);
        try {
            return f.get(PNP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException("PnP step '" + name + "' failed", cause);
        } catch (TimeoutException e) {
            throw new TimeoutException("PnP step '" + name + "' did not finish within " + PNP_TIMEOUT.toSeconds()
                    + " s: a driver callback is hung");
        }
    }

    @Override
    public boolean onPnpWorker() {
        return Thread.currentThread() == pnpThread;
    }

    @Override
    public void queuePnp(String name, Runnable work) {
        pnp.execute(guarded(name, work, null));
    }

    @Override
    public void queueWorkItem(String name, Runnable routine) {
        workers.execute(guarded(name, routine, null));
    }

    @Override
    public void queueDpc(int processor, String name, Runnable routine) {
        processor(processor).execute(guarded(name, routine, Irql.DISPATCH_LEVEL));
    }

    @Override
    public void requestInterrupt(int processor, String name, Runnable isr) {
        processor(processor).execute(guarded(name, isr, Irql.DIRQL));
    }

    @Override
    public Timer setTimer(int processor, String name, Duration dueTime, Runnable dpcRoutine) {
        processor(processor); // validate now
        // Expiry and cancel race for one flag, so that a timer whose DPC is queued can no longer be cancelled
        // (KeCancelTimer returns FALSE once the timer has left the timer queue).
        java.util.concurrent.atomic.AtomicBoolean dequeued = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> f = timers.schedule(() -> {
            if (dequeued.compareAndSet(false, true)) {
                queueDpc(processor, name, dpcRoutine);
            }
        }, Math.max(0, dueTime.toNanos()), TimeUnit.NANOSECONDS);
        return () -> {
            if (!dequeued.compareAndSet(false, true)) {
                return false;
            }
            f.cancel(false);
            return true;
        };
    }

    @Override
    public int processorCount() {
        return processors.length;
    }

    @Override
    public int currentProcessor() {
        return PROCESSOR.get();
    }

    private ExecutorService processor(int processor) {
        if (processor < 0 || processor >= processors.length) {
            throw new IllegalArgumentException("processor " + processor + " does not exist (0.."
                    + (processors.length - 1) + ")");
        }
        return processors[processor];
    }

    /**
     * Wraps work so that it runs at {@code irql} (null: the thread's own PASSIVE_LEVEL), a throw is logged
     * instead of killing the thread, and the thread is back at its base IRQL afterwards even when the
     * work returned at a raised IRQL (which is logged: a driver bug Windows would bug-check).
     */
    private static Runnable guarded(String name, Runnable work, Irql irql) {
        return () -> {
            Irql base = Irql.current();
            Irql runAt = irql == null ? base : irql;
            if (runAt != base) {
                Irql.raise(runAt);
            }
            try {
                work.run();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "drvsim: " + name + " threw; the platform goes on", t);
            } finally {
                if (Irql.current() != runAt) {
                    LOG.severe("drvsim: " + name + " returned at " + Irql.current() + ", not " + runAt);
                }
                if (Irql.current() != base) {
                    Irql.lower(base);
                }
            }
        };
    }

    @Override
    @Deactivate
    public void close() {
        timers.shutdownNow();
        for (ExecutorService p : processors) {
            p.shutdown();
        }
        workers.shutdown();
        pnp.shutdown();
        try {
            for (ExecutorService p : processors) {
                p.awaitTermination(5, TimeUnit.SECONDS);
            }
            workers.awaitTermination(5, TimeUnit.SECONDS);
            pnp.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
