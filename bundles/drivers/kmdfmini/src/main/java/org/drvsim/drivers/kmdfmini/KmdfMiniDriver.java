package org.drvsim.drivers.kmdfmini;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisDriverObject;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportDriver;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.wdf.KmdfMiniport;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfObjectAttributes;

/**
 * An NDIS miniport that uses KMDF as a library (spec/wdf-lifecycle.md oracle (vii); seed page
 * wdf-WdfDriverMiniportUnload): DriverEntry creates the WDFDRIVER with WdfDriverInitNoDispatchOverride, then
 * registers with NDIS; MiniportInitializeEx creates a miniport WDFDEVICE (and a context object under it);
 * MiniportHaltEx deletes that device (its children's cleanup callbacks, then its own); MiniportDriverUnload
 * calls NdisMDeregisterMiniportDriver, then WdfDriverMiniportUnload. Sends complete at once; it is a model of
 * the framework chain, not a network device.
 */
@NdisMiniportDriver(hardwareIds = "ROOT\\NETVMINI")
public final class KmdfMiniDriver implements MiniportDriverEntry {
    private WdfDriver wdf;
    private final Map<NdisMiniportAdapterHandle, WdfDevice> devices = new ConcurrentHashMap<>();

    static WdfObjectAttributes withCallbacks() {
        WdfObjectAttributes a = new WdfObjectAttributes();
        a.evtCleanupCallback = o -> { };
        a.evtDestroyCallback = o -> { };
        return a;
    }

    @Override
    public NdisStatus driverEntry(NdisDriverObject driverObject) {
        WdfDriverConfig config = new WdfDriverConfig(); // WDF_NO_EVENT_CALLBACK
        config.driverInitFlags = WdfDriverConfig.WdfDriverInitNoDispatchOverride;
        var created = KmdfMiniport.wdfDriverObject(driverObject).wdfDriverCreate(withCallbacks(), config);
        if (!created.isSuccess()) {
            return NdisStatus.NDIS_STATUS_FAILURE;
        }
        wdf = created.value();
        NdisMiniportDriverCharacteristics<NdisMiniportAdapterHandle> c = new NdisMiniportDriverCharacteristics<>(6, 30, 1, 0);
        c.initializeHandlerEx = this::initializeEx;
        c.haltHandlerEx = this::haltEx;
        c.unloadHandler = this::driverUnload;
        c.pauseHandler = (h, p) -> NdisStatus.NDIS_STATUS_SUCCESS;
        c.restartHandler = (h, p) -> NdisStatus.NDIS_STATUS_SUCCESS;
        c.oidRequestHandler = (h, r) -> NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
        c.cancelOidRequestHandler = (h, id) -> { };
        c.sendNetBufferListsHandler = (h, nbls, port, flags) -> h.ndisMSendNetBufferListsComplete(nbls, 0);
        c.cancelSendHandler = (h, id) -> { };
        c.returnNetBufferListsHandler = (h, nbls, flags) -> { };
        c.devicePnPEventNotifyHandler = (h, e) -> { };
        c.shutdownHandlerEx = (h, a) -> { };
        NdisStatus s = driverObject.ndisMRegisterMiniportDriver(c);
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            wdf.wdfDriverMiniportUnload(); // undo WdfDriverCreate, as sysvad does on its failure path
        }
        return s;
    }

    /** MiniportInitializeEx: the adapter's attributes, then its miniport WDFDEVICE and a context object. */
    private NdisStatus initializeEx(NdisMiniportAdapterHandle h, NdisMiniportInitParameters p) {
        h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, 0, NdisInterfaceType.NdisInterfaceInternal));
        byte[] mac = {0x02, 0x4B, 0x4D, 0, 0, (byte) p.ifIndex()};
        NdisStatus s = h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, 1500,
                1_000_000_000L, 1_000_000_000L, NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, 0x2F, 32, List.of()));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        var device = wdf.wdfDeviceMiniportCreate(withCallbacks(), h.instanceId());
        if (!device.isSuccess()) {
            return NdisStatus.NDIS_STATUS_RESOURCES;
        }
        WdfObjectAttributes child = withCallbacks();
        child.parentObject = device.value();
        wdf.wdfObjectCreate(child);
        devices.put(h, device.value());
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** MiniportHaltEx: deletes the adapter's miniport device (its children are cleaned up first). */
    private void haltEx(NdisMiniportAdapterHandle h, NdisHaltAction action) {
        WdfDevice d = devices.remove(h);
        if (d != null) {
            d.wdfObjectDelete();
        }
    }

    /** MiniportDriverUnload: NdisMDeregisterMiniportDriver, then WdfDriverMiniportUnload (oracle (vii)). */
    private void driverUnload(NdisDriverObject driverObject) {
        driverObject.ndisMDeregisterMiniportDriver();
        wdf.wdfDriverMiniportUnload();
    }
}
