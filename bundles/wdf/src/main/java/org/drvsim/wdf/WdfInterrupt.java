package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/** WDFINTERRUPT: connected to the device's interrupt resource while the device is in D0. */
@ProviderType
public interface WdfInterrupt extends WdfObject {
    /** @return the device the interrupt belongs to */
    WdfDevice device();

    /**
     * Models WdfInterruptQueueDpcForIsr (from the ISR): queues EvtInterruptDpc on the interrupt's processor.
     *
     * @return FALSE if the DPC was already queued
     */
    boolean wdfInterruptQueueDpcForIsr();
}
