package org.drvsim.kernel.internal;

import java.util.ArrayList;
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
        List<DriverObjectImpl> loaded;
        synchronized (drivers) {
            loaded = new ArrayList<>(drivers.values());
        }
        for (DeviceNodeImpl node : freed) {
            if (node.driver != null || !node.device.present() || node.state != DeviceNodeState.DeviceNodeUninitialized) {
                continue;
            }
            for (DriverObjectImpl d : loaded) {
                if (d.claims(node)) {
                    startOnPnp(d, node);
                    break;
                }
            }
        }
    }

    /** Runs DriverEntry, then starts every device the driver claims. On the PnP worker. */
    private DriverObjectImpl loadOnPnp(Bundle bundle, DriverDescriptor descriptor, Object entry) throws BundleException {
        PortDriver port = ports.get(descriptor.model());
        DriverObjectImpl driver = new DriverObjectImpl(bundle, descriptor);
        String shared = sharedClaims(driver);
        trace.event(TraceEvent.Kind.PNP, driver.name, null, "ZwLoadDriver",
                TraceEvent.argMap("model", descriptor.model(), "hardwareIds", String.join(",", descriptor.hardwareIds()),
                        "alsoClaimedBy", shared));
        if (shared != null) {
            LOG.warning("drvsim: driver bundle " + bundle.getSymbolicName() + " claims hardware IDs another loaded driver "
                    + "claims (" + shared + "); the devices stay with the driver that runs them, and " + driver.name
                    + " takes them over when that driver stops");
        }
        PortStatus status;
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
            throw new BundleException("driver bundle " + bundle.getSymbolicName() + ": DriverEntry failed with "
                    + status + "; the driver is not loaded", BundleException.ACTIVATOR_ERROR);
        }
        drivers.put(bundle.getBundleId(), driver);
        for (DeviceNodeImpl node : nodes) {
            if (node.driver == null && node.state != DeviceNodeState.DeviceNodeDeleted && node.device.present()
                    && driver.claims(node)) {
                startOnPnp(driver, node);
            }
        }
        return driver;
    }

    private void startOnPnp(DriverObjectImpl driver, DeviceNodeImpl node) {
        PortDriver port = ports.get(driver.model());
        node.state = DeviceNodeState.DeviceNodeStartPending;
        node.driver = driver;
        node.driverName = driver.name;
        node.problem = DeviceNode.CM_PROB_NONE;
        node.problemStatus = null;
        trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_START_DEVICE", Map.of());
        PortStatus status;
        try {
            status = port.startDevice(driver, node, node.grant());
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

    private void removeOnPnp(DriverObjectImpl driver, DeviceNodeImpl node, boolean surprise) {
        PortDriver port = ports.get(driver.model());
        node.state = surprise ? DeviceNodeState.DeviceNodeAwaitingQueuedRemoval : DeviceNodeState.DeviceNodeRemovePending;
        trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(),
                surprise ? "IRP_MN_SURPRISE_REMOVAL" : "IRP_MN_QUERY_REMOVE_DEVICE", Map.of());
        trace.event(TraceEvent.Kind.PNP, driver.name, node.instanceId(), "IRP_MN_REMOVE_DEVICE", Map.of());
        try {
            if (port != null) {
                if (surprise) {
                    port.surpriseRemoveDevice(driver, node);
                } else {
                    port.removeDevice(driver, node);
                }
            }
        } catch (Throwable e) { // a port bug or an Error escaping it: logged, and the platform goes on
            LOG.log(Level.SEVERE, "drvsim: the " + driver.model() + " model failed removing " + node.instanceId(), e);
        }
        node.revoke();
        driver.devices.remove(node);
        node.driver = null;
        node.driverName = "";
        node.state = node.device.present() ? DeviceNodeState.DeviceNodeUninitialized : DeviceNodeState.DeviceNodeDeleted;
    }

    private void unloadOnPnp(DriverObjectImpl driver) {
        for (DeviceNodeImpl node : new ArrayList<>(driver.devices)) {
            removeOnPnp(driver, node, false);
        }
        // A node whose start failed keeps its problem code but no longer names a loaded driver.
        trace.event(TraceEvent.Kind.PNP, driver.name, null, "ZwUnloadDriver", Map.of());
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
        scheduler.queuePnp("arrival of " + device.instanceId(), () -> {
            DeviceNodeImpl node = new DeviceNodeImpl(device, bridge, hostMemory);
            nodes.add(node);
            trace.event(TraceEvent.Kind.PNP, null, device.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "arrival"));
            List<DriverObjectImpl> loaded;
            synchronized (drivers) {
                loaded = new ArrayList<>(drivers.values());
            }
            for (DriverObjectImpl d : loaded) {
                if (d.claims(node)) {
                    startOnPnp(d, node);
                    break;
                }
            }
        });
    }

    @Override
    public void deviceRemoved(SimDevice device, boolean surprise) {
        scheduler.queuePnp("removal of " + device.instanceId(), () -> {
            DeviceNodeImpl node = find(device.instanceId()).orElse(null);
            if (node == null) {
                return;
            }
            trace.event(TraceEvent.Kind.PNP, null, device.instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", surprise ? "surprise removal" : "removal"));
            DriverObjectImpl d = node.driver;
            if (d != null && node.state == DeviceNodeState.DeviceNodeStarted) {
                removeOnPnp(d, node, surprise);
            }
            node.state = DeviceNodeState.DeviceNodeDeleted;
            nodes.remove(node);
        });
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
        List<String> models = new ArrayList<>(d.dependencies);
        models.add(0, d.model());
        for (String model : models) {
            PortDriver port = ports.get(model);
            try {
                if (port != null) {
                    port.driverIsolated(d);
                }
            } catch (Throwable e) { // a port bug: logged, and the platform goes on
                LOG.log(Level.SEVERE, "drvsim: the " + model + " model failed isolating " + d.name, e);
            }
        }
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
