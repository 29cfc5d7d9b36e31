package org.drvsim.wdf;

import org.drvsim.nt.DriverObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The WDF runtime's side of a miniport's link to KMDF (what the WdfLdr stub does when the miniport image loads),
 * registered as a service by the WDF bundle. Drivers do not call it: they call {@link
 * KmdfMiniport#wdfDriverObject(DriverObject)}, which finds it.
 */
@ProviderType
public interface WdfMiniportBinder {
    /**
     * Binds a miniport whose DriverEntry runs now to the framework: from here on the WDF model knows the driver
     * (its miniport devices are WDF devices, it is unloaded before the WDF model stops, and a missing
     * WdfDriverMiniportUnload is reported when it unloads).
     *
     * @param miniportDriverObject the DRIVER_OBJECT the miniport's own model gave its DriverEntry
     * @return a driver object for one WdfDriverCreate
     * @throws IllegalStateException if that driver's DriverEntry is not running
     */
    WdfDriverObject bind(DriverObject miniportDriverObject);
}
