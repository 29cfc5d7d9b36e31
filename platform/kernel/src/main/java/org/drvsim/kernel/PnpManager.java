package org.drvsim.kernel;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The PnP manager: the device tree built from the hardware bus, and driver matching by hardware ID.
 * Loaded drivers are started on every present device they claim; arrivals start, removals and
 * surprise removals remove, each serialised on the PnP worker.
 */
@ProviderType
public interface PnpManager {
    /** @return the device nodes, in enumeration order */
    List<DeviceNode> deviceTree();

    /** @return the node with this instance ID (case-insensitive) */
    Optional<DeviceNode> node(String instanceId);

    /** @return the drivers loaded now, in load order */
    List<DriverObject> drivers();

    /**
     * @param name a driver's name, as {@link DriverObject#name()}
     * @return the loaded driver of that name, or the driver whose DriverEntry runs now
     */
    Optional<DriverObject> driver(String name);

    /**
     * Records that a driver uses another model's port as a library (a KMDF miniport of the ndis model calls
     * WdfDriverCreate): the driver is unloaded before that port goes away and loaded again when it returns, and
     * after the driver's unload routine has returned (or its DriverEntry failed) that port's {@link
     * PortDriver#driverUnloaded} is called. Called by the other port, on the PnP worker, from the driver's
     * DriverEntry.
     *
     * @throws IllegalArgumentException if the model is unknown or is the driver's own
     */
    void addDependency(DriverObject driver, String model);

    /**
     * Disables a device, as Device Manager's Disable does: IRP_MN_QUERY_REMOVE_DEVICE, then (unless the driver vetoes
     * it) IRP_MN_REMOVE_DEVICE with the model's removal sequence; the node stays in the tree as {@link
     * DeviceNodeState#DeviceNodeRemoved} with problem code 22 ({@link DeviceNode#CM_PROB_DISABLED}). When it was the
     * driver's last device the driver is unloaded. A device that is not started (no driver, or a failed start) just
     * gets problem code 22. Runs on the PnP worker; returns when done. Callable at PASSIVE_LEVEL from any thread but
     * the PnP worker.
     *
     * @param instanceId the device instance ID (case-insensitive)
     * @return the node as it ended up
     * @throws IllegalArgumentException if there is no such device
     * @throws IllegalStateException    if the system sleeps, the device is disabled already, or its driver vetoed
     *                                  the removal (the message names the driver and the status;
     *                                  IRP_MN_CANCEL_REMOVE_DEVICE was sent and the device stays started)
     * @throws InterruptedException     if interrupted while waiting for the PnP worker
     */
    DeviceNode disable(String instanceId) throws InterruptedException;

    /**
     * The first half of an orderly eject ({@code hw:unplug}): IRP_MN_QUERY_REMOVE_DEVICE, then (unless the driver vetoes
     * it) IRP_MN_REMOVE_DEVICE with the model's removal sequence, and the driver's unload when it was its last device;
     * the caller then takes the device off the bus. Runs on the PnP worker; returns when done.
     *
     * @param instanceId the device instance ID (case-insensitive)
     * @throws IllegalArgumentException if there is no such device
     * @throws IllegalStateException    if the system sleeps, or the driver vetoed the removal (the message names the
     *                                  driver and the status; IRP_MN_CANCEL_REMOVE_DEVICE was sent and the device
     *                                  stays started)
     * @throws InterruptedException     if interrupted while waiting for the PnP worker
     */
    void eject(String instanceId) throws InterruptedException;

    /**
     * Enables a disabled device: the problem code is cleared and the driver that claims it (loaded again if it was
     * unloaded with its last device) starts it. Runs on the PnP worker; returns when done.
     *
     * @param instanceId the device instance ID (case-insensitive)
     * @return the node as it ended up: started, or with the problem code of a failed start
     * @throws IllegalArgumentException if there is no such device
     * @throws IllegalStateException    if the system sleeps or the device is not disabled
     * @throws InterruptedException     if interrupted while waiting for the PnP worker
     */
    DeviceNode enable(String instanceId) throws InterruptedException;

    /**
     * Rebalances a started device's resources, as the PnP manager does when an arbiter moves them:
     * IRP_MN_QUERY_STOP_DEVICE (the driver may refuse), IRP_MN_STOP_DEVICE, new resources (every memory range moves),
     * then IRP_MN_START_DEVICE with them; each IRP traced when sent, the model's callbacks after it. Runs on the PnP
     * worker; returns when done.
     *
     * @param instanceId the device instance ID (case-insensitive)
     * @return the node as it ended up: started with its new resources, or with problem code 10 when the restart failed
     * @throws IllegalArgumentException if there is no such device
     * @throws IllegalStateException    if the system sleeps, the device is not started, or its driver or model refused the stop (the
     *                                  message names the driver and the status; the device keeps its resources)
     * @throws InterruptedException     if interrupted while waiting for the PnP worker
     */
    DeviceNode rebalance(String instanceId) throws InterruptedException;

    /**
     * Puts the system to sleep (S3) or hibernation (S4): IRP_MN_SET_POWER for the system, then IRP_MN_SET_POWER to D3
     * for every started device, children before parents (the reverse of enumeration order), each followed by its
     * model's power-down callbacks. Runs on the PnP worker; returns when done.
     *
     * <p>While the system sleeps no code runs: {@link #disable}, {@link #enable}, {@link #rebalance} and {@link #eject}
     * are refused; devices plugged or pulled on the hardware bus are found when the system wakes (the bus enumerates
     * again), and a driver bundle started meanwhile runs DriverEntry at once but starts its devices on wake. A driver
     * bundle stopped meanwhile still removes its devices and unloads at once (an OSGi bundle's classes cannot wait for
     * a wake): its devices are removed in D3, without a power-up first.
     *
     * @param state {@link SystemPowerState#PowerSystemSleeping3} or {@link SystemPowerState#PowerSystemHibernate}
     * @throws IllegalArgumentException for another state
     * @throws IllegalStateException    if the system sleeps already or was shut down
     * @throws InterruptedException     if interrupted while waiting for the PnP worker
     */
    void sleep(SystemPowerState state) throws InterruptedException;

    /**
     * The system power state: {@link SystemPowerState#PowerSystemWorking}, the sleep state {@link #sleep} entered, or
     * {@link SystemPowerState#PowerSystemShutdown} after {@link #shutdown}.
     *
     * @return the current system power state
     * @since 3.2
     */
    default SystemPowerState systemPowerState() {
        return SystemPowerState.PowerSystemWorking;
    }

    /**
     * Wakes the system: IRP_MN_SET_POWER to D0 for every device powered down by {@link #sleep}, in enumeration order
     * (but for one the bus reported gone meanwhile), then IRP_MN_SET_POWER for the system (S0); then the bus changes
     * reported while the system slept, in order (arrivals, orderly and surprise removals), and the start of devices
     * whose driver bundle started meanwhile. Runs on the PnP worker; returns when done, including the failure and
     * removal of a device that failed to power up.
     *
     * @throws IllegalStateException if the system does not sleep
     * @throws InterruptedException  if interrupted while waiting for the PnP worker
     */
    void wake() throws InterruptedException;

    /**
     * Shuts the system down: IRP_MN_SET_POWER (PowerSystemShutdown) for the system, then for every started device in
     * reverse enumeration order with its model's shutdown callbacks; afterwards no driver routine runs: every driver is
     * forgotten without its removal or unload routines (the platform stops next). Runs on the PnP worker; returns when
     * done.
     *
     * @throws IllegalStateException if the system was shut down already
     * @throws InterruptedException  if interrupted while waiting for the PnP worker
     */
    void shutdown() throws InterruptedException;

    /**
     * A port reports that a started device failed (IoInvalidateDeviceState with PNP_DEVICE_FAILED; KMDF's
     * WdfDeviceSetFailed): on the PnP worker, IRP_MN_QUERY_PNP_DEVICE_STATE, then the device is removed as after a
     * surprise removal (IRP_MN_SURPRISE_REMOVAL, IRP_MN_REMOVE_DEVICE) and, when {@code attemptRestart} and the device
     * has failed fewer than {@value #FAILED_RESTART_LIMIT} times, started again (the driver is loaded again if it was
     * unloaded with it); otherwise it keeps problem code 43 ({@link DeviceNode#CM_PROB_FAILED_POST_START}). Returns at
     * once; callable at IRQL &lt;= DISPATCH_LEVEL from any thread.
     *
     * @param instanceId     the device instance ID
     * @param attemptRestart WdfDeviceFailedAttemptRestart rather than WdfDeviceFailedNoRestart
     * @param reason         what failed, for the problem status and the trace
     */
    void deviceFailed(String instanceId, boolean attemptRestart, String reason);

    /** How many times a failed device is restarted before it keeps problem code 43. */
    int FAILED_RESTART_LIMIT = 3;

    /**
     * Isolates a driver the watchdog found hung: on the PnP worker, its devices get problem code 43 ({@link
     * DeviceNode#CM_PROB_FAILED_POST_START}) with the reason, every port it used forgets it without calling it
     * ({@link PortDriver#driverIsolated}), the kernel forgets it, and its bundle is stopped (on another thread).
     * Returns at once.
     */
    void isolate(String driverName, String reason);

    /**
     * A bus driver reports a new child device (it created a PDO and added it to its BusRelations; KMDF's
     * WdfFdoAddStaticChild, then IoInvalidateDeviceRelations(BusRelations)). The PnP manager queries the parent's bus
     * relations ({@code IRP_MN_QUERY_DEVICE_RELATIONS}), adds the child to the device tree under its parent and starts
     * it: a raw child (WdfPdoInitAssignRawDevice) with its parent's driver, which runs the PDO; another with the driver
     * that claims one of its hardware IDs, as for any arrival. Children are removed before their parent (every removal
     * path, each child's own IRPs first) and deleted with it; sleep powers them down first and wake up last.
     * Asynchronous: queued on the PnP worker (after the parent's start when called during it); {@link #drain} waits.
     *
     * @param parentInstanceId the parent's device instance ID; it must be started when the work runs, else the
     *                         report is ignored (logged)
     * @param instanceId       the child's device instance ID, unique in the tree (else the report is ignored, logged)
     * @param hardwareIds      the child's hardware IDs, most specific first; at least one
     * @param description      the child's description
     * @param raw              whether the parent's driver runs the child itself (a raw PDO)
     * @throws IllegalArgumentException if an ID is blank or there is no hardware ID; nothing is queued
     * @since 3.2
     */
    default void enumerateChild(String parentInstanceId, String instanceId, List<String> hardwareIds,
                                String description, boolean raw) {
        throw new UnsupportedOperationException("this PnP manager does not enumerate child devices");
    }

    /**
     * Waits until the PnP worker has run everything queued before this call (arrivals, removals).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void drain() throws InterruptedException;
}
