package ${package};

import org.drvsim.nt.InterfaceType;
import org.drvsim.nt.NtStatus;
import org.drvsim.storport.StorPortDriverObject;
import org.drvsim.storport.StorportMiniportDriver;
import org.drvsim.storport.StorportMiniportEntry;
import org.drvsim.storport.VirtualHwInitializationData;

/**
 * The Storport virtual miniport driver: DriverEntry fills VIRTUAL_HW_INITIALIZATION_DATA with every required
 * routine and calls StorPortInitialize. The annotation is the driver's INF: bnd writes the Drvsim-Driver manifest
 * header from it and sets the bundle's activator. The documented call order: spec/storport-lifecycle.md of
 * drvsim; "Storport virtual miniport drivers" (Windows docs).
 */
@StorportMiniportDriver(hardwareIds = "ROOT\\MYDISK")
public final class Miniport implements StorportMiniportEntry {
    // DriverEntry: PASSIVE_LEVEL, when the bundle starts; "DriverEntry of Virtual Miniport Driver"
    @Override
    public NtStatus driverEntry(StorPortDriverObject driverObject) {
        VirtualHwInitializationData<Adapter> init = new VirtualHwInitializationData<>();
        init.adapterInterfaceType = InterfaceType.Internal;         // a virtual adapter
        init.deviceExtension = Adapter::new;                        // DeviceExtensionSize: one extension per adapter
        init.hwFindAdapter = Adapter::findAdapter;                  // VirtualHwStorFindAdapter: PASSIVE_LEVEL; HW_FIND_ADAPTER
        init.hwInitialize = Adapter::initialize;                    // HwStorInitialize: PASSIVE_LEVEL here; HW_INITIALIZE
        init.hwStartIo = Adapter::startIo;                          // HwStorStartIo: DISPATCH_LEVEL; HW_STARTIO
        init.hwResetBus = Adapter::resetBus;                        // HwStorResetBus: DISPATCH_LEVEL; HW_RESET_BUS
        init.hwAdapterControl = Adapter::adapterControl;            // HwStorAdapterControl: PASSIVE_LEVEL; HW_ADAPTER_CONTROL
        init.hwFreeAdapterResources = Adapter::freeAdapterResources; // HwStorFreeAdapterResources: PASSIVE_LEVEL, last; HW_FREE_ADAPTER_RESOURCES
        return driverObject.storPortInitialize(init);
    }
}
