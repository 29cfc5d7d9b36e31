package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/** The entry class of a KMDF driver bundle; needs a public no-argument constructor. */
@ConsumerType
public interface KmdfDriverEntry {
    /**
     * Models DriverEntry: PASSIVE_LEVEL on the PnP worker when the bundle starts; calls WdfDriverCreate first.
     *
     * @return STATUS_SUCCESS, or a failure that makes the bundle start fail naming it
     */
    NtStatus driverEntry(WdfDriverObject driverObject);
}
