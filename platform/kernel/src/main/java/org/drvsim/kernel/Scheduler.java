package org.drvsim.kernel;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one way simulated code gets a thread: every ISR, DPC, work item, timer expiry and PnP step
 * of every driver model goes through this interface, so that another implementation can run a
 * whole machine deterministically from a seed. Each method says the thread and the IRQL the work
 * runs at. Work is named (the WDK routine or a short description) for diagnostics.
 *
 * <p>The default implementation has one PnP worker thread (PASSIVE_LEVEL; PnP and power are
 * serialised, as the Windows PnP manager serialises them per device tree), a pool of system worker
 * threads (PASSIVE_LEVEL), and one thread per simulated processor that runs that processor's DPC
 * queue and timer expiries (DISPATCH_LEVEL) and its ISRs (DIRQL).
 */
@ProviderType
public interface Scheduler {
    /**
     * Runs {@code work} on the PnP worker at PASSIVE_LEVEL and waits for it. Called on the PnP worker
     * itself, it runs inline (PnP steps nest, as IRP dispatch does).
     *
     * @return what {@code work} returned
     * @throws Exception what {@code work} threw
     */
    <T> T callPnp(String name, Callable<T> work) throws Exception;

    /**
     * Queues {@code work} on the PnP worker (PASSIVE_LEVEL) without waiting: device arrivals and
     * removals. Runs after everything queued before it.
     */
    void queuePnp(String name, Runnable work);

    /** @return whether the calling thread is the PnP worker */
    boolean onPnpWorker();

    /**
     * The driver watchdog declared a routine running on {@code thread} hung: if that thread is the PnP worker or a
     * processor's thread, a fresh thread takes over its queue, and the caller waiting for the hung work (through
     * {@link #callPnp}) fails with {@code reason}. The hung thread is left to return (or not) on its own.
     *
     * @return whether {@code thread} was one of the scheduler's serial threads and was replaced
     */
    default boolean replaceHungThread(Thread thread, RuntimeException reason) {
        return false;
    }

    /**
     * Models {@code IoQueueWorkItem}/{@code NdisQueueIoWorkItem}: runs {@code routine} later on a
     * system worker thread at PASSIVE_LEVEL.
     */
    void queueWorkItem(String name, Runnable routine);

    /**
     * Models {@code KeInsertQueueDpc}: runs {@code routine} later at DISPATCH_LEVEL on the given
     * processor's DPC thread, in the order queued on that processor.
     *
     * @param processor 0 to {@link #processorCount()}-1
     * @throws IllegalArgumentException if the processor does not exist
     */
    void queueDpc(int processor, String name, Runnable routine);

    /**
     * Raises a (simulated) interrupt: runs {@code isr} at DIRQL on the given processor's thread.
     *
     * @throws IllegalArgumentException if the processor does not exist
     */
    void requestInterrupt(int processor, String name, Runnable isr);

    /**
     * Models {@code KeSetTimer} with a DPC: after {@code dueTime}, queues {@code dpcRoutine} as a DPC
     * on {@code processor} (DISPATCH_LEVEL).
     *
     * @return a handle whose {@link Timer#cancel()} models {@code KeCancelTimer}
     */
    Timer setTimer(int processor, String name, Duration dueTime, Runnable dpcRoutine);

    /** @return the number of simulated processors (at least 1) */
    int processorCount();

    /** @return the simulated processor the calling thread belongs to, or 0 for threads not owned */
    int currentProcessor();

    /** A timer set with {@link #setTimer}. */
    @ProviderType
    interface Timer {
        /**
         * Models {@code KeCancelTimer}.
         *
         * @return {@code true} if the timer was still queued and is now cancelled
         */
        boolean cancel();
    }
}
