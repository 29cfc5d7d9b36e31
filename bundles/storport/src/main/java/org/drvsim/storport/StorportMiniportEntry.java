package org.drvsim.storport;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The entry class of a Storport miniport driver bundle (named by its {@code Drvsim-Driver} header). It
 * needs a public no-argument constructor.
 */
@ConsumerType
public interface StorportMiniportEntry {
    /**
     * Models the miniport's DriverEntry: PASSIVE_LEVEL on the PnP worker when the bundle starts. Fills
     * VIRTUAL_HW_INITIALIZATION_DATA and returns what {@link StorPortDriverObject#storPortInitialize} returned
     * (spec/storport-lifecycle.md section 1.1).
     *
     * @return STATUS_SUCCESS, or a failure that makes the bundle start fail with a BundleException naming it
     */
    NtStatus driverEntry(StorPortDriverObject driverObject);
}
