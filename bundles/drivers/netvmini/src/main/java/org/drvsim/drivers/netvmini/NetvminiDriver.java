package org.drvsim.drivers.netvmini;

import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisDriverObject;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportDriver;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisStatus;

/**
 * netvmini's miniport.c: DriverEntry and MiniportDriverUnload. DriverEntry fills the NDIS 6.30
 * characteristics and registers; unload undoes exactly what DriverEntry did, in reverse (the
 * recorded-steps pattern of the Windows sample).
 *
 * <p>Unlike the Windows sample, this driver registers no CheckForHangEx/ResetEx: the NDIS documentation
 * says a virtual miniport must leave them NULL (spec/ndis-lifecycle.md section 9, "sample vs docs").
 */
@NdisMiniportDriver(hardwareIds = "ROOT\\NETVMINI")
public final class NetvminiDriver implements MiniportDriverEntry {
    /** Steps of DriverEntry that succeeded, undone in reverse by unload (netvmini's flags). */
    private boolean registered;
    /** The virtual hub every adapter of this driver plugs into (the sample's global AdapterList). */
    final NetvminiHub hub = new NetvminiHub();

    /** Runs at PASSIVE_LEVEL on the PnP worker. */
    @Override
    public NdisStatus driverEntry(NdisDriverObject driverObject) {
        NdisMiniportDriverCharacteristics<NetvminiAdapter> chars = new NdisMiniportDriverCharacteristics<>(6, 30, 1, 0);
        chars.initializeHandlerEx = this::initializeEx;
        chars.haltHandlerEx = NetvminiAdapter::haltEx;
        chars.unloadHandler = this::driverUnload;
        chars.pauseHandler = NetvminiAdapter::pause;
        chars.restartHandler = NetvminiAdapter::restart;
        chars.oidRequestHandler = NetvminiOids::oidRequest;
        chars.cancelOidRequestHandler = NetvminiOids::cancelOidRequest;
        chars.sendNetBufferListsHandler = NetvminiDataPath::sendNetBufferLists;
        chars.cancelSendHandler = NetvminiDataPath::cancelSend;
        chars.returnNetBufferListsHandler = NetvminiDataPath::returnNetBufferLists;
        chars.devicePnPEventNotifyHandler = NetvminiAdapter::devicePnPEventNotify;
        chars.shutdownHandlerEx = NetvminiAdapter::shutdownEx;
        NdisStatus status = driverObject.ndisMRegisterMiniportDriver(chars);
        if (status == NdisStatus.NDIS_STATUS_SUCCESS) {
            registered = true;
        }
        return status;
    }

    /** MiniportInitializeEx: PASSIVE_LEVEL on the PnP worker. */
    private NdisStatus initializeEx(NdisMiniportAdapterHandle handle, NdisMiniportInitParameters params) {
        return NetvminiAdapter.initializeEx(this, handle, params);
    }

    /** MiniportDriverUnload: PASSIVE_LEVEL, after MiniportHaltEx for every adapter. */
    private void driverUnload(NdisDriverObject driverObject) {
        if (registered) {
            driverObject.ndisMDeregisterMiniportDriver();
            registered = false;
        }
    }
}
