package ${package};

import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisDriverObject;
import org.drvsim.ndis.NdisMiniportDriver;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisStatus;

/**
 * The miniport driver: DriverEntry registers the handlers with NDIS, MiniportDriverUnload deregisters them.
 * The annotation is the driver's INF: bnd writes the Drvsim-Driver manifest header from it (entry class, model,
 * hardware IDs) and sets the bundle's activator, so that starting the bundle loads the driver.
 * The documented call order: spec/ndis-lifecycle.md of drvsim; "Writing NDIS miniport drivers" (Windows docs).
 */
@NdisMiniportDriver(hardwareIds = "ROOT\\MYNIC")
public final class Miniport implements MiniportDriverEntry {
    /** Set once NdisMRegisterMiniportDriver succeeded: MiniportDriverUnload undoes exactly that. */
    private boolean registered;

    // DriverEntry: PASSIVE_LEVEL, when the bundle starts; "DriverEntry of NDIS Miniport Drivers"
    @Override
    public NdisStatus driverEntry(NdisDriverObject driverObject) {
        NdisMiniportDriverCharacteristics<Adapter> chars = new NdisMiniportDriverCharacteristics<>(6, 30, 1, 0);
        chars.initializeHandlerEx = Adapter::initializeEx;             // MiniportInitializeEx: PASSIVE_LEVEL; MINIPORT_INITIALIZE
        chars.haltHandlerEx = Adapter::haltEx;                         // MiniportHaltEx: PASSIVE_LEVEL; MINIPORT_HALT
        chars.unloadHandler = this::driverUnload;                      // MiniportDriverUnload: PASSIVE_LEVEL; MINIPORT_UNLOAD
        chars.pauseHandler = Adapter::pause;                           // MiniportPause: PASSIVE_LEVEL; MINIPORT_PAUSE
        chars.restartHandler = Adapter::restart;                       // MiniportRestart: PASSIVE_LEVEL; MINIPORT_RESTART
        chars.oidRequestHandler = Adapter::oidRequest;                 // MiniportOidRequest: <= DISPATCH_LEVEL; MINIPORT_OID_REQUEST
        chars.cancelOidRequestHandler = Adapter::cancelOidRequest;     // MiniportCancelOidRequest: <= DISPATCH_LEVEL; MINIPORT_CANCEL_OID_REQUEST
        chars.sendNetBufferListsHandler = Adapter::sendNetBufferLists; // MiniportSendNetBufferLists: <= DISPATCH_LEVEL; MINIPORT_SEND_NET_BUFFER_LISTS
        chars.cancelSendHandler = Adapter::cancelSend;                 // MiniportCancelSend: <= DISPATCH_LEVEL; MINIPORT_CANCEL_SEND
        chars.returnNetBufferListsHandler = Adapter::returnNetBufferLists; // MiniportReturnNetBufferLists: <= DISPATCH_LEVEL; MINIPORT_RETURN_NET_BUFFER_LISTS
        chars.devicePnPEventNotifyHandler = Adapter::devicePnPEventNotify; // MiniportDevicePnPEventNotify: PASSIVE_LEVEL; MINIPORT_DEVICE_PNP_EVENT_NOTIFY
        chars.shutdownHandlerEx = Adapter::shutdownEx;                 // MiniportShutdownEx: PASSIVE_LEVEL for power-off; MINIPORT_SHUTDOWN
        NdisStatus status = driverObject.ndisMRegisterMiniportDriver(chars);
        registered = status == NdisStatus.NDIS_STATUS_SUCCESS;
        return status;
    }

    // MiniportDriverUnload: PASSIVE_LEVEL, after MiniportHaltEx of every adapter; MINIPORT_UNLOAD
    private void driverUnload(NdisDriverObject driverObject) {
        if (registered) {
            driverObject.ndisMDeregisterMiniportDriver();
            registered = false;
        }
    }
}
