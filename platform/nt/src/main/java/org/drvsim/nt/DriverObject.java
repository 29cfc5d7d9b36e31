package org.drvsim.nt;

/**
 * DRIVER_OBJECT as a driver holds it: what every model passes to the driver's DriverEntry and unload routine
 * ({@code NdisDriverObject}, {@code StorPortDriverObject} and {@code WdfDriverObject} extend it), and what a
 * miniport hands to another model it uses as a library (a KMDF miniport passes its NDIS driver object to
 * WdfDriverCreate). Documentation: "DRIVER_OBJECT structure (wdm.h)".
 */
@org.osgi.annotation.versioning.ProviderType
public interface DriverObject {
    /**
     * @return the driver's name, as the trace shows it: its bundle symbolic name and version, such as {@code
     *         com.example.mynic/1.0.0}
     */
    String driverName();
}
