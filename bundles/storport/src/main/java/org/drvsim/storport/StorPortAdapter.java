package org.drvsim.storport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Storport functions a miniport calls for one adapter (in C they take the device extension). Every
 * call is recorded in the trace under its WDK name. A call after HwStorFreeAdapterResources is a
 * verifier violation and is ignored.
 */
@ProviderType
public interface StorPortAdapter {
    /** @return the adapter's device instance ID */
    String instanceId();

    /**
     * Models StorPortNotification(RequestComplete, DeviceExtension, Srb): the SRB is complete, its
     * SrbStatus, ScsiStatus, sense data and DataTransferLength set. At most DISPATCH_LEVEL, any thread.
     * Completing an SRB twice, or one Storport did not hand out, is a verifier violation and is ignored.
     *
     * @throws IllegalArgumentException if {@code type} is not RequestComplete
     */
    void storPortNotification(StorPortNotificationType type, StorageRequestBlock srb);

    /**
     * Models StorPortNotification(BusChangeDetected, DeviceExtension, PathId): Storport rescans the bus
     * (REPORT LUNS, INQUIRY) on its PnP worker and adds or removes logical units. At most DISPATCH_LEVEL.
     *
     * @throws IllegalArgumentException if {@code type} is not BusChangeDetected
     */
    void storPortNotification(StorPortNotificationType type, int pathId);

    /**
     * Models StorPortBusy: Storport holds new requests for the adapter until {@code requestsToComplete}
     * outstanding requests have completed or the miniport calls {@link #storPortReady()}.
     *
     * @return TRUE
     */
    boolean storPortBusy(int requestsToComplete);

    /** Models StorPortReady: Storport resumes sending requests held by {@link #storPortBusy}. */
    boolean storPortReady();

    /**
     * Models StorPortQueueWorkItem: runs {@code routine} later at PASSIVE_LEVEL on a system worker thread,
     * for work such as completing a request asynchronously.
     */
    void storPortQueueWorkItem(Runnable routine);
}
