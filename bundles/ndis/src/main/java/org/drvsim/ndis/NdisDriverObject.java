package org.drvsim.ndis;

import org.drvsim.nt.DriverObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The miniport's DRIVER_OBJECT together with the driver-wide NDIS functions. Passed to {@link
 * MiniportDriverEntry#driverEntry} and to MiniportDriverUnload.
 */
@ProviderType
public interface NdisDriverObject extends DriverObject {

    /**
     * Models NdisMRegisterMiniportDriver. Called from DriverEntry at PASSIVE_LEVEL. Copies the
     * characteristics, then calls MiniportSetOptions (if set) before returning.
     *
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_BAD_VERSION} if the major version is not 6;
     *         {@code NDIS_STATUS_BAD_CHARACTERISTICS} if a required handler is missing; {@code
     *         NDIS_STATUS_FAILURE} if the driver is already registered or is called outside DriverEntry
     */
    NdisStatus ndisMRegisterMiniportDriver(NdisMiniportDriverCharacteristics<?> miniportDriverCharacteristics);

    /**
     * Models NdisMDeregisterMiniportDriver. Called from MiniportDriverUnload (or from a failing
     * DriverEntry after a successful registration) at PASSIVE_LEVEL.
     */
    void ndisMDeregisterMiniportDriver();
}
