package org.drvsim.drivers.ramdisk;

import org.drvsim.nt.InterfaceType;
import org.drvsim.nt.NtStatus;
import org.drvsim.storport.StorPortDriverObject;
import org.drvsim.storport.StorportMiniportDriver;
import org.drvsim.storport.StorportMiniportEntry;
import org.drvsim.storport.VirtualHwInitializationData;

/**
 * The ramdisk miniport's DriverEntry: a Storport virtual miniport (VIRTUAL_HW_INITIALIZATION_DATA,
 * AdapterInterfaceType Internal) whose logical units are backed by memory or by disk image files
 * (spec/storport-lifecycle.md sections 1 and 8: the skeleton of the WDK virtual miniport "mp").
 */
@StorportMiniportDriver(hardwareIds = "ROOT\\RAMDISK")
public final class RamdiskDriver implements StorportMiniportEntry {
    /** DriverEntry: PASSIVE_LEVEL on the PnP worker. */
    @Override
    public NtStatus driverEntry(StorPortDriverObject driverObject) {
        VirtualHwInitializationData<RamdiskAdapter> init = new VirtualHwInitializationData<>();
        init.adapterInterfaceType = InterfaceType.Internal;
        init.deviceExtension = RamdiskAdapter::new;
        init.hwFindAdapter = RamdiskAdapter::findAdapter;
        init.hwInitialize = RamdiskAdapter::initialize;
        init.hwStartIo = RamdiskStartIo::startIo;
        init.hwResetBus = RamdiskAdapter::resetBus;
        init.hwAdapterControl = RamdiskAdapter::adapterControl;
        init.hwFreeAdapterResources = RamdiskAdapter::freeAdapterResources;
        return driverObject.storPortInitialize(init);
    }
}
