package org.drvsim.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver model's port driver (ndis.sys, storport.sys, Wdf01000.sys) as the kernel sees it. A model
 * bundle registers one as an OSGi service with the property {@value #MODEL_PROPERTY} set to its model
 * name; the kernel's driver loader and PnP manager then call it, always on the PnP worker at
 * PASSIVE_LEVEL, one call at a time.
 *
 * <p>Each call returns only when the model's callbacks for it have returned (a pended operation is
 * waited for). A call must not throw for a driver's failure: a failing driver is a status.
 */
@ConsumerType
public interface PortDriver {
    /** The service property that names the model. */
    String MODEL_PROPERTY = "drvsim.model";

    /** @return the model name, for example {@code ndis} */
    String model();

    /**
     * Calls the driver's DriverEntry (which registers with this port).
     *
     * @return the DriverEntry status; on failure the port must have forgotten the driver
     */
    PortStatus driverEntry(DriverObject driver);

    /**
     * Adds and starts a device the driver claims (AddDevice, then IRP_MN_START_DEVICE).
     *
     * @return the start status; on failure the port has released the device and the kernel gives the
     *         node problem code 10
     */
    PortStatus startDevice(DriverObject driver, DeviceNode node);

    /**
     * Removes a started device in an orderly way (IRP_MN_QUERY_REMOVE_DEVICE then
     * IRP_MN_REMOVE_DEVICE): the model's documented removal sequence.
     */
    void removeDevice(DriverObject driver, DeviceNode node);

    /** The device vanished (IRP_MN_SURPRISE_REMOVAL then IRP_MN_REMOVE_DEVICE). */
    void surpriseRemoveDevice(DriverObject driver, DeviceNode node);

    /** Every device of the driver is removed: call its unload routine and forget it. */
    void driverUnload(DriverObject driver);

    /**
     * A driver of another model that uses this port as a library ({@link PnpManager#addDependency}) has unloaded:
     * its unload routine returned, or its DriverEntry failed. The port forgets the driver and reports what the
     * driver left behind. On the PnP worker, PASSIVE_LEVEL.
     */
    default void driverUnloaded(DriverObject driver) {
    }

    /**
     * The watchdog isolated the driver (one of its routines hung): forget it and everything of it (adapters, devices,
     * requests, timers, interrupts) without calling any of its routines; complete what callers wait for with a
     * failure. On the PnP worker, PASSIVE_LEVEL; the hung routine may still be running on another thread.
     */
    default void driverIsolated(DriverObject driver) {
    }
}
