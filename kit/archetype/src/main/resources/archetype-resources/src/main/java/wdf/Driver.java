package ${package};

import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.KmdfDriver;
import org.drvsim.wdf.KmdfDriverEntry;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfObjectAttributes;

/**
 * The KMDF driver: DriverEntry creates the WDFDRIVER with EvtDriverDeviceAdd and EvtDriverUnload. The framework
 * then adds a device for each device node whose hardware ID the annotation claims. The annotation is the driver's
 * INF: bnd writes the Drvsim-Driver manifest header from it and sets the bundle's activator. The documented call
 * order: spec/wdf-lifecycle.md of drvsim; "PnP and power management in KMDF drivers" (Windows docs).
 */
@KmdfDriver(hardwareIds = "ROOT\\MYDEVICE")
public final class Driver implements KmdfDriverEntry {
    // DriverEntry: PASSIVE_LEVEL, when the bundle starts; "DriverEntry for WDF Drivers". WdfDriverCreate first.
    @Override
    public NtStatus driverEntry(WdfDriverObject driverObject) {
        WdfDriverConfig config = WdfDriverConfig.init(Device::evtDriverDeviceAdd); // EvtDriverDeviceAdd: PASSIVE_LEVEL; EVT_WDF_DRIVER_DEVICE_ADD
        config.evtDriverUnload = Driver::evtDriverUnload;                           // EvtDriverUnload: PASSIVE_LEVEL; EVT_WDF_DRIVER_UNLOAD
        return driverObject.wdfDriverCreate(WdfObjectAttributes.none(), config).status();
    }

    // EvtDriverUnload: PASSIVE_LEVEL, after the last device is removed; EVT_WDF_DRIVER_UNLOAD. Nothing driver-wide to free.
    static void evtDriverUnload(WdfDriver driver) {
    }
}
