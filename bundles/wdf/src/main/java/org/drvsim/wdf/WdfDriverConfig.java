package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/** WDF_DRIVER_CONFIG (spec/wdf-lifecycle.md DL-1 to DL-4). */
public final class WdfDriverConfig {
    /** WdfDriverInitNonPnpDriver. */
    public static final int WdfDriverInitNonPnpDriver = 0x1;
    /** WdfDriverInitNoDispatchOverride: the port driver (NDIS, Storport) owns IRP dispatch, PnP and power. */
    public static final int WdfDriverInitNoDispatchOverride = 0x2;

    /** EvtDriverDeviceAdd: PASSIVE_LEVEL on the PnP worker when a claimed device arrives. */
    @ConsumerType @FunctionalInterface
    public interface EvtDriverDeviceAdd { NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit); }

    /** EvtDriverUnload: PASSIVE_LEVEL, after the last device is removed. */
    @ConsumerType @FunctionalInterface
    public interface EvtDriverUnload { void evtDriverUnload(WdfDriver driver); }

    public EvtDriverDeviceAdd evtDriverDeviceAdd;
    public EvtDriverUnload evtDriverUnload;
    public int driverInitFlags;
    public int driverPoolTag;

    /** WDF_DRIVER_CONFIG_INIT(&config, EvtDriverDeviceAdd). */
    public static WdfDriverConfig init(EvtDriverDeviceAdd deviceAdd) {
        WdfDriverConfig c = new WdfDriverConfig();
        c.evtDriverDeviceAdd = deviceAdd;
        return c;
    }
}
