package org.drvsim.wdf.internal;

import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfObject;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfResult;

/**
 * WDFDRIVER and the DriverEntry-time WdfDriverCreate (spec/wdf-lifecycle.md section 1). Before WdfDriverCreate
 * this object only plays the DRIVER_OBJECT; {@link #created} says whether the WDFDRIVER exists.
 */
final class FxDriverImpl extends FxObject implements WdfDriver, WdfDriverObject {
    final WdfPort port;
    final DriverObject driverObject;
    final String name;
    final Object treeLock;
    volatile WdfDriverConfig config;
    volatile boolean created;
    volatile boolean inDriverEntry;
    volatile boolean unloaded;
    /** Why the last WdfDriverCreate failed, in words; null after a success. */
    volatile String createError;

    private FxDriverImpl(WdfPort port, DriverObject driverObject, Object treeLock, WdfObjectAttributes attributes) {
        super(null, "WDFDRIVER", attributes, null, false);
        this.port = port;
        this.driverObject = driverObject;
        this.name = driverObject.name();
        this.treeLock = treeLock;
    }

    static FxDriverImpl create(WdfPort port, DriverObject driverObject) {
        return new FxDriverImpl(port, driverObject, new Object(), WdfObjectAttributes.none());
    }

    // FxObject's fields 'driver' would be this object itself; route through accessors below.
    @Override
    String deviceId() {
        return "";
    }

    boolean noDispatchOverride() {
        return config != null && (config.driverInitFlags & WdfDriverConfig.WdfDriverInitNoDispatchOverride) != 0;
    }

    /** Reports a framework call after WdfDriverMiniportUnload or driver unload. */
    boolean checkAlive(String ddi, String device) {
        if (unloaded) {
            port.verifier.report("WdfCallAfterDriverUnload", 0x10D, name, device,
                    ddi + " called after the WDFDRIVER was deleted (WdfDriverMiniportUnload or unload)");
            return false;
        }
        return true;
    }

    @Override
    public String driverName() {
        return name;
    }

    @Override
    public WdfResult<WdfDriver> wdfDriverCreate(WdfObjectAttributes driverAttributes, WdfDriverConfig driverConfig) {
        port.callbacks.checkIrql(name, null, "WdfDriverCreate", Irql.PASSIVE_LEVEL);
        NtStatus s = NtStatus.STATUS_INVALID_PARAMETER;
        String why = null;
        if (created) {
            s = NtStatus.STATUS_DRIVER_INTERNAL_ERROR;
            why = "WdfDriverCreate was already called";
        } else if (!inDriverEntry) {
            why = "WdfDriverCreate is called from DriverEntry only";
        } else if (driverConfig == null) {
            why = "DriverConfig is null";
        } else if (driverAttributes != null && driverAttributes.parentObject != null) {
            why = "the WDFDRIVER cannot have a ParentObject";
        } else if ((driverConfig.driverInitFlags & ~0x1F) != 0) {
            why = String.format("DriverInitFlags has unknown bits 0x%X", driverConfig.driverInitFlags & ~0x1F);
        } else if ((driverConfig.driverInitFlags & WdfDriverConfig.WdfDriverInitNoDispatchOverride) == 0
                && (driverConfig.driverInitFlags & WdfDriverConfig.WdfDriverInitNonPnpDriver) != 0
                && driverConfig.evtDriverDeviceAdd != null) {
            why = "a WdfDriverInitNonPnpDriver driver has no EvtDriverDeviceAdd";
        } else {
            s = NtStatus.STATUS_SUCCESS;
        }
        createError = why;
        port.trace.ddi(name, null, "WdfDriverCreate", TraceEvent.argMap("driverInitFlags",
                driverConfig == null ? null : flags(driverConfig.driverInitFlags), "status", s, "reason", why));
        if (why != null) {
            java.util.logging.Logger.getLogger(FxDriverImpl.class.getName()).warning("drvsim: " + name
                    + ": WdfDriverCreate returned " + s + ": " + why);
        }
        if (!s.isSuccess()) {
            return new WdfResult<>(s, null);
        }
        WdfDriverConfig copy = new WdfDriverConfig();
        copy.driverInitFlags = driverConfig.driverInitFlags;
        copy.driverPoolTag = driverConfig.driverPoolTag;
        // With NoDispatchOverride the framework does not record DeviceAdd or Unload (spec DL-4).
        boolean nodo = (driverConfig.driverInitFlags & WdfDriverConfig.WdfDriverInitNoDispatchOverride) != 0;
        copy.evtDriverDeviceAdd = nodo ? null : driverConfig.evtDriverDeviceAdd;
        copy.evtDriverUnload = nodo ? null : driverConfig.evtDriverUnload;
        config = copy;
        if (driverAttributes != null) {
            this.driverAttributes = driverAttributes;
        }
        this.miniportUnloadHandler = nodo ? driverConfig.evtDriverUnload : null;
        created = true;
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, this);
    }

    /** The attributes given to WdfDriverCreate (cleanup and destroy of the driver object). */
    volatile WdfObjectAttributes driverAttributes = WdfObjectAttributes.none();
    /** EvtDriverUnload of a NoDispatchOverride driver: called by WdfDriverMiniportUnload only with the switch on. */
    volatile WdfDriverConfig.EvtDriverUnload miniportUnloadHandler;

    static String flags(int f) {
        StringBuilder b = new StringBuilder();
        if ((f & WdfDriverConfig.WdfDriverInitNonPnpDriver) != 0) {
            b.append("WdfDriverInitNonPnpDriver|");
        }
        if ((f & WdfDriverConfig.WdfDriverInitNoDispatchOverride) != 0) {
            b.append("WdfDriverInitNoDispatchOverride|");
        }
        if ((f & ~0x3) != 0) {
            b.append(String.format("0x%X|", f & ~0x3));
        }
        return b.length() == 0 ? "0" : b.substring(0, b.length() - 1);
    }

    @Override
    public WdfResult<WdfObject> wdfObjectCreate(WdfObjectAttributes attributes) {
        if (!checkAlive("WdfObjectCreate", "")) {
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        FxObject parent = attributes != null && attributes.parentObject instanceof FxObject p ? p : this;
        FxObject o = new FxObject(this, "WDFOBJECT", attributes, parent, true);
        port.trace.ddi(name, o.deviceId(), "WdfObjectCreate", TraceEvent.argMap("object", o.label(), "parentObject", parent.label()));
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, o);
    }

    @Override
    public WdfResult<WdfDevice> wdfDeviceMiniportCreate(WdfObjectAttributes attributes, String deviceName) {
        if (!checkAlive("WdfDeviceMiniportCreate", deviceName)) {
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        if (!noDispatchOverride()) {
            port.trace.ddi(name, deviceName, "WdfDeviceMiniportCreate",
                    TraceEvent.argMap("status", NtStatus.STATUS_INVALID_DEVICE_REQUEST));
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_REQUEST, null);
        }
        FxDeviceImpl d = FxDeviceImpl.miniport(this, attributes, deviceName);
        port.miniportDeviceCreated(d);
        port.trace.ddi(name, deviceName, "WdfDeviceMiniportCreate", TraceEvent.argMap("deviceHandle", d.label(),
                "status", NtStatus.STATUS_SUCCESS));
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, d);
    }

    @Override
    public void wdfDriverMiniportUnload() {
        port.callbacks.checkIrql(name, null, "WdfDriverMiniportUnload", Irql.PASSIVE_LEVEL);
        port.trace.ddi(name, null, "WdfDriverMiniportUnload", TraceEvent.argMap());
        if (!checkAlive("WdfDriverMiniportUnload", "")) {
            return;
        }
        if (!noDispatchOverride()) {
            port.verifier.report("WdfDriverMiniportUnloadWithoutNoDispatchOverride", 0x10D, name, null,
                    "WdfDriverMiniportUnload by a driver not created with WdfDriverInitNoDispatchOverride");
        }
        if (port.miniportUnloadCallsEvtDriverUnload && miniportUnloadHandler != null) {
            var h = miniportUnloadHandler;
            port.callbacks.callVoid(name, null, "EvtDriverUnload", TraceEvent.argMap("driverHandle", label()),
                    () -> h.evtDriverUnload(this));
        }
        deleteDriverObject();
    }

    /** Deletes the WDFDRIVER: children's cleanups, the driver's cleanup, then destroys (spec DL-5, DL-6). */
    void deleteDriverObject() {
        applyDriverAttributes();
        delete();
        unloaded = true;
    }

    private void applyDriverAttributes() {
        attributes.evtCleanupCallback = driverAttributes.evtCleanupCallback;
        attributes.evtDestroyCallback = driverAttributes.evtDestroyCallback;
    }
}
