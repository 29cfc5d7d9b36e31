package org.drvsim.wdf;

import org.drvsim.nt.DriverObject;
import org.osgi.annotation.versioning.ProviderType;

/** The driver's DRIVER_OBJECT as DriverEntry receives it, with WdfDriverCreate. */
@ProviderType
public interface WdfDriverObject extends DriverObject {

    /**
     * Models WdfDriverCreate (PASSIVE_LEVEL, from DriverEntry, before any other WDF call).
     *
     * @return STATUS_SUCCESS and the WDFDRIVER; STATUS_DRIVER_INTERNAL_ERROR when called twice;
     *         STATUS_INVALID_PARAMETER for unknown flag bits, a parent object, or NonPnp with a DeviceAdd
     */
    WdfResult<WdfDriver> wdfDriverCreate(WdfObjectAttributes driverAttributes, WdfDriverConfig driverConfig);
}
