package org.drvsim.wdf.internal;

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
import org.drvsim.kernel.PnpManager;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.wdf.KmdfDriverEntry;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfMiniportBinder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Wdf01000.sys for KMDF function drivers: the kernel calls it on the PnP worker (PASSIVE_LEVEL) and it runs the
 * documented sequences of spec/wdf-lifecycle.md: DriverEntry and WdfDriverCreate (DL-1), EvtDriverDeviceAdd and
 * the start sequence (3a), orderly and surprise removal (3b, 3c), unload (DL-5: EvtDriverUnload, then the
 * WDFDRIVER's cleanup and destroy).
 */
@Component(service = {PortDriver.class, WdfPort.class, WdfMiniportBinder.class},
        property = PortDriver.MODEL_PROPERTY + "=wdf")
public final class WdfPort implements PortDriver, WdfMiniportBinder {
    /** Framework property: {@code true} makes WdfDriverMiniportUnload call EvtDriverUnload, as its page says (spec 8.1). */
    public static final String MINIPORT_UNLOAD_PROPERTY = "drvsim.wdf.miniportUnloadCallsEvtDriverUnload";

    final Trace trace;
    final Verifier verifier;
    final Scheduler scheduler;
    final Callbacks callbacks;
    final boolean miniportUnloadCallsEvtDriverUnload;
    private final Map<DriverObject, FxDriverImpl> drivers = new ConcurrentHashMap<>();
    /** KMDF miniports (of another model) bound through {@link #bind}, by their kernel driver object. */
    private final Map<DriverObject, FxDriverImpl> miniports = new ConcurrentHashMap<>();
    /** The PnP manager, to find the driver a miniport binding belongs to; null in unit tests. */
    private final PnpManager pnp;
    /** By device instance ID, which Windows compares without regard to case; iterates in instance ID order. */
    private final Map<String, FxDeviceImpl> devices = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    @Activate
    public WdfPort(@Reference Trace trace, @Reference Verifier verifier, @Reference Scheduler scheduler,
                   @Reference PnpManager pnp, @Reference DriverWatchdog watchdog, BundleContext context) {
        this(trace, verifier, scheduler, pnp, watchdog, Boolean.parseBoolean(context.getProperty(MINIPORT_UNLOAD_PROPERTY)));
    }

    public WdfPort(Trace trace, Verifier verifier, Scheduler scheduler, boolean miniportUnloadCallsEvtDriverUnload) {
        this(trace, verifier, scheduler, null, null, miniportUnloadCallsEvtDriverUnload);
    }

    WdfPort(Trace trace, Verifier verifier, Scheduler scheduler, PnpManager pnp, DriverWatchdog watchdog,
            boolean miniportUnloadCallsEvtDriverUnload) {
        this.pnp = pnp;
        this.trace = trace;
        this.verifier = verifier;
        this.scheduler = scheduler;
        this.callbacks = new Callbacks(trace, verifier, watchdog);
        this.miniportUnloadCallsEvtDriverUnload = miniportUnloadCallsEvtDriverUnload;
    }

    @Override
    public String model() {
        return "wdf";
    }

    @Override
    public PortStatus driverEntry(DriverObject driverObject, Object entryObject) {
        if (!(entryObject instanceof KmdfDriverEntry entry)) {
            return PortStatus.of(NtStatus.STATUS_OBJECT_TYPE_MISMATCH).because("entry class "
                    + entryObject.getClass().getName() + " does not implement " + KmdfDriverEntry.class.getName());
        }
        FxDriverImpl d = FxDriverImpl.create(this, driverObject);
        d.inDriverEntry = true;
        NtStatus s = callbacks.call(d.name, null, "DriverEntry", TraceEvent.argMap("driverObject", d.name,
                "registryPath", registryPath(d.name)),
                () -> entry.driverEntry(d), NtStatus.STATUS_UNSUCCESSFUL);
        d.inDriverEntry = false;
        if (s == null || !s.isSuccess()) {
            if (d.created) {
                d.deleteDriverObject(); // no EvtDriverUnload when DriverEntry fails (DL-5)
            }
            PortStatus failed = PortStatus.of(s == null ? NtStatus.STATUS_UNSUCCESSFUL : s);
            return d.createError == null ? failed : failed.because("WdfDriverCreate: " + d.createError);
        }
        if (!d.created) {
            verifier.report("DriverEntryWithoutWdfDriverCreate", 0x10D, d.name, null,
                    "DriverEntry returned " + s + " without a successful WdfDriverCreate");
            return PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL).because("DriverEntry did not call WdfDriverCreate");
        }
        drivers.put(driverObject, d);
        return PortStatus.of(s);
    }

    /** Devices EvtDriverDeviceAdd created whose IRP_MN_START_DEVICE has not come yet, by instance ID (PnP worker). */
    private final Map<String, FxDeviceImpl> added = new ConcurrentSkipListMap<>(String.CASE_INSENSITIVE_ORDER);

    /**
     * The RegistryPath DriverEntry receives: the driver's service key, named, as the NDIS and Storport ports name it,
     * after the driver bundle's symbolic name.
     */
    static String registryPath(String driverName) {
        return "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + driverName.split("/")[0];
    }

    @Override
    public PortStatus addDevice(DriverObject driverObject, DeviceNode node, DeviceResources resources) {
        FxDriverImpl d = drivers.get(driverObject);
        if (d == null || d.config.evtDriverDeviceAdd == null) {
            return PortStatus.of(NtStatus.STATUS_NOT_SUPPORTED).because("the driver has no EvtDriverDeviceAdd");
        }
        FxDeviceInitImpl init = new FxDeviceInitImpl(d, node, resources);
        var add = d.config.evtDriverDeviceAdd;
        NtStatus s = callbacks.call(d.name, node.instanceId(), "EvtDriverDeviceAdd",
                TraceEvent.argMap("driverHandle", d.label(), "deviceInit", "WDFDEVICE_INIT of " + node.instanceId()),
                () -> add.evtDriverDeviceAdd(d, init), NtStatus.STATUS_UNSUCCESSFUL);
        init.open = false;
        FxDeviceImpl device = init.created;
        if (s == null || !s.isSuccess() || device == null) {
            if (device != null) {
                device.delete();
            }
            return s == null || s.isSuccess() ? PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL).because("EvtDriverDeviceAdd "
                    + "returned success without WdfDeviceCreate") : PortStatus.of(s).because("EvtDriverDeviceAdd failed");
        }
        added.put(node.instanceId(), device);
        return PortStatus.SUCCESS;
    }

    /**
     * IRP_MN_START_DEVICE: the device EvtDriverDeviceAdd created goes through PrepareHardware and D0Entry (oracle (i)
     * steps 3 to 8); a device not added first is added here.
     */
    @Override
    public PortStatus startDevice(DriverObject driverObject, DeviceNode node, DeviceResources resources) {
        FxDeviceImpl stopped = devices.get(node.instanceId());
        if (stopped != null && stopped.state == FxDeviceImpl.State.Stopped) {
            NtStatus restarted = stopped.restart();
            if (!restarted.isSuccess()) {
                devices.remove(node.instanceId());
                return PortStatus.of(restarted).because("the device failed to restart after the rebalance");
            }
            return PortStatus.SUCCESS;
        }
        FxDeviceImpl device = added.remove(node.instanceId());
        if (device == null) {
            PortStatus add = addDevice(driverObject, node, resources);
            if (!add.isSuccess()) {
                return add;
            }
            device = added.remove(node.instanceId());
        }
        devices.put(node.instanceId(), device);
        NtStatus started = device.start();
        if (!started.isSuccess()) {
            devices.remove(node.instanceId());
            return PortStatus.of(started).because("the device failed to start");
        }
        return PortStatus.SUCCESS;
    }

    @Override
    public void removeDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.remove(node.instanceId());
        if (device != null) {
            device.remove(false);
        }
    }

    @Override
    public PortStatus queryRemoveDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        return device == null ? PortStatus.SUCCESS : PortStatus.of(device.queryRemove());
    }

    @Override
    public void cancelRemoveDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.cancelRemove();
        }
    }

    @Override
    public void powerDown(DriverObject driverObject, DeviceNode node, org.drvsim.kernel.SystemPowerState state) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.sleep();
        }
    }

    @Override
    public void powerUp(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.wake();
        }
    }

    @Override
    public void shutdown(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.shutdown();
        }
    }

    @Override
    public PortStatus queryStopDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        return device == null ? PortStatus.of(NtStatus.STATUS_NO_SUCH_DEVICE).because("no KMDF device " + node.instanceId())
                : PortStatus.of(device.queryStop());
    }

    @Override
    public void stopDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.stop();
        }
    }

    @Override
    public void surpriseRemoval(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.get(node.instanceId());
        if (device != null) {
            device.surpriseRemoved();
        }
    }

    @Override
    public void surpriseRemoveDevice(DriverObject driverObject, DeviceNode node) {
        FxDeviceImpl device = devices.remove(node.instanceId());
        if (device != null) {
            device.remove(true);
        }
    }

    @Override
    public void driverUnload(DriverObject driverObject) {
        FxDriverImpl d = drivers.remove(driverObject);
        if (d == null) {
            return;
        }
        var unload = d.config.evtDriverUnload;
        if (unload != null) {
            callbacks.callVoid(d.name, null, "EvtDriverUnload", TraceEvent.argMap("driverHandle", d.label()),
                    () -> unload.evtDriverUnload(d));
        }
        d.deleteDriverObject();
    }

    @Override
    public WdfDriverObject bind(org.drvsim.nt.DriverObject miniportDriverObject) {
        String name = miniportDriverObject.driverName();
        DriverObject driver = pnp == null ? null : pnp.driver(name).orElse(null);
        if (driver == null || !scheduler.onPnpWorker()) {
            throw new IllegalStateException("KMDF binds a miniport from its DriverEntry only; " + name
                    + " is not in DriverEntry");
        }
        FxDriverImpl d = FxDriverImpl.create(this, driver);
        d.inDriverEntry = true; // the miniport calls WdfDriverCreate from its DriverEntry
        FxDriverImpl old = miniports.put(driver, d);
        if (old != null && !old.unloaded) {
            old.deleteDriverObject();
        }
        pnp.addDependency(driver, model());
        trace.event(TraceEvent.Kind.PNP, name, null, "WdfLdrBindMiniport", TraceEvent.argMap("model", driver.model()));
        return d;
    }

    @Override
    public void driverIsolated(DriverObject driverObject) {
        FxDriverImpl d = drivers.remove(driverObject);
        FxDriverImpl m = miniports.remove(driverObject);
        for (FxDriverImpl x : new FxDriverImpl[] {d, m}) {
            if (x == null) {
                continue;
            }
            for (FxDeviceImpl dev : List.copyOf(devices.values())) {
                if (dev.drv() == x) {
                    devices.remove(dev.instanceId(), dev);
                    dev.isolate();
                }
            }
            x.unloaded = true; // a framework call from the hung driver's thread is reported and ignored
        }
    }

    /**
     * The KMDF miniport has unloaded (its MiniportDriverUnload returned) or failed in DriverEntry: a WDFDRIVER it
     * did not delete with WdfDriverMiniportUnload is reported and deleted now (spec DL-7).
     */
    @Override
    public void driverUnloaded(DriverObject driverObject) {
        FxDriverImpl d = miniports.remove(driverObject);
        if (d == null) {
            return;
        }
        if (d.created && !d.unloaded) {
            verifier.report("WdfDriverMiniportUnloadMissing", 0x10D, d.name, null,
                    "the miniport unloaded without calling WdfDriverMiniportUnload; the framework deletes its WDFDRIVER");
            d.deleteDriverObject();
        }
        devices.values().removeIf(dev -> dev.drv() == d);
    }

    /** A miniport device (WdfDeviceMiniportCreate) joins the framework's device list until it is deleted. */
    void miniportDeviceCreated(FxDeviceImpl device) {
        if (!device.instanceId().isEmpty()) {
            devices.put(device.instanceId(), device);
        }
    }

    void miniportDeviceDeleted(FxDeviceImpl device) {
        if (!device.instanceId().isEmpty()) {
            devices.remove(device.instanceId(), device);
        }
    }

    /**
     * WdfDeviceSetFailed (spec FA-7): the framework tells the PnP manager the device failed; the PnP manager removes it
     * as after a surprise removal and, for WdfDeviceFailedAttemptRestart, starts it again (with a retry limit). A
     * miniport device (no PnP node) is only removed by the framework.
     */
    void requestRemoval(FxDeviceImpl device, org.drvsim.wdf.WdfDeviceFailedAction action) {
        if (pnp != null && device.node != null) {
            pnp.deviceFailed(device.instanceId(), action == org.drvsim.wdf.WdfDeviceFailedAction.WdfDeviceFailedAttemptRestart,
                    "WdfDeviceSetFailed(" + action + ")");
            return;
        }
        scheduler.queuePnp("WdfDeviceSetFailed " + device.instanceId(), () -> {
            if (devices.remove(device.instanceId(), device)) {
                device.remove(true);
            }
        });
    }

    List<FxDeviceImpl> devices() {
        return new ArrayList<>(devices.values());
    }

    Optional<FxDeviceImpl> device(String instanceId) {
        return Optional.ofNullable(devices.get(instanceId));
    }
}
