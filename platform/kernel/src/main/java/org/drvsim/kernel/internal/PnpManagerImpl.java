package org.drvsim.kernel.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.HardwareListener;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.SystemPowerState;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.drvsim.kernel.driver.DriverLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The PnP manager and driver loader. Every change to the device tree and to the set of loaded
 * drivers happens on the PnP worker, one at a time; callers of {@link #load} and {@link #unload}
 * wait for it. Port drivers come and go as services: when a model stops, its drivers are removed
 * and unloaded first and wait, still started as bundles, for the model to come back.
 *
 * <p>Trace events of kind PNP name what the Windows PnP manager and I/O manager do:
 * {@code ZwLoadDriver}, {@code IRP_MN_QUERY_DEVICE_RELATIONS} (an arrival or departure on the bus),
 * {@code IRP_MN_START_DEVICE}, {@code IRP_MN_QUERY_REMOVE_DEVICE}, {@code IRP_MN_SURPRISE_REMOVAL},
 * {@code IRP_MN_REMOVE_DEVICE}, {@code ZwUnloadDriver}.
 */
@Component(service = PnpManager.class, immediate = true)
public final class PnpManagerImpl implements PnpManager, DriverLoader, HardwareListener {
    private static final Logger LOG = Logger.getLogger(PnpManagerImpl.class.getName());
    /** The models a driver bundle may name. */
    static final Set<String> KNOWN_MODELS = Set.of("ndis", "storport", "wdf");

    private final Scheduler scheduler;
    private final Trace trace;
    private final Map<String, PortDriver> ports = new ConcurrentHashMap<>();
    private final List<DeviceNodeImpl> nodes = new CopyOnWriteArrayList<>();
    /** Loaded drivers by bundle ID, in load order. Written on the PnP worker. */
    private final Map<Long, DriverObjectImpl> drivers = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    /** Started driver bundles whose model is not running, by bundle ID. */
    private final Map<Long, Bundle> waiting = new ConcurrentHashMap<>();
    /** For a waiting bundle unloaded because a model it used as a library went: that model, by bundle ID. */
    private final Map<Long, Set<String>> awaitedLibraries = new ConcurrentHashMap<>();
    /** The driver whose DriverEntry runs now (on the PnP worker), or null. */
    private volatile DriverObjectImpl loading;
    /**
     * Drivers whose bundle is active but that were unloaded when their last device was removed (or their only device
     * failed to start), by bundle ID: a device one claims that arrives or is enabled later loads it again. PnP worker.
     */
    private final Map<Long, DriverObjectImpl> idle = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final AutoCloseable busListener;
    /** Simulated host memory for DMA common buffers (hardware-sim), or null. */
    private final org.drvsim.hw.HostMemory hostMemory;
    /** The path to devices' registers and interrupts (hardware-sim, for the kernel only), or null. */
    private final org.drvsim.hw.HostBridge bridge;

    @Activate
    public PnpManagerImpl(@Reference HardwareBus bus, @Reference Scheduler scheduler, @Reference Trace trace,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL) org.drvsim.hw.HostMemory hostMemory,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL) org.drvsim.hw.HostBridge bridge) {
        this.scheduler = scheduler;
        this.trace = trace;
        this.hostMemory = hostMemory;
        this.bridge = bridge;
        this.busListener = bus.addListener(this);
    }

    /** A port bound for its model: one per model, the first; a second is refused with a message naming both. */
    private final Map<PortDriver, String> portBundles = new ConcurrentHashMap<>();

    /**
     * A port driver service came: it serves its model unless another port already does (a second PortDriver for
     * {@code ndis} would take the adapters of the first's drivers away from it), which is refused and logged.
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindPortDriver(PortDriver port, Map<String, Object> properties) {
        String model = port.model();
        String from = "bundle " + properties.getOrDefault("service.bundleid", "?");
        PortDriver existing = ports.putIfAbsent(model, port);
        if (existing != null) {
            LOG.severe("drvsim: a second port driver for the " + model + " model (" + port.getClass().getName() + ", "
                    + from + ") is refused: the model already has one (" + existing.getClass().getName() + ", "
                    + portBundles.get(existing) + ")");
            return;
        }
        portBundles.put(port, from);
        scheduler.queuePnp("load drivers waiting for " + model, () -> {
            for (Bundle b : new ArrayList<>(waiting.values())) {
                if (b.getState() != Bundle.ACTIVE && b.getState() != Bundle.STARTING) {
                    waiting.remove(b.getBundleId());
                    continue;
                }
                try {
                    DriverDescriptor d = descriptor(b);
                    Set<String> required = new java.util.HashSet<>(awaitedLibraries.getOrDefault(b.getBundleId(), Set.of()));
                    required.add(d.model());
                    if (required.contains(model) && ports.keySet().containsAll(required)) {
                        waiting.remove(b.getBundleId());
                        awaitedLibraries.remove(b.getBundleId());
                        loadOnPnp(b, d, instantiate(b, d));
                    }
                } catch (BundleException e) {
                    LOG.log(Level.SEVERE, e.getMessage());
                }
            }
        });
    }

    void unbindPortDriver(PortDriver port) {
        String model = port.model();
        if (ports.get(model) != port) {
            return; // a refused second port: the model's drivers stay with the first
        }
        portBundles.remove(port);
        try {
            scheduler.callPnp("unload " + model + " drivers", () -> {
                // The model's drivers and the drivers that use it as a library go, newest first.
                List<DriverObjectImpl> ofModel = new ArrayList<>();
                synchronized (drivers) {
                    for (DriverObjectImpl d : drivers.values()) {
                        if (d.model().equals(model) || d.dependencies.contains(model)) {
                            ofModel.add(d);
                        }
                    }
                }
                for (int i = ofModel.size() - 1; i >= 0; i--) {
                    DriverObjectImpl d = ofModel.get(i);
                    unloadOnPnp(d);
                    waiting.put(d.bundle.getBundleId(), d.bundle);
                    if (!d.model().equals(model)) {
                        awaitedLibraries.computeIfAbsent(d.bundle.getBundleId(), k -> ConcurrentHashMap.newKeySet()).add(model);
                    }
                }
                ports.remove(model, port);
                return null;
            });
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "drvsim: unloading the " + model + " drivers failed", e);
            ports.remove(model, port);
        }
    }

    @Deactivate
    void deactivate() {
        try {
            busListener.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the hardware listener", e);
        }
        try {
            scheduler.callPnp("unload every driver", () -> {
                List<DriverObjectImpl> all;
                synchronized (drivers) {
                    all = new ArrayList<>(drivers.values());
                }
                for (int i = all.size() - 1; i >= 0; i--) {
                    unloadOnPnp(all.get(i));
                }
                return null;
            });
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "drvsim: unloading drivers at kernel stop failed", e);
        }
    }

    // ---- DriverLoader

    @Override
    public DriverObject load(Bundle bundle) throws BundleException {
        DriverDescriptor descriptor = descriptor(bundle);
        if (!KNOWN_MODELS.contains(descriptor.model())) {
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": unknown model '"
                    + descriptor.model() + "' in " + DriverDescriptor.HEADER + "; known models: ndis, storport, wdf",
                    BundleException.MANIFEST_ERROR);
        }
        Object entry = instantiate(bundle, descriptor);
        try {
            return scheduler.callPnp("load " + bundle.getSymbolicName(), () -> {
                if (drivers.containsKey(bundle.getBundleId())) {
                    throw new BundleException("driver bundle " + bundle.getSymbolicName() + " is already loaded",
                            BundleException.INVALID_OPERATION);
                }
                if (!ports.containsKey(descriptor.model())) {
                    waiting.put(bundle.getBundleId(), bundle);
                    trace.event(TraceEvent.Kind.PNP, DriverObjectImpl.nameOf(bundle), null, "ZwLoadDriver",
                            TraceEvent.argMap("model", descriptor.model(), "status", "waiting for the model to start"));
                    LOG.warning("drvsim: driver bundle " + bundle.getSymbolicName() + " waits for the "
                            + descriptor.model() + " model to start");
                    return null;
                }
                return loadOnPnp(bundle, descriptor, entry);
            });
        } catch (BundleException e) {
            throw e;
        } catch (Exception e) {
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + " failed to load: " + e.getMessage(),
                    BundleException.ACTIVATOR_ERROR, e);
        }
    }

    @Override
    public void unload(Bundle bundle) {
        waiting.remove(bundle.getBundleId());
        awaitedLibraries.remove(bundle.getBundleId());
        try {
            scheduler.callPnp("unload " + bundle.getSymbolicName(), () -> {
                idle.remove(bundle.getBundleId()); // unloaded with its last device already: nothing to call
                DriverObjectImpl d = drivers.get(bundle.getBundleId());
                if (d != null) {
                    List<DeviceNodeImpl> freed = new ArrayList<>(d.devices);
                    unloadOnPnp(d);
                    startOnOtherDrivers(freed);
                }
                return null;
            });
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "drvsim: unloading driver bundle " + bundle.getSymbolicName() + " failed", e);
        }
    }

    private static DriverDescriptor descriptor(Bundle bundle) throws BundleException {
        try {
            return DriverDescriptor.parse(bundle.getHeaders().get(DriverDescriptor.HEADER));
        } catch (IllegalArgumentException e) {
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": " + e.getMessage(),
                    BundleException.MANIFEST_ERROR);
        }
    }

    private static Object instantiate(Bundle bundle, DriverDescriptor d) throws BundleException {
        Class<?> type;
        try {
            type = bundle.loadClass(d.entryClass());
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": entry class "
                    + d.entryClass() + " cannot be loaded (" + e + ")", BundleException.ACTIVATOR_ERROR, e);
        }
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": entry class "
                    + d.entryClass() + " cannot be instantiated with a public no-argument constructor ("
                    + cause + ")", BundleException.ACTIVATOR_ERROR, e);
        }
    }

    /**
     * @return the hardware IDs the driver claims that a loaded driver claims too, as {@code ID (driver), ...}, or
     *         null when there are none
     */
    private String sharedClaims(DriverObjectImpl driver) {
        List<String> shared = new ArrayList<>();
        synchronized (drivers) {
            for (DriverObjectImpl other : drivers.values()) {
                for (String id : driver.hardwareIds()) {
                    for (String theirs : other.hardwareIds()) {
                        if (id.equalsIgnoreCase(theirs)) {
                            shared.add(id + " (" + other.name + ")");
                        }
                    }
                }
            }
        }
        return shared.isEmpty() ? null : String.join(", ", shared);
    }

    /**
     * The devices a stopping driver ran go to another loaded driver that claims them, in load order (a second
     * driver for the same hardware ID takes over). On the PnP worker.
     */
    private void startOnOtherDrivers(List<DeviceNodeImpl> freed) {
        for (DeviceNodeImpl node : freed) {
            if (node.driver != null || !node.device.present() || node.state != DeviceNodeState.DeviceNodeUninitialized) {
                continue;
            }
            startOnAnyDriver(node, "a device it claims lost its driver");
        }
    }

    /**
     * Runs DriverEntry, then starts every device the driver claims; when every device it claims failed to start, the
     * driver is unloaded again (its bundle stays active). On the PnP worker.
     */
    private DriverObjectImpl loadOnPnp(Bundle bundle, DriverDescriptor descriptor, Object entry) throws BundleException {
        idle.remove(bundle.getBundleId());
        DriverObjectImpl driver = new DriverObjectImpl(bundle, descriptor);
        PortStatus status = driverEntryOnPnp(driver, entry, null);
        if (!status.isSuccess()) {
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": DriverEntry failed with "
                    + status + "; the driver is not loaded", BundleException.ACTIVATOR_ERROR);
        }
        startClaimedOnPnp(driver);
        return driver;
    }

    /** Starts every present, enabled device without a driver that the loaded driver claims, then unloads it if idle. */
    private void startClaimedOnPnp(DriverObjectImpl driver) {
        if (asleep()) {
            startOnWake = true; // DriverEntry ran (the bundle started), its devices start when the system wakes
            return;
        }
        boolean tried = false;
        for (DeviceNodeImpl node : nodes) {
            if (startable(node) && !node.raw && driver.claims(node)) {
                tried = true;
                startOnPnp(driver, node);
            }
        }
        if (tried) {
            unloadIfIdle(driver, "its only device failed to start");
        }
    }

    /** Whether a node waits for a driver: present, not disabled, no driver, not being removed. */
    private static boolean startable(DeviceNodeImpl node) {
        return node.driver == null && node.device.present() && node.problem != DeviceNode.CM_PROB_DISABLED
                && (node.state == DeviceNodeState.DeviceNodeUninitialized || node.state == DeviceNodeState.DeviceNodeStartFailed);
    }

    /**
     * ZwLoadDriver and DriverEntry. On success the driver is loaded (in {@link #drivers}); on failure the port and the
     * libraries it used have forgotten it. On the PnP worker.
     *
     * @param reason why the driver is loaded again after it was unloaded with its last device, or null at bundle start
     */
    private PortStatus driverEntryOnPnp(DriverObjectImpl driver, Object entry, String reason) {
        DriverDescriptor descriptor = driver.descriptor;
        PortDriver port = ports.get(descriptor.model());
        String shared = sharedClaims(driver);
        trace.event(TraceEvent.Kind.PNP, driver.name, null, "ZwLoadDriver",
                TraceEvent.argMap("model", descriptor.model(), "hardwareIds", String.join(",", descriptor.hardwareIds()),
                        "alsoClaimedBy", shared, "reason", reason));
        if (shared != null) {
            LOG.warning("drvsim: driver bundle " + driver.bundle.getSymbolicName() + " claims hardware IDs another loaded driver "
                    + "claims (" + shared + "); the devices stay with the driver that runs them, and " + driver.name
                    + " takes them over when that driver stops");
        }
        PortStatus status;
        driver.dependencies.clear();
        loading = driver;
        try {
            status = port.driverEntry(driver, entry);
        } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
            LOG.log(Level.SEVERE, "drvsim: the " + descriptor.model() + " model failed in DriverEntry of " + driver.name, e);
            status = PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL);
        } finally {
            loading = null;
        }
        if (!status.isSuccess()) {
            notifyLibraries(driver);
            return status;
        }
        drivers.put(driver.bundle.getBundleId(), driver);
        return status;
    }

    /**
     * Unloads a loaded driver that has no device left, as Windows unloads a PnP driver "when all the devices the
     * miniport driver services have been removed" (MINIPORT_UNLOAD; WDF digest oracle (ii) 13): ZwUnloadDriver and
     * its unload routine, while its bundle stays active. On the PnP worker.
     */
    private void unloadIfIdle(DriverObjectImpl driver, String reason) {
        if (!driver.devices.isEmpty() || drivers.get(driver.bundle.getBundleId()) != driver) {
            return;
        }
        int state = driver.bundle.getState();
        if ((state & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
            return; // the bundle is stopping: its own unload follows
        }
        unloadOnPnp(driver, reason);
        idle.put(driver.bundle.getBundleId(), driver);
    }

    /**
     * Loads a driver that was unloaded with its last device again, because a device it claims arrived or was enabled,
     * and starts that device. On the PnP worker.
     *
     * @return whether the driver is loaded now
     */
    private boolean reloadOnPnp(DriverObjectImpl driver, DeviceNodeImpl node, String reason) {
        if (!ports.containsKey(driver.model())) {
            idle.remove(driver.bundle.getBundleId());
            waiting.put(driver.bundle.getBundleId(), driver.bundle);
            return false;
        }
        Object entry;
        try {
            entry = instantiate(driver.bundle, driver.descriptor);
        } catch (BundleException e) {
            LOG.severe("drvsim: " + e.getMessage());
            failDriverEntry(node, e.getMessage());
            return false;
        }
        PortStatus status = driverEntryOnPnp(driver, entry, reason);
        if (!status.isSuccess()) {
            failDriverEntry(node, "DriverEntry of " + driver.name + " failed with " + status);
            return false;
        }
        idle.remove(driver.bundle.getBundleId());
        startClaimedOnPnp(driver);
        return true;
    }

    /** The driver a device needs could not be loaded: problem code 37, as Device Manager shows it. */
    private static void failDriverEntry(DeviceNodeImpl node, String why) {
        node.state = DeviceNodeState.DeviceNodeStartFailed;
        node.problem = DeviceNode.CM_PROB_FAILED_DRIVER_ENTRY;
        node.problemStatus = why;
        LOG.warning("drvsim: device " + node.instanceId() + " cannot start (Code 37): " + why);
    }

    /**
     * Finds a driver for a node that waits for one: a loaded driver that claims it (in load order), else a driver that
     * was unloaded with its last device (loaded again), and starts the node. On the PnP worker.
     */
    private void startOnAnyDriver(DeviceNodeImpl node, String reason) {
        if (systemPower == SystemPowerState.PowerSystemShutdown) {
            return; // the system is off
        }
        if (asleep()) {
            startOnWake = true; // nothing starts while the system sleeps
            return;
        }
        DeviceNodeImpl parent = node.parent;
        if (node.raw && parent != null) {
            if (parent.driver != null && parent.state == DeviceNodeState.DeviceNodeStarted) {
                startOnPnp(parent.driver, node); // a raw PDO: its bus driver runs it
            }
            return;
        }
        List<DriverObjectImpl> loaded;
        synchronized (drivers) {
            loaded = new ArrayList<>(drivers.values());
        }
        for (DriverObjectImpl d : loaded) {
            if (d.claims(node)) {
                startOnPnp(d, node);
                unloadIfIdle(d, "its only device failed to start");
                return;
            }
        }
        List<DriverObjectImpl> unloaded;
        synchronized (idle) {
            unloaded = new ArrayList<>(idle.values());
        }
        for (DriverObjectImpl d : unloaded) {
            if (d.claims(node)) {
                reloadOnPnp(d, node, reason);
                return;
            }
        }
    }

    private void startOnPnp(DriverObjectImpl driver, DeviceNodeImpl node) {
        PortDriver port = ports.get(driver.model());
        node.state = DeviceNodeState.DeviceNodeStartPending;
        node.driver = driver;
        node.driverName = driver.name;
        node.problem = DeviceNode.CM_PROB_NONE;
        node.problemStatus = null;
        DeviceResources resources = node.grant();
        PortStatus added;
        try {
            added = port.addDevice(driver, node, resources);
        } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
            LOG.log(Level.SEVERE, "drvsim: the " + driver.model() + " model failed adding " + node.instanceId(), e);
            added = PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL);
        }
        if (!added.isSuccess()) {
            node.revoke();
            node.state = DeviceNodeState.DeviceNodeStartFailed;
            node.problem = DeviceNode.CM_PROB_FAILED_ADD;
            node.problemStatus = added.toString();
            node.driver = null;
            LOG.warning("drvsim: device " + node.instanceId() + " cannot be added (Code 31): " + driver.name
                    + " returned " + added);
            return;
        }
        trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_START_DEVICE", Map.of());
        PortStatus status;
        try {
            status = port.startDevice(driver, node, resources);
        } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
            LOG.log(Level.SEVERE, "drvsim: the " + driver.model() + " model failed starting " + node.instanceId(), e);
            status = PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL);
        }
        if (status.isSuccess()) {
            node.state = DeviceNodeState.DeviceNodeStarted;
            driver.devices.add(node);
        } else {
            node.revoke();
            node.state = DeviceNodeState.DeviceNodeStartFailed;
            node.problem = DeviceNode.CM_PROB_FAILED_START;
            node.problemStatus = status.toString();
            node.driver = null;
            LOG.warning("drvsim: device " + node.instanceId() + " cannot start (Code 10): " + driver.name
                    + " returned " + status);
        }
    }

    /**
     * Removes a started device from its driver, each PnP IRP traced when the PnP manager sends it and followed by the
     * model's callbacks for it: IRP_MN_QUERY_REMOVE_DEVICE then IRP_MN_REMOVE_DEVICE, or IRP_MN_SURPRISE_REMOVAL then
     * IRP_MN_REMOVE_DEVICE. On the PnP worker.
     *
     * @param vetoable whether the driver's veto of the query-remove stops the removal (a removal the user asked
     *                 for); a driver unload or a device that left the bus removes the device anyway
     * @return {@link PortStatus#SUCCESS}, or the veto that stopped the removal (the device stays started)
     */
    private PortStatus removeOnPnp(DriverObjectImpl driver, DeviceNodeImpl node, boolean surprise, boolean vetoable) {
        removeChildren(node, surprise);
        PortDriver port = ports.get(driver.model());
        node.state = surprise ? DeviceNodeState.DeviceNodeAwaitingQueuedRemoval : DeviceNodeState.DeviceNodeRemovePending;
        PortStatus veto = PortStatus.SUCCESS;
        if (surprise) {
            trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_SURPRISE_REMOVAL", Map.of());
            portCall(driver, node, "surprise-removing", () -> port.surpriseRemoval(driver, node));
        } else {
            trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_QUERY_REMOVE_DEVICE", Map.of());
            PortStatus[] answer = {PortStatus.SUCCESS};
            portCall(driver, node, "querying the removal of", () -> answer[0] = port.queryRemoveDevice(driver, node));
            veto = answer[0] == null ? PortStatus.SUCCESS : answer[0];
            if (!veto.isSuccess() && vetoable) {
                trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_CANCEL_REMOVE_DEVICE",
                        TraceEvent.argMap("vetoedWith", veto.toString()));
                portCall(driver, node, "cancelling the removal of", () -> port.cancelRemoveDevice(driver, node));
                node.state = DeviceNodeState.DeviceNodeStarted;
                return veto;
            }
        }
        trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_REMOVE_DEVICE", veto.isSuccess()
                ? Map.of() : TraceEvent.argMap("vetoedWith", veto.toString(), "outcome", "removed anyway: the driver is "
                        + "unloading or the device left"));
        portCall(driver, node, "removing", () -> {
            if (surprise) {
                port.surpriseRemoveDevice(driver, node);
            } else {
                port.removeDevice(driver, node);
            }
        });
        node.revoke();
        driver.devices.remove(node);
        node.driver = null;
        node.driverName = "";
        node.state = node.device.present() ? DeviceNodeState.DeviceNodeUninitialized : DeviceNodeState.DeviceNodeDeleted;
        return PortStatus.SUCCESS;
    }

    /**
     * Removes and deletes the children a bus driver enumerated under {@code parent}, the last enumerated first, each
     * with its own subtree first and its own IRPs (surprise removal when the parent is surprise-removed, else
     * query-remove and remove; a child's veto does not stop its parent's removal), before the parent's removal IRPs.
     * A deleted child's driver is unloaded if it has no device left. On the PnP worker.
     */
    private void removeChildren(DeviceNodeImpl parent, boolean surprise) {
        List<DeviceNodeImpl> children = nodes.stream().filter(n -> n.parent == parent).toList();
        for (int i = children.size() - 1; i >= 0; i--) {
            DeviceNodeImpl child = children.get(i);
            DriverObjectImpl d = child.driver;
            if (d != null && (child.state == DeviceNodeState.DeviceNodeStarted
                    || child.state == DeviceNodeState.DeviceNodeStopped)) {
                removeOnPnp(d, child, surprise, false);
            } else {
                removeChildren(child, surprise);
            }
            if (child.device instanceof ChildDevice c) {
                c.gone();
            }
            child.state = DeviceNodeState.DeviceNodeDeleted;
            nodes.remove(child);
            trace.event(TraceEvent.Kind.PNP, null, child.instanceId(), "IoDeleteDevice",
                    TraceEvent.argMap("parent", parent.instanceId()));
            if (d != null && d != parent.driver) {
                unloadIfIdle(d, "its last device was removed with its parent");
            }
        }
    }

    @Override
    public void enumerateChild(String parentInstanceId, String instanceId, List<String> hardwareIds,
                               String description, boolean raw) {
        if (parentInstanceId == null || parentInstanceId.isBlank() || instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("a child device needs its parent's and its own device instance ID");
        }
        if (hardwareIds == null || hardwareIds.isEmpty() || hardwareIds.stream().anyMatch(h -> h == null || h.isBlank())) {
            throw new IllegalArgumentException("child device " + instanceId + " has no hardware ID (or a blank one)");
        }
        List<String> ids = List.copyOf(hardwareIds);
        scheduler.queuePnp("child " + instanceId + " of " + parentInstanceId, () -> afterWake(() -> {
            DeviceNodeImpl parent = find(parentInstanceId).orElse(null);
            if (parent == null || parent.state != DeviceNodeState.DeviceNodeStarted || parent.driver == null) {
                LOG.warning("drvsim: child device " + instanceId + " reported by " + parentInstanceId
                        + ", which is not started; ignored");
                return;
            }
            if (find(instanceId).isPresent()) {
                LOG.warning("drvsim: child device " + instanceId + " reported by " + parentInstanceId
                        + ": a device with that instance ID exists; ignored");
                return;
            }
            DriverObjectImpl bus = parent.driver;
            trace.event(TraceEvent.Kind.PNP, bus.name, parent.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "child reported", "child", instanceId,
                            "raw", raw));
            DeviceNodeImpl child = new DeviceNodeImpl(new ChildDevice(instanceId, ids, description), bridge, hostMemory);
            child.parent = parent;
            child.raw = raw;
            nodes.add(child);
            if (raw) {
                startOnPnp(bus, child);
            } else {
                startOnAnyDriver(child, "a child device it claims was enumerated by " + parent.instanceId());
            }
        }));
    }

    /** One call into a port for a device: a port bug or an Error escaping it is logged, and the platform goes on. */
    private static void portCall(DriverObjectImpl driver, DeviceNodeImpl node, String what, Runnable call) {
        try {
            call.run();
        } catch (Throwable e) {
            LOG.log(Level.SEVERE, "drvsim: the " + driver.model() + " model failed " + what + " " + node.instanceId(), e);
        }
    }

    private void unloadOnPnp(DriverObjectImpl driver) {
        unloadOnPnp(driver, null);
    }

    /** @param reason why a driver whose bundle stays active is unloaded, or null when its bundle stops */
    private void unloadOnPnp(DriverObjectImpl driver, String reason) {
        for (DeviceNodeImpl node : new ArrayList<>(driver.devices)) {
            if (driver.devices.contains(node)) { // not removed with its parent meanwhile
                removeOnPnp(driver, node, false, false);
            }
        }
        // A node whose start failed keeps its problem code but no longer names a loaded driver.
        trace.event(TraceEvent.Kind.PNP, driver.name, null, "ZwUnloadDriver",
                reason == null ? Map.of() : TraceEvent.argMap("reason", reason));
        PortDriver port = ports.get(driver.model());
        try {
            if (port != null) {
                port.driverUnload(driver);
            }
        } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
            LOG.log(Level.SEVERE, "drvsim: the " + driver.model() + " model failed unloading " + driver.name, e);
        }
        notifyLibraries(driver);
        drivers.remove(driver.bundle.getBundleId());
    }

    /** Tells each port the driver used as a library that the driver has gone (after unload or a failed load). */
    private void notifyLibraries(DriverObjectImpl driver) {
        for (String model : driver.dependencies) {
            PortDriver library = ports.get(model);
            try {
                if (library != null) {
                    library.driverUnloaded(driver);
                }
            } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
                LOG.log(Level.SEVERE, "drvsim: the " + model + " model failed forgetting " + driver.name, e);
            }
        }
    }

    // ---- HardwareListener (called on the bus's thread; the work goes to the PnP worker)

    @Override
    public void deviceArrived(SimDevice device) {
        scheduler.queuePnp("arrival of " + device.instanceId(), () -> afterWake(() -> arrived(device)));
    }

    /**
     * Runs bus work now, or, while the system sleeps, when it wakes: a sleeping machine runs no code, and the bus
     * driver finds what changed when it enumerates again on resume. PnP worker only.
     */
    private void afterWake(Runnable work) {
        if (asleep()) {
            onWake.add(work);
        } else {
            work.run();
        }
    }

    @Override
    public SystemPowerState systemPowerState() {
        return systemPower;
    }

    /** Whether the system is in S3 or S4. */
    private boolean asleep() {
        SystemPowerState s = systemPower;
        return s == SystemPowerState.PowerSystemSleeping3 || s == SystemPowerState.PowerSystemHibernate;
    }

    /** Refuses a user's PnP request while the system sleeps: nothing runs then, Device Manager included. */
    private void refuseAsleep(String command) {
        if (asleep()) {
            throw new IllegalStateException(command + ": the system is asleep (" + systemPower + "); power:wake first");
        }
    }

    private void arrived(SimDevice device) {
        {
            DeviceNodeImpl node = new DeviceNodeImpl(device, bridge, hostMemory);
            nodes.add(node);
            trace.event(TraceEvent.Kind.PNP, null, device.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "arrival"));
            startOnAnyDriver(node, "a device it claims arrived");
        }
    }

    @Override
    public void deviceRemoved(SimDevice device, boolean surprise) {
        scheduler.queuePnp("removal of " + device.instanceId(), () -> {
            if (asleep()) {
                find(device.instanceId()).ifPresent(goneWhileAsleep::add);
            }
            afterWake(() -> removed(device, surprise));
        });
    }

    private void removed(SimDevice device, boolean surprise) {
        {
            DeviceNodeImpl node = find(device.instanceId()).orElse(null);
            if (node == null || node.device != device) {
                return;
            }
            trace.event(TraceEvent.Kind.PNP, null, device.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", surprise ? "surprise removal" : "removal"));
            DriverObjectImpl d = node.driver;
            if (d != null && node.state == DeviceNodeState.DeviceNodeStarted) {
                removeOnPnp(d, node, surprise, false);
            }
            node.state = DeviceNodeState.DeviceNodeDeleted;
            nodes.remove(node);
            if (d != null) {
                unloadIfIdle(d, "its last device was removed");
            }
        }
    }

    // ---- PnpManager

    private Optional<DeviceNodeImpl> find(String instanceId) {
        return nodes.stream().filter(n -> n.instanceId().equalsIgnoreCase(instanceId)).findFirst();
    }

    @Override
    public List<DeviceNode> deviceTree() {
        return List.copyOf(nodes);
    }

    @Override
    public Optional<DeviceNode> node(String instanceId) {
        return find(instanceId).map(n -> n);
    }

    @Override
    public List<DriverObject> drivers() {
        synchronized (drivers) {
            return List.copyOf(drivers.values());
        }
    }

    @Override
    public Optional<DriverObject> driver(String name) {
        DriverObjectImpl l = loading;
        if (l != null && l.name.equals(name)) {
            return Optional.of(l);
        }
        synchronized (drivers) {
            return drivers.values().stream().filter(d -> d.name.equals(name)).findFirst().map(d -> d);
        }
    }

    @Override
    public void addDependency(DriverObject driver, String model) {
        if (!(driver instanceof DriverObjectImpl d)) {
            throw new IllegalArgumentException("not a driver of this kernel: " + driver);
        }
        if (!KNOWN_MODELS.contains(model) || model.equals(d.model())) {
            throw new IllegalArgumentException(d.name + " cannot depend on model '" + model + "'");
        }
        d.dependencies.add(model);
    }

    @Override
    public DeviceNode disable(String instanceId) throws InterruptedException {
        return onPnp("disable " + instanceId, () -> {
            refuseAsleep("pnp:disable");
            DeviceNodeImpl node = present(instanceId, "pnp:disable");
            if (node.problem == DeviceNode.CM_PROB_DISABLED) {
                throw new IllegalStateException("pnp:disable: " + node.instanceId() + " is disabled already");
            }
            DriverObjectImpl d = node.driver;
            if (d != null && node.state == DeviceNodeState.DeviceNodeStarted) {
                PortStatus veto = removeOnPnp(d, node, false, true);
                if (!veto.isSuccess()) {
                    throw new IllegalStateException("pnp:disable: " + d.name + " vetoed the removal of "
                            + node.instanceId() + " (IRP_MN_QUERY_REMOVE_DEVICE failed with " + veto + "); the device "
                            + "stays started");
                }
                unloadIfIdle(d, "its last device was disabled");
            }
            node.state = DeviceNodeState.DeviceNodeRemoved;
            node.problem = DeviceNode.CM_PROB_DISABLED;
            node.problemStatus = "disabled";
            trace.event(TraceEvent.Kind.PNP, null, node.instanceId(), "CM_PROB_DISABLED", Map.of());
            return node;
        });
    }

    /**
     * Devices reported failed whose removal is queued, by upper-case instance ID: a wake does not power up their
     * children (a failed bus cannot power its children).
     */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    /** Whether the node's parent or an ancestor of it was reported failed and waits for its removal. */
    private boolean underFailedParent(DeviceNodeImpl node) {
        for (DeviceNodeImpl p = node.parent; p != null; p = p.parent) {
            if (failing.contains(p.instanceId().toUpperCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** How many times each device failed (deviceFailed), by instance ID; PnP worker only. */
    private final Map<String, Integer> failures = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    @Override
    public void deviceFailed(String instanceId, boolean attemptRestart, String reason) {
        failing.add(instanceId.toUpperCase(java.util.Locale.ROOT));
        scheduler.queuePnp("device failed " + instanceId, () -> {
            failing.remove(instanceId.toUpperCase(java.util.Locale.ROOT));
            DeviceNodeImpl node = find(instanceId).orElse(null);
            if (node == null || node.driver == null || node.state != DeviceNodeState.DeviceNodeStarted) {
                return;
            }
            DriverObjectImpl d = node.driver;
            int count = failures.merge(node.instanceId(), 1, Integer::sum);
            trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_QUERY_PNP_DEVICE_STATE",
                    TraceEvent.argMap("pnpDeviceState", "PNP_DEVICE_FAILED", "reason", reason, "failures", count));
            removeOnPnp(d, node, true, false);
            if (attemptRestart && count < FAILED_RESTART_LIMIT && node.device.present()) {
                startOnAnyDriver(node, "a device it claims restarted after it failed");
                if (node.state != DeviceNodeState.DeviceNodeStarted || node.driver != d) {
                    unloadIfIdle(d, "its last device failed");
                }
                return;
            }
            node.state = DeviceNodeState.DeviceNodeStartFailed;
            node.problem = DeviceNode.CM_PROB_FAILED_POST_START;
            node.problemStatus = reason + (attemptRestart ? " (failed " + count + " times; not restarted again)" : "");
            unloadIfIdle(d, "its last device failed");
        });
    }

    @Override
    public void eject(String instanceId) throws InterruptedException {
        onPnp("eject " + instanceId, () -> {
            refuseAsleep("hw:unplug");
            DeviceNodeImpl node = present(instanceId, "hw:unplug");
            DriverObjectImpl d = node.driver;
            if (d != null && node.state == DeviceNodeState.DeviceNodeStarted) {
                PortStatus veto = removeOnPnp(d, node, false, true);
                if (!veto.isSuccess()) {
                    throw new IllegalStateException("hw:unplug: " + d.name + " vetoed the removal of "
                            + node.instanceId() + " (IRP_MN_QUERY_REMOVE_DEVICE failed with " + veto + "); the device "
                            + "stays started and plugged in");
                }
                unloadIfIdle(d, "its last device was removed");
            }
            return null;
        });
    }

    @Override
    public DeviceNode enable(String instanceId) throws InterruptedException {
        return onPnp("enable " + instanceId, () -> {
            refuseAsleep("pnp:enable");
            DeviceNodeImpl node = present(instanceId, "pnp:enable");
            if (node.problem != DeviceNode.CM_PROB_DISABLED) {
                throw new IllegalStateException("pnp:enable: " + node.instanceId() + " is not disabled");
            }
            node.problem = DeviceNode.CM_PROB_NONE;
            node.problemStatus = null;
            node.state = DeviceNodeState.DeviceNodeUninitialized;
            trace.event(TraceEvent.Kind.PNP, null, node.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "enabled"));
            startOnAnyDriver(node, "a device it claims was enabled");
            return node;
        });
    }

    @Override
    public DeviceNode rebalance(String instanceId) throws InterruptedException {
        return onPnp("rebalance " + instanceId, () -> {
            refuseAsleep("pnp:rebalance");
            DeviceNodeImpl node = present(instanceId, "pnp:rebalance");
            DriverObjectImpl d = node.driver;
            if (d == null || node.state != DeviceNodeState.DeviceNodeStarted) {
                throw new IllegalStateException("pnp:rebalance: " + node.instanceId() + " is not started ("
                        + node.state + ")");
            }
            if (nodes.stream().anyMatch(n -> n.parent == node)) {
                throw new IllegalStateException("pnp:rebalance: " + node.instanceId() + " has child devices; drvsim "
                        + "rebalances devices without children only");
            }
            PortDriver port = ports.get(d.model());
            trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_QUERY_STOP_DEVICE", Map.of());
            PortStatus[] answer = {PortStatus.SUCCESS};
            portCall(d, node, "querying the stop of", () -> answer[0] = port.queryStopDevice(d, node));
            PortStatus query = answer[0] == null ? PortStatus.SUCCESS : answer[0];
            if (!query.isSuccess()) {
                trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_CANCEL_STOP_DEVICE",
                        TraceEvent.argMap("refusedWith", query.toString()));
                portCall(d, node, "cancelling the stop of", () -> port.cancelStopDevice(d, node));
                throw new IllegalStateException("pnp:rebalance: " + d.name + " refused to stop " + node.instanceId()
                        + " (IRP_MN_QUERY_STOP_DEVICE failed with " + query + "); the device keeps its resources");
            }
            trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_STOP_DEVICE", Map.of());
            node.state = DeviceNodeState.DeviceNodeStopped;
            portCall(d, node, "stopping", () -> port.stopDevice(d, node));
            node.relocate();
            trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_START_DEVICE",
                    TraceEvent.argMap("resources", node.resources().toString()));
            node.state = DeviceNodeState.DeviceNodeStartPending;
            PortStatus[] started = {PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL)};
            portCall(d, node, "restarting", () -> started[0] = port.startDevice(d, node, node.granted()));
            if (started[0] != null && started[0].isSuccess()) {
                node.state = DeviceNodeState.DeviceNodeStarted;
            } else {
                node.revoke();
                d.devices.remove(node);
                node.state = DeviceNodeState.DeviceNodeStartFailed;
                node.problem = DeviceNode.CM_PROB_FAILED_START;
                node.problemStatus = String.valueOf(started[0]);
                node.driver = null;
                node.driverName = "";
                LOG.warning("drvsim: device " + node.instanceId() + " did not restart after the rebalance (Code 10): "
                        + d.name + " returned " + started[0]);
                unloadIfIdle(d, "its only device failed to start");
            }
            return node;
        });
    }

    /** The system power state: S0, or the sleep state {@link #sleep} entered, or S5 after {@link #shutdown}. */
    private volatile SystemPowerState systemPower = SystemPowerState.PowerSystemWorking;
    /** The devices {@link #sleep} powered down, in enumeration order, for {@link #wake}. PnP worker only. */
    private final List<DeviceNodeImpl> poweredDown = new ArrayList<>();
    /** Bus changes reported while the system slept, run in order after it wakes (see {@link #afterWake}). PnP worker. */
    private final List<Runnable> onWake = new ArrayList<>();
    /** Devices the bus reported gone while the system slept: they are not powered up on wake. PnP worker only. */
    private final Set<DeviceNodeImpl> goneWhileAsleep = new HashSet<>();
    /** A device was to start while the system slept (a driver bundle started): wake starts every startable device. */
    private boolean startOnWake;

    @Override
    public void sleep(SystemPowerState state) throws InterruptedException {
        if (state != SystemPowerState.PowerSystemSleeping3 && state != SystemPowerState.PowerSystemHibernate) {
            throw new IllegalArgumentException("power:sleep: S3 (PowerSystemSleeping3) or S4 (PowerSystemHibernate), not "
                    + state);
        }
        onPnp("sleep " + state, () -> {
            if (systemPower != SystemPowerState.PowerSystemWorking) {
                throw new IllegalStateException("power:sleep: the system is in " + systemPower + ", not working");
            }
            trace.event(TraceEvent.Kind.PNP, null, null, "IRP_MN_SET_POWER", TraceEvent.argMap("systemPowerState", state));
            List<DeviceNodeImpl> started = startedNodes();
            for (int i = started.size() - 1; i >= 0; i--) {
                DeviceNodeImpl node = started.get(i);
                DriverObjectImpl d = node.driver;
                trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_SET_POWER",
                        TraceEvent.argMap("devicePowerState", "PowerDeviceD3", "systemPowerState", state));
                portCall(d, node, "powering down", () -> ports.get(d.model()).powerDown(d, node, state));
            }
            poweredDown.clear();
            poweredDown.addAll(started);
            systemPower = state;
            return null;
        });
    }

    @Override
    public void wake() throws InterruptedException {
        onPnp("wake", () -> {
            if (systemPower != SystemPowerState.PowerSystemSleeping3 && systemPower != SystemPowerState.PowerSystemHibernate) {
                throw new IllegalStateException("power:wake: the system is in " + systemPower + ", not asleep");
            }
            for (DeviceNodeImpl node : poweredDown) {
                DriverObjectImpl d = node.driver;
                if (d == null || node.state != DeviceNodeState.DeviceNodeStarted || goneWhileAsleep.contains(node)
                        || underFailedParent(node)) {
                    continue; // removed while the system slept, its hardware is gone, or its parent failed to power
                              // up: its removal follows
                }
                trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_SET_POWER",
                        TraceEvent.argMap("devicePowerState", "PowerDeviceD0", "systemPowerState",
                                SystemPowerState.PowerSystemWorking));
                portCall(d, node, "powering up", () -> ports.get(d.model()).powerUp(d, node));
            }
            poweredDown.clear();
            systemPower = SystemPowerState.PowerSystemWorking;
            trace.event(TraceEvent.Kind.PNP, null, null, "IRP_MN_SET_POWER",
                    TraceEvent.argMap("systemPowerState", SystemPowerState.PowerSystemWorking));
            // the bus enumerates again: what changed while the system slept, in order
            List<Runnable> changes = new ArrayList<>(onWake);
            onWake.clear();
            goneWhileAsleep.clear();
            changes.forEach(Runnable::run);
            if (startOnWake) {
                startOnWake = false;
                for (DeviceNodeImpl node : new ArrayList<>(nodes)) {
                    if (startable(node)) {
                        startOnAnyDriver(node, "a device it claims was found when the system woke");
                    }
                }
            }
            return null;
        });
        // A device that failed to power up is failed from work queued on the worker meanwhile (its removal, and its
        // children's); the wake is done when that is.
        drain();
    }

    @Override
    public void shutdown() throws InterruptedException {
        onPnp("shutdown", () -> {
            if (systemPower == SystemPowerState.PowerSystemShutdown) {
                throw new IllegalStateException("power:shutdown: the system was shut down already");
            }
            trace.event(TraceEvent.Kind.PNP, null, null, "IRP_MN_SET_POWER",
                    TraceEvent.argMap("systemPowerState", SystemPowerState.PowerSystemShutdown));
            List<DeviceNodeImpl> started = startedNodes();
            for (int i = started.size() - 1; i >= 0; i--) {
                DeviceNodeImpl node = started.get(i);
                DriverObjectImpl d = node.driver;
                trace.event(TraceEvent.Kind.PNP, d.name, node.instanceId(), "IRP_MN_SET_POWER",
                        TraceEvent.argMap("devicePowerState", "PowerDeviceD3", "systemPowerState",
                                SystemPowerState.PowerSystemShutdown));
                portCall(d, node, "shutting down", () -> ports.get(d.model()).shutdown(d, node));
            }
            systemPower = SystemPowerState.PowerSystemShutdown;
            // the system is off: no driver routine runs after this; every port forgets its drivers without calls
            List<DriverObjectImpl> all;
            synchronized (drivers) {
                all = new ArrayList<>(drivers.values());
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                forgetAtShutdown(all.get(i));
            }
            idle.clear();
            return null;
        });
    }

    /** @return the started nodes with a driver, in enumeration order */
    private List<DeviceNodeImpl> startedNodes() {
        List<DeviceNodeImpl> started = new ArrayList<>();
        for (DeviceNodeImpl n : nodes) {
            if (n.driver != null && n.state == DeviceNodeState.DeviceNodeStarted) {
                started.add(n);
            }
        }
        return started;
    }

    /** After a system shutdown: the driver is forgotten by its ports and the kernel, and none of its routines runs. */
    private void forgetAtShutdown(DriverObjectImpl d) {
        trace.event(TraceEvent.Kind.PNP, d.name, null, "ZwUnloadDriver",
                TraceEvent.argMap("reason", "the system shut down: no removal or unload routine runs"));
        for (DeviceNodeImpl node : new ArrayList<>(d.devices)) {
            node.revoke();
            node.driver = null;
            node.driverName = "";
            node.state = DeviceNodeState.DeviceNodeUninitialized;
        }
        d.devices.clear();
        forgetWithoutCalls(d, "forgetting");
        drivers.remove(d.bundle.getBundleId());
    }

    /**
     * Every port the driver used (its model's and its libraries') forgets it and everything of it without calling any
     * of its routines ({@link PortDriver#driverIsolated}). On the PnP worker.
     */
    private void forgetWithoutCalls(DriverObjectImpl d, String what) {
        List<String> models = new ArrayList<>(d.dependencies);
        models.add(0, d.model());
        for (String model : models) {
            PortDriver port = ports.get(model);
            try {
                if (port != null) {
                    port.driverIsolated(d);
                }
            } catch (Throwable e) { // a port bug: logged, and the platform goes on
                LOG.log(Level.SEVERE, "drvsim: the " + model + " model failed " + what + " " + d.name, e);
            }
        }
    }

    /** @return the present node with this instance ID */
    private DeviceNodeImpl present(String instanceId, String command) {
        DeviceNodeImpl node = find(instanceId).orElse(null);
        if (node == null || node.state == DeviceNodeState.DeviceNodeDeleted) {
            throw new IllegalArgumentException(command + ": no device '" + instanceId + "'; devices: "
                    + nodes.stream().map(DeviceNodeImpl::instanceId).toList());
        }
        return node;
    }

    private <T> T onPnp(String what, java.util.concurrent.Callable<T> work) throws InterruptedException {
        try {
            return scheduler.callPnp(what, work);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void isolate(String driverName, String reason) {
        scheduler.queuePnp("isolate " + driverName, () -> isolateOnPnp(driverName, reason));
    }

    /** The driver hung: its devices get Code 43, its ports forget it, the kernel forgets it, its bundle stops. */
    private void isolateOnPnp(String driverName, String reason) {
        DriverObjectImpl d = loading != null && loading.name.equals(driverName) ? loading : null;
        if (d != null) {
            loading = null; // its DriverEntry hung; the load was abandoned
        } else {
            synchronized (drivers) {
                d = drivers.values().stream().filter(x -> x.name.equals(driverName)).findFirst().orElse(null);
            }
        }
        if (d == null) {
            return;
        }
        trace.event(TraceEvent.Kind.PNP, d.name, null, "DriverIsolated", TraceEvent.argMap("reason", reason));
        LOG.severe("drvsim: driver " + d.name + " is isolated (" + reason + "): its devices get Code 43 and its bundle is "
                + "stopped without calling into it");
        for (DeviceNodeImpl node : nodes) {
            if (node.driver == d) {
                node.revoke();
                node.state = DeviceNodeState.DeviceNodeStartFailed;
                node.problem = DeviceNode.CM_PROB_FAILED_POST_START;
                node.problemStatus = reason;
                node.driver = null;
            }
        }
        d.devices.clear();
        forgetWithoutCalls(d, "isolating");
        drivers.remove(d.bundle.getBundleId());
        waiting.remove(d.bundle.getBundleId());
        awaitedLibraries.remove(d.bundle.getBundleId());
        Bundle bundle = d.bundle;
        // not on the PnP worker: the bundle's own stop may be waiting for PnP work
        Thread stopper = new Thread(() -> {
            try {
                if ((bundle.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                    bundle.stop();
                }
            } catch (Exception e) {
                LOG.warning("drvsim: stopping the isolated driver bundle " + bundle.getSymbolicName() + ": " + e);
            }
        }, "drvsim-isolate-" + bundle.getSymbolicName());
        stopper.setDaemon(true);
        stopper.start();
    }

    @Override
    public void drain() throws InterruptedException {
        try {
            scheduler.callPnp("drain", () -> null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
