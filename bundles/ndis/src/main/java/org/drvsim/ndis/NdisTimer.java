package org.drvsim.ndis;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A timer object from {@link NdisMiniportAdapterHandle#ndisAllocateTimerObject}. Its function runs at
 * DISPATCH_LEVEL on a simulated processor's DPC thread.
 */
@ProviderType
public interface NdisTimer {
    /**
     * Models NdisSetTimerObject (one-shot).
     *
     * @param dueTime delay before the timer function runs; zero runs it as soon as a processor is free
     * @return {@code true} if the timer was already queued (it is re-queued)
     */
    boolean ndisSetTimerObject(Duration dueTime);

    /**
     * Models NdisCancelTimerObject.
     *
     * @return {@code true} if the timer was queued and is now cancelled
     */
    boolean ndisCancelTimerObject();

    /** Models NdisFreeTimerObject; a set timer is cancelled first. */
    void ndisFreeTimerObject();
}
