package org.drvsim.ndis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.drvsim.kernel.Callbacks;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisStatus;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ndis.sys: the NDIS port driver. The kernel calls it on the PnP worker (PASSIVE_LEVEL); it turns
 * DriverEntry, device start, removal and unload into the miniport callbacks in the documented order
 * (spec/ndis-lifecycle.md sections 1, 3, 4 and 11) and enforces the seed pages' rules.
 */
@Component(service = {PortDriver.class, NdisPort.class}, property = PortDriver.MODEL_PROPERTY + "=ndis")
public final class NdisPort implements PortDriver {
    static final Logger LOG = Logger.getLogger(NdisPort.class.getName());
    /**
     * Framework property: how many milliseconds one second of a miniport's CheckForHangTimeInSeconds lasts (default
     * 1000). Tests lower it to see MiniportCheckForHangEx and MiniportResetEx without waiting seconds; every other
     * clock (timers, watchdog) is unaffected.
     */
    public static final String CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY = "drvsim.ndis.checkForHangMillisPerSecond";
    static final long DEFAULT_CHECK_FOR_HANG_MILLIS_PER_SECOND = 1000;

    final Trace trace;
    final Verifier verifier;
    final Scheduler scheduler;
    /** Milliseconds per second of CheckForHangTimeInSeconds ({@link #CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY}). */
    final long checkForHangMillisPerSecond;
    private final Callbacks callbacks;
    private final Map<DriverObject, MiniportDriverBlock> drivers = new ConcurrentHashMap<>();
    /** By device instance ID, which Windows compares without regard to case; iterates in instance ID order. */
    private final Map<String, MiniportBlock> adapters = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);
    private int nextIfIndex = 1;
    /** The protocol bound to every adapter that starts (the harness), or null. */
    private volatile ProtocolBinding protocol;

    /**
     * @throws IllegalArgumentException if {@value #CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY} is set and not a positive
     *                                  number (the component then does not activate, and says why)
     */
    @Activate
    public NdisPort(@Reference Trace trace, @Reference Verifier verifier, @Reference Scheduler scheduler,
                    @Reference DriverWatchdog watchdog, BundleContext context) {
        this.trace = trace;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.callbacks = new Callbacks(trace, verifier, watchdog);
        this.checkForHangMillisPerSecond = millisPerSecond(context.getProperty(CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY));
    }

    /** Without a watchdog, with the real check-for-hang clock, for unit tests. */
    public NdisPort(Trace trace, Verifier verifier, Scheduler scheduler) {
        this(trace, verifier, scheduler, DEFAULT_CHECK_FOR_HANG_MILLIS_PER_SECOND);
    }

    /**
     * Without a watchdog, for unit tests.
     *
     * @param checkForHangMillisPerSecond milliseconds one second of CheckForHangTimeInSeconds lasts
     */
    public NdisPort(Trace trace, Verifier verifier, Scheduler scheduler, long checkForHangMillisPerSecond) {
        this.trace = trace;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.callbacks = new Callbacks(trace, verifier);
        this.checkForHangMillisPerSecond = checkForHangMillisPerSecond;
    }

    static long millisPerSecond(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_CHECK_FOR_HANG_MILLIS_PER_SECOND;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("framework property " + CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY + "='"
                + value + "' is not a positive number of milliseconds");
    }

    @Override
    public String model() {
        return "ndis";
    }

    static PortStatus status(NdisStatus s) {
        return new PortStatus(s.code(), s.name());
    }

    /** Calls a driver routine, recording it as a callback, and turns a driver's exception into a value. */
    <T> T call(String driver, String device, String name, Map<String, ?> args, Supplier<T> routine, T onThrow) {
        return callbacks.call(driver, device, name, args, routine, onThrow);
    }

    /** @return the one rule for calls into drivers */
    Callbacks callbacks() {
        return callbacks;
    }

    /** Calls a void driver routine, recording it as a callback. */
    void callVoid(String driver, String device, String name, Map<String, ?> args, Runnable routine) {
        callbacks.callVoid(driver, device, name, args, routine);
    }

    /** Checks that a driver calls an NDIS function at or below its documented IRQL. */
    void checkIrql(String driver, String device, String ddi, Irql maximum) {
        callbacks.checkIrql(driver, device, ddi, maximum);
    }

    @Override
    public PortStatus driverEntry(DriverObject driverObject, Object entryObject) {
        if (!(entryObject instanceof MiniportDriverEntry entry)) {
            return PortStatus.of(NtStatus.STATUS_OBJECT_TYPE_MISMATCH).because("entry class "
                    + entryObject.getClass().getName() + " does not implement " + MiniportDriverEntry.class.getName());
        }
        MiniportDriverBlock block = new MiniportDriverBlock(this, driverObject);
        block.inDriverEntry = true;
        NdisStatus s = call(block.name, null, "DriverEntry",
                TraceEvent.argMap("driverObject", block.name, "registryPath",
                        "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + block.name.split("/")[0]),
                () -> entry.driverEntry(block), NdisStatus.NDIS_STATUS_FAILURE);
        block.inDriverEntry = false;
        if (s == null) {
            s = NdisStatus.NDIS_STATUS_FAILURE;
        }
        if (!s.isSuccess()) {
            String why = block.registrationError == null ? null : "NdisMRegisterMiniportDriver: " + block.registrationError;
            if (block.registered) {
                // DriverEntry failed after a successful registration: the driver should have deregistered.
                LOG.warning("drvsim: " + block.name + " failed DriverEntry without NdisMDeregisterMiniportDriver");
                block.registered = false;
            }
            return why == null ? status(s) : status(s).because(why);
        }
        if (!block.registered) {
            verifier.report("DriverEntryWithoutRegistration", 0xC9, block.name, null,
                    "DriverEntry returned " + s + " without a successful NdisMRegisterMiniportDriver");
            return status(NdisStatus.NDIS_STATUS_FAILURE).because("DriverEntry did not register a miniport driver");
        }
        drivers.put(driverObject, block);
        return status(s);
    }

    @Override
    public PortStatus startDevice(DriverObject driverObject, DeviceNode node, DeviceResources resources) {
        MiniportDriverBlock driver = drivers.get(driverObject);
        if (driver == null) {
            return PortStatus.of(NtStatus.STATUS_NO_SUCH_DEVICE).because("driver is not registered with NDIS");
        }
        resourcesOf.put(node.instanceId(), resources);
        MiniportBlock adapter;
        synchronized (this) {
            Integer kept = stoppedIfIndexes.remove(node.instanceId());
            adapter = new MiniportBlock(this, driver, node, kept != null ? kept : nextIfIndex++, resources);
        }
        ProtocolBinding p = protocol;
        if (p != null) {
            adapter.bind(p); // NDIS binds the protocol to every adapter that starts (ProtocolBindAdapterEx)
        }
        adapters.put(node.instanceId(), adapter);
        driver.adapters.add(adapter);
        NdisStatus s = adapter.initialize();
        if (!s.isSuccess()) {
            adapters.remove(node.instanceId());
            driver.adapters.remove(adapter);
        }
        return status(s);
    }

    @Override
    public void removeDevice(DriverObject driverObject, DeviceNode node) {
        haltedForSleep.remove(node.instanceId()); // removed while halted for a sleep: halted already, nothing to wake
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.remove(false);
            forget(adapter);
        }
    }

    /** IfIndex of adapters stopped for a rebalance, by instance ID: the restarted adapter keeps its interface index. */
    private final Map<String, Integer> stoppedIfIndexes = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    /** Adapters halted for a system sleep, by instance ID, with the resources to initialize them again on wake. */
    private final Map<String, DeviceResources> haltedForSleep = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    /**
     * A system sleep (spec/ndis-lifecycle.md section 5 item 3): a miniport that set NO_HALT_ON_SUSPEND is paused and
     * gets OID_PNP_SET_POWER D3; another is paused and halted with NdisHaltDevicePoweredDown.
     */
    @Override
    public void powerDown(DriverObject driverObject, DeviceNode node, org.drvsim.kernel.SystemPowerState state) {
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter == null) {
            return;
        }
        if (adapter.noHaltOnSuspend()) {
            adapter.sleep();
        } else {
            adapter.haltForSleep();
            stoppedIfIndexes.put(node.instanceId(), adapter.ifIndex);
            haltedForSleep.put(node.instanceId(), resourcesOf.getOrDefault(node.instanceId(), DeviceResources.NONE));
            forget(adapter);
        }
    }

    /** Wake: OID_PNP_SET_POWER D0 and MiniportRestart, or MiniportInitializeEx again for an adapter halted to sleep. */
    @Override
    public void powerUp(DriverObject driverObject, DeviceNode node) {
        DeviceResources resources = haltedForSleep.remove(node.instanceId());
        if (resources != null) {
            PortStatus s = startDevice(driverObject, node, resources);
            if (!s.isSuccess()) {
                LOG.warning("drvsim: " + node.instanceId() + " did not initialize again on wake: " + s);
            }
            return;
        }
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.wake();
        }
    }

    /** The resources each adapter was started with, to initialize it again after a sleep that halted it. */
    private final Map<String, DeviceResources> resourcesOf = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    @Override
    public void shutdown(DriverObject driverObject, DeviceNode node) {
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.shutdown();
        }
    }

    /** NDIS has no query-stop handler for a miniport: it agrees to stop the adapter for a rebalance. */
    @Override
    public PortStatus queryStopDevice(DriverObject driverObject, DeviceNode node) {
        return adapters.containsKey(node.instanceId()) ? PortStatus.SUCCESS
                : PortStatus.of(NtStatus.STATUS_NO_SUCH_DEVICE).because("no NDIS adapter " + node.instanceId());
    }

    /** IRP_MN_STOP_DEVICE: the adapter is paused and halted with NdisHaltDeviceStopped; a new start follows. */
    @Override
    public void stopDevice(DriverObject driverObject, DeviceNode node) {
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.stop();
            stoppedIfIndexes.put(node.instanceId(), adapter.ifIndex);
            forget(adapter);
        }
    }

    @Override
    public void surpriseRemoval(DriverObject driverObject, DeviceNode node) {
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.surpriseRemoved();
        }
    }

    @Override
    public void surpriseRemoveDevice(DriverObject driverObject, DeviceNode node) {
        haltedForSleep.remove(node.instanceId());
        MiniportBlock adapter = adapters.get(node.instanceId());
        if (adapter != null) {
            adapter.remove(true);
            forget(adapter);
        }
    }

    private void forget(MiniportBlock adapter) {
        adapters.remove(adapter.instanceId());
        adapter.driver.adapters.remove(adapter);
        adapter.driver.haltedCount++;
    }

    @Override
    public void driverIsolated(DriverObject driverObject) {
        drivers.remove(driverObject);
        for (MiniportBlock a : List.copyOf(adapters.values())) {
            if (a.driver.driverObject == driverObject) {
                a.isolate();
                adapters.remove(a.instanceId(), a);
                a.driver.adapters.remove(a);
            }
        }
    }

    @Override
    public void driverUnload(DriverObject driverObject) {
        MiniportDriverBlock driver = drivers.remove(driverObject);
        if (driver == null) {
            return;
        }
        if (!driver.adapters.isEmpty()) {
            // The kernel removes every device first, so this means a port bug; say so loudly.
            verifier.report("MiniportDriverUnloadBeforeHalt", 0xC9, driver.name, null,
                    driver.adapters.size() + " adapter(s) not halted before MiniportDriverUnload");
        }
        driver.unload();
    }

    // ---- for the protocol harness and the shell

    /** The protocol to bind to every running adapter and to each one that starts later. */
    void registerProtocol(ProtocolBinding p) {
        protocol = p;
        adapters.values().forEach(a -> a.bind(p));
    }

    void unregisterProtocol(ProtocolBinding p) {
        if (protocol == p) {
            protocol = null;
        }
        adapters.values().forEach(a -> a.unbind(p));
    }

    /** @return the adapters NDIS runs now, by instance ID order */
    List<MiniportBlock> adapters() {
        return new ArrayList<>(adapters.values());
    }

    /** @return the adapter with this instance ID, or null */
    Optional<MiniportBlock> adapter(String instanceId) {
        return Optional.ofNullable(adapters.get(instanceId));
    }
}
