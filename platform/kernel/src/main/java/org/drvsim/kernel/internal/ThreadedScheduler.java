package org.drvsim.kernel.internal;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
 * The threaded {@link Scheduler}: one PnP worker, system workers for work items, one thread per simulated processor
 * for its DPCs and ISRs, and one timer thread that turns expiries into DPCs. Work that throws is logged and does not
 * kill its thread (a failing driver never takes down the platform).
 *
 * <p>The PnP worker and each processor are a {@link Lane}: a serial queue run by one thread that can be replaced.
 * When the driver watchdog declares a driver routine hung, {@link #replaceHungThread} gives the lane a fresh thread
 * that goes on with the queue, fails the hung work's waiting caller, and leaves the hung thread to unwind (or hang)
 * on its own: PnP and the other drivers go on.
 */
@Component(service = Scheduler.class)
public final class ThreadedScheduler implements Scheduler, AutoCloseable {
    /** Framework property: the number of simulated processors (default 2). */
    public static final String PROCESSORS_PROPERTY = "drvsim.processors";
    private static final Logger LOG = Logger.getLogger(ThreadedScheduler.class.getName());
    private static final ThreadLocal<Integer> PROCESSOR = ThreadLocal.withInitial(() -> 0);
    /** How long a caller waits for the PnP worker at most; the driver watchdog frees it much earlier. */
    static final Duration PNP_TIMEOUT = Duration.ofSeconds(300);

    private final Lane pnp;
    private final ExecutorService workers;
    private final Lane[] processors;
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
        pnp = new Lane("drvsim-pnp", -1);
        AtomicInteger workerNo = new AtomicInteger();
        // a system worker that hangs in a driver's work item keeps its thread; the next work item gets another
        workers = Executors.newCachedThreadPool(r -> daemon(r, "drvsim-worker-" + workerNo.getAndIncrement()));
        processors = new Lane[processorCount];
        for (int i = 0; i < processorCount; i++) {
            processors[i] = new Lane("drvsim-cpu" + i, i);
        }
        timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "drvsim-timer"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Completes the future of work whose thread was replaced; its caller rethrows the reason from its own stack. */
    private static final class AbandonedWork extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AbandonedWork(RuntimeException reason) {
            super(reason.getMessage(), reason, false, false);
        }
    }

    /** A unit of lane work and, for {@link #callPnp}, the future its caller waits on. */
    private record Task(String name, Runnable work, CompletableFuture<?> done) {
    }

    /**
     * A serial queue run by one thread at a time. The thread can be replaced when it hangs in a driver routine: the
     * new thread takes the next task; the old one, should it ever return, sees it was replaced and ends.
     */
    private static final class Lane {
        private final String name;
        private final int processor;
        private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
        private volatile Thread thread;
        private volatile Task current;
        private volatile boolean closed;
        private int generation;

        Lane(String name, int processor) {
            this.name = name;
            this.processor = processor;
            start();
        }

        private synchronized void start() {
            Thread t = daemon(this::run, name + (generation++ == 0 ? "" : "-" + generation));
            thread = t;
            t.start();
        }

        private void run() {
            if (processor >= 0) {
                PROCESSOR.set(processor);
            }
            Thread me = Thread.currentThread();
            // after close, the tasks already queued still run (as ExecutorService.shutdown lets them), then the thread ends
            while (thread == me && !(closed && queue.isEmpty())) {
                Task t;
                try {
                    t = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    continue;
                }
                if (t == null) {
                    continue;
                }
                current = t;
                try {
                    t.work().run();
                } catch (Throwable e) {
                    if (thread == me) {
                        LOG.log(Level.SEVERE, "drvsim: " + t.name() + " threw; the platform goes on", e);
                    }
                } finally {
                    if (thread == me) {
                        current = null;
                    }
                }
            }
        }

        void execute(Task t) {
            if (closed) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            queue.add(t);
        }

        boolean runsOn(Thread t) {
            return thread == t;
        }

        /**
         * Replaces the lane's thread if it is {@code hung}; the hung task's caller fails with {@code reason} once the
         * fresh thread has run what was queued before (for the PnP worker: the isolation of the hung driver).
         */
        synchronized boolean replace(Thread hung, RuntimeException reason) {
            if (thread != hung || closed) {
                return false;
            }
            Task t = current;
            current = null;
            start();
            if (t != null && t.done() != null) {
                // the caller hears of it after the work queued so far (the isolation of the driver) has run
                CompletableFuture<?> done = t.done();
                queue.add(new Task("fail the caller of " + t.name(), () -> done.completeExceptionally(
                        new AbandonedWork(reason)), null));
            }
            LOG.warning("drvsim: " + hung.getName() + " is hung in a driver routine; " + thread.getName() + " goes on with "
                    + name + "'s queue");
            return true;
        }

        void close() {
            closed = true;
        }

        void awaitTermination(long millis) throws InterruptedException {
            Thread t = thread;
            t.join(millis);
        }
    }

    @Override
    public <T> T callPnp(String name, Callable<T> work) throws Exception {
        if (onPnpWorker()) {
            return work.call();
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        pnp.execute(new Task(name, () -> {
            try {
                done.complete(work.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, done));
        try {
            return done.get(PNP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AbandonedWork abandoned) {
                throw new IllegalStateException(abandoned.getMessage(), abandoned.getCause());
            }
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
        return pnp.runsOn(Thread.currentThread());
    }

    @Override
    public void queuePnp(String name, Runnable work) {
        pnp.execute(new Task(name, guarded(name, work, null), null));
    }

    @Override
    public void queueWorkItem(String name, Runnable routine) {
        workers.execute(guarded(name, routine, null));
    }

    @Override
    public void queueDpc(int processor, String name, Runnable routine) {
        processor(processor).execute(new Task(name, guarded(name, routine, Irql.DISPATCH_LEVEL), null));
    }

    @Override
    public void requestInterrupt(int processor, String name, Runnable isr) {
        processor(processor).execute(new Task(name, guarded(name, isr, Irql.DIRQL), null));
    }

    @Override
    public boolean replaceHungThread(Thread thread, RuntimeException reason) {
        if (pnp.replace(thread, reason)) {
            return true;
        }
        for (Lane p : processors) {
            if (p.replace(thread, reason)) {
                return true;
            }
        }
        return false;
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

    private Lane processor(int processor) {
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
        for (Lane p : processors) {
            p.close();
        }
        workers.shutdown();
        pnp.close();
        try {
            for (Lane p : processors) {
                p.awaitTermination(5_000);
            }
            workers.awaitTermination(5, TimeUnit.SECONDS);
            pnp.awaitTermination(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
