package org.drvsim.kernel;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver model's port driver (ndis.sys, storport.sys, Wdf01000.sys) as the kernel sees it. A model
 * bundle registers one as an OSGi service with the property {@value #MODEL_PROPERTY} set to its model
 * name; the kernel's driver loader and PnP manager then call it, always on the PnP worker at
 * PASSIVE_LEVEL, one call at a time.
 *
 * <p>Only the kernel and the registering bundle find a port driver service (a service hook hides it from every other
 * bundle): no tool, test or driver can call into a port behind the PnP manager's back.
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
     * @param driver the driver object the kernel created for the driver bundle
     * @param entry  the driver's entry object (an instance of the entry class its {@code Drvsim-Driver} header
     *               names); only the port gets it, the {@link DriverObject} does not hand it out
     * @return the DriverEntry status; on failure the port must have forgotten the driver
     */
    PortStatus driverEntry(DriverObject driver, Object entry);

    /**
     * Adds and starts a device the driver claims (AddDevice, then IRP_MN_START_DEVICE).
     *
     * @param driver    the driver
     * @param node      the device node
     * @param resources the device's hardware for this port alone, valid until the device is removed (the kernel
     *                  revokes it after {@link #removeDevice}, {@link #surpriseRemoveDevice}, a failed start or
     *                  {@link #driverIsolated})
     * @return the start status; on failure the port has released the device and the kernel gives the
     *         node problem code 10
     */
    PortStatus startDevice(DriverObject driver, DeviceNode node, DeviceResources resources);

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
