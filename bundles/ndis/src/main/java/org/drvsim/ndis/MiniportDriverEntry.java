package org.drvsim.ndis;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The entry class of an NDIS miniport driver bundle (named by {@link NdisMiniportDriver}). It needs a
 * public no-argument constructor; the kernel creates one instance per load.
 */
@ConsumerType
public interface MiniportDriverEntry {
    /**
     * Models the miniport's DriverEntry. Runs at PASSIVE_LEVEL on the PnP worker when the driver bundle
     * starts. Fills the characteristics and calls {@link NdisDriverObject#ndisMRegisterMiniportDriver};
     * returns its status (spec/ndis-lifecycle.md section 1).
     *
     * @return {@code NDIS_STATUS_SUCCESS}, or a failure that makes the bundle start fail with a
     *         BundleException naming it
     */
    NdisStatus driverEntry(NdisDriverObject driverObject);
}
