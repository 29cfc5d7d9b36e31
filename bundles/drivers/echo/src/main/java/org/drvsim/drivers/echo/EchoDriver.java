package org.drvsim.drivers.echo;

import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.KmdfDriver;
import org.drvsim.wdf.KmdfDriverEntry;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfObjectAttributes;

/**
 * The echo driver's DriverEntry: WDF_DRIVER_CONFIG_INIT with EchoEvtDeviceAdd, as the KMDF echo sample
 * (spec/wdf-lifecycle.md section 6) does, for the simulated PCI echo DMA device.
 */
@KmdfDriver(hardwareIds = "PCI\\VEN_1414&DEV_EC40")
public final class EchoDriver implements KmdfDriverEntry {
    @Override
    public NtStatus driverEntry(WdfDriverObject driverObject) {
        WdfDriverConfig config = WdfDriverConfig.init(EchoDevice::evtDeviceAdd);
        return driverObject.wdfDriverCreate(WdfObjectAttributes.none(), config).status();
    }
}
