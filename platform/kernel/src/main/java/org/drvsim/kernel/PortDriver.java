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
     * AddDevice (DRIVER_ADD_DEVICE): the driver creates its device for the node, before the kernel sends (and traces)
     * IRP_MN_START_DEVICE. A model whose driver does nothing the driver can observe at AddDevice (NDIS, Storport) keeps
     * the default and adds the device in {@link #startDevice}. On the PnP worker at PASSIVE_LEVEL.
     *
     * @param resources the same grant {@link #startDevice} gets
     * @return the AddDevice status; on failure the port has forgotten the device and the kernel gives the node
     *         problem code 31 ({@link DeviceNode#CM_PROB_FAILED_ADD}) without sending IRP_MN_START_DEVICE
     */
    default PortStatus addDevice(DriverObject driver, DeviceNode node, DeviceResources resources) {
        return PortStatus.SUCCESS;
    }

    /**
     * Starts a device the driver claims (IRP_MN_START_DEVICE), after {@link #addDevice} (a port that was not asked to
     * add the device first adds it here).
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
     * IRP_MN_QUERY_REMOVE_DEVICE: may the started device be removed? The model runs the callbacks its documentation
     * ties to this IRP (KMDF: EvtDeviceQueryRemove) and returns the driver's answer. The kernel traces the IRP before
     * this call. A failure is a veto: for a removal the user asked for ({@code pnp:disable}) the kernel then sends
     * {@link #cancelRemoveDevice} and the device stays started; for a driver unload (its bundle stops) the kernel
     * records the veto and removes the device anyway.
     *
     * @return {@link PortStatus#SUCCESS}, or the driver's veto status
     */
    default PortStatus queryRemoveDevice(DriverObject driver, DeviceNode node) {
        return PortStatus.SUCCESS;
    }

    /** IRP_MN_CANCEL_REMOVE_DEVICE: the removal was vetoed; the device goes on running. */
    default void cancelRemoveDevice(DriverObject driver, DeviceNode node) {
    }

    /**
     * IRP_MN_REMOVE_DEVICE after IRP_MN_QUERY_REMOVE_DEVICE: removes a started device in an orderly way, the
     * model's documented removal sequence. The kernel traces the IRP before this call.
     */
    void removeDevice(DriverObject driver, DeviceNode node);

    /**
     * IRP_MN_SURPRISE_REMOVAL: the device vanished. The model runs what its documentation ties to this IRP (NDIS:
     * MiniportDevicePnPEventNotify(NdisDevicePnPEventSurpriseRemoved); Storport: the surprise-removal SRB and adapter
     * control; KMDF: EvtDeviceSurpriseRemoval and the power-down) and nothing of IRP_MN_REMOVE_DEVICE, which
     * follows with {@link #surpriseRemoveDevice}. The kernel traces the IRP before this call.
     */
    default void surpriseRemoval(DriverObject driver, DeviceNode node) {
    }

    /**
     * IRP_MN_REMOVE_DEVICE after IRP_MN_SURPRISE_REMOVAL: the rest of the removal of a device that vanished (a
     * model that does nothing in {@link #surpriseRemoval} does all of it here).
     */
    void surpriseRemoveDevice(DriverObject driver, DeviceNode node);

    /**
     * IRP_MN_QUERY_STOP_DEVICE, the first step of a resource rebalance: may the started device stop? The model runs
     * what its documentation ties to this IRP (KMDF: EvtDeviceQueryStop). The kernel traces the IRP before this call.
     * A failure keeps the device started with its resources (IRP_MN_CANCEL_STOP_DEVICE follows). The default refuses:
     * a model that cannot stop and restart a device says so.
     *
     * @return {@link PortStatus#SUCCESS}, or why the device cannot stop
     */
    default PortStatus queryStopDevice(DriverObject driver, DeviceNode node) {
        return PortStatus.of(org.drvsim.nt.NtStatus.STATUS_NOT_SUPPORTED).because("the " + model()
                + " model does not stop devices for a rebalance");
    }

    /** IRP_MN_CANCEL_STOP_DEVICE: the stop was refused; the device goes on with its resources. */
    default void cancelStopDevice(DriverObject driver, DeviceNode node) {
    }

    /**
     * IRP_MN_STOP_DEVICE: the model's stop sequence (NDIS: MiniportPause, MiniportHaltEx(NdisHaltDeviceStopped);
     * Storport: the StorStopDevice SRB, ScsiStopAdapter; KMDF: the power-down and EvtDeviceReleaseHardware). The driver
     * keeps its device; {@link #startDevice} with the new resources (the same {@link DeviceResources} handle, whose
     * memory ranges moved) follows. Called only after {@link #queryStopDevice} succeeded. The kernel traces the IRP
     * before this call.
     */
    default void stopDevice(DriverObject driver, DeviceNode node) {
    }

    /**
     * IRP_MN_SET_POWER to D3 for a system sleep (S3) or hibernation (S4): the model's power-down (NDIS: MiniportPause,
     * then OID_PNP_SET_POWER with D3; Storport: SRB_FUNCTION_POWER, ScsiStopAdapter; KMDF oracle (v) steps 1 to 5 with
     * WdfPowerDeviceD3). The device keeps its driver and resources; {@link #powerUp} follows on wake. The kernel traces
     * the IRP before this call. On the PnP worker at PASSIVE_LEVEL.
     */
    default void powerDown(DriverObject driver, DeviceNode node, SystemPowerState state) {
    }

    /**
     * IRP_MN_SET_POWER to D0 on wake (NDIS: OID_PNP_SET_POWER with D0, then MiniportRestart; Storport:
     * [ScsiSetRunningConfig], ScsiRestartAdapter or FindAdapter and HwInitialize; KMDF oracle (v) steps 6 to 10). The
     * kernel traces the IRP before this call. On the PnP worker at PASSIVE_LEVEL.
     */
    default void powerUp(DriverObject driver, DeviceNode node) {
    }

    /**
     * System shutdown (IRP_MN_SET_POWER with PowerSystemShutdown): NDIS MiniportShutdownEx(NdisShutdownPowerOff),
     * Storport SRB_FUNCTION_SHUTDOWN, KMDF's power-down to WdfPowerDeviceD3Final without EvtDeviceReleaseHardware. No
     * routine of the driver runs after it; the kernel then forgets the driver with {@link #driverIsolated}. On the PnP
     * worker at PASSIVE_LEVEL.
     */
    default void shutdown(DriverObject driver, DeviceNode node) {
    }

    /**
     * Every device of the driver is removed: call its unload routine and forget it. The kernel calls it when the
     * driver's bundle stops and when the driver's last device has been removed (or its only device failed to start)
     * while the bundle stays active; a device the driver claims that arrives later loads it again with
     * {@link #driverEntry} (a new entry object, the same {@link DriverObject}).
     */
    void driverUnload(DriverObject driver);

    /**
     * A driver of another model that uses this port as a library ({@link PnpManager#addDependency}) has unloaded:
     * its unload routine returned, or its DriverEntry failed. The port forgets the driver and reports what the
     * driver left behind. On the PnP worker, PASSIVE_LEVEL.
     */
    default void driverUnloaded(DriverObject driver) {
    }

    /**
     * The watchdog isolated the driver (one of its routines hung), or the system shut down: forget it and everything of it (adapters, devices,
     * requests, timers, interrupts) without calling any of its routines; complete what callers wait for with a
     * failure. On the PnP worker, PASSIVE_LEVEL; the hung routine may still be running on another thread.
     */
    default void driverIsolated(DriverObject driver) {
    }
}
