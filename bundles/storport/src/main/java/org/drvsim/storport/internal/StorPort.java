package org.drvsim.storport.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.drvsim.kernel.Callbacks;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.storport.StorportMiniportEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * storport.sys for virtual miniports: the kernel calls it on the PnP worker (PASSIVE_LEVEL); it turns
 * DriverEntry, adapter start, removal and unload into the miniport routines in the documented order
 * (spec/storport-lifecycle.md sections 1, 2, 4 and 9) and enforces the rules: no callback for an adapter
 * after HwStorFreeAdapterResources, no HwStorStartIo after the adapter stopped, every SRB completed
 * exactly once.
 */
@Component(service = {PortDriver.class, StorPort.class}, property = PortDriver.MODEL_PROPERTY + "=storport")
public final class StorPort implements PortDriver {
    final Trace trace;
    final Verifier verifier;
    final Scheduler scheduler;
    final Callbacks callbacks;
    private final Map<DriverObject, StorMiniportDriver> drivers = new ConcurrentHashMap<>();
    /** By device instance ID, which Windows compares without regard to case; iterates in instance ID order. */
    private final Map<String, StorAdapter> adapters = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    @Activate
    public StorPort(@Reference Trace trace, @Reference Verifier verifier, @Reference Scheduler scheduler,
                    @Reference DriverWatchdog watchdog) {
        this.trace = trace;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.callbacks = new Callbacks(trace, verifier, watchdog);
    }

    /** Without a watchdog, for unit tests. */
    public StorPort(Trace trace, Verifier verifier, Scheduler scheduler) {
        this.trace = trace;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.callbacks = new Callbacks(trace, verifier);
    }

    @Override
    public String model() {
        return "storport";
    }

    @Override
    public PortStatus driverEntry(DriverObject driverObject, Object entryObject) {
        if (!(entryObject instanceof StorportMiniportEntry entry)) {
            return PortStatus.of(NtStatus.STATUS_OBJECT_TYPE_MISMATCH).because("entry class "
                    + entryObject.getClass().getName() + " does not implement " + StorportMiniportEntry.class.getName());
        }
        StorMiniportDriver driver = new StorMiniportDriver(this, driverObject);
        driver.inDriverEntry = true;
        NtStatus s = callbacks.call(driver.name, null, "DriverEntry",
                TraceEvent.argMap("driverObject", driver.name, "registryPath", driver.registryPath()),
                () -> entry.driverEntry(driver), NtStatus.STATUS_UNSUCCESSFUL);
        driver.inDriverEntry = false;
        if (s == null) {
            s = NtStatus.STATUS_UNSUCCESSFUL;
        }
        if (!s.isSuccess()) {
            return driver.initializeError == null ? PortStatus.of(s)
                    : PortStatus.of(s).because("StorPortInitialize: " + driver.initializeError);
        }
        if (driver.init == null) {
            verifier.report("DriverEntryWithoutStorPortInitialize", 0xC9, driver.name, null,
                    "DriverEntry returned " + s + " without a successful StorPortInitialize");
            return PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL).because("DriverEntry did not call StorPortInitialize");
        }
        drivers.put(driverObject, driver);
        return PortStatus.of(s);
    }

    @Override
    public PortStatus startDevice(DriverObject driverObject, DeviceNode node, DeviceResources resources) {
        StorMiniportDriver driver = drivers.get(driverObject);
        if (driver == null) {
            return PortStatus.of(NtStatus.STATUS_NO_SUCH_DEVICE).because("driver did not initialize with Storport");
        }
        StorAdapter stopped = adapters.get(node.instanceId());
        if (stopped != null && stopped.state() == StorAdapter.State.Stopped) {
            PortStatus s = stopped.restart();
            if (!s.isSuccess()) {
                adapters.remove(node.instanceId());
            }
            return s;
        }
        StorAdapter adapter = new StorAdapter(this, driver, node);
        adapters.put(node.instanceId(), adapter);
        PortStatus s = adapter.start();
        if (!s.isSuccess()) {
            adapters.remove(node.instanceId());
        }
        return s;
    }

    @Override
    public void removeDevice(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.remove(node.instanceId());
        if (a != null) {
            a.remove(false);
        }
    }

    @Override
    public void powerDown(DriverObject driverObject, DeviceNode node, org.drvsim.kernel.SystemPowerState state) {
        StorAdapter a = adapters.get(node.instanceId());
        if (a != null) {
            a.powerDown();
        }
    }

    @Override
    public void powerUp(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.get(node.instanceId());
        if (a != null) {
            PortStatus s = a.powerUp();
            if (!s.isSuccess()) {
                adapters.remove(node.instanceId());
            }
        }
    }

    @Override
    public void shutdown(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.get(node.instanceId());
        if (a != null) {
            a.shutdown();
        }
    }

    /** Storport agrees to stop an adapter for a rebalance (a virtual miniport has no query-stop routine). */
    @Override
    public PortStatus queryStopDevice(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.get(node.instanceId());
        return a != null && a.state() == StorAdapter.State.Started ? PortStatus.SUCCESS
                : PortStatus.of(NtStatus.STATUS_INVALID_DEVICE_STATE).because("no started Storport adapter " + node.instanceId());
    }

    /** IRP_MN_STOP_DEVICE: the StorStopDevice SRB and ScsiStopAdapter; the adapter waits for its restart. */
    @Override
    public void stopDevice(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.get(node.instanceId());
        if (a != null) {
            a.stop();
        }
    }

    @Override
    public void surpriseRemoval(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.get(node.instanceId());
        if (a != null) {
            a.surpriseRemoved();
        }
    }

    @Override
    public void surpriseRemoveDevice(DriverObject driverObject, DeviceNode node) {
        StorAdapter a = adapters.remove(node.instanceId());
        if (a != null) {
            a.remove(true);
        }
    }

    @Override
    public void driverIsolated(DriverObject driverObject) {
        drivers.remove(driverObject);
        for (StorAdapter a : List.copyOf(adapters.values())) {
            if (a.driver.driverObject == driverObject) {
                adapters.remove(a.instanceId(), a);
                a.isolate();
            }
        }
    }

    @Override
    public void driverUnload(DriverObject driverObject) {
        StorMiniportDriver driver = drivers.remove(driverObject);
        if (driver != null) {
            driver.unload();
        }
    }

    List<StorAdapter> adapters() {
        return new ArrayList<>(adapters.values());
    }

    Optional<StorAdapter> adapter(String instanceId) {
        return Optional.ofNullable(adapters.get(instanceId));
    }
}
