package ${package};

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.drvsim.ndis.NdisDevicePnpEvent;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisMiniportPauseParameters;
import org.drvsim.ndis.NdisMiniportRestartParameters;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisShutdownAction;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisTimer;
import org.drvsim.ndis.NetBufferList;

/**
 * One adapter (the MiniportAdapterContext): an Ethernet adapter without hardware that completes every send
 * from a timer, as netvmini does. MiniportInitializeEx acquires (attributes, then the send-complete timer) and
 * MiniportHaltEx releases in reverse order; the verifier reports a timer still allocated after MiniportHaltEx.
 */
final class Adapter {
    static final int MTU = 1500;
    static final long LINK_SPEED = 1_000_000_000L;
    static final int SUPPORTED_FILTERS = NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | NdisPacketType.NDIS_PACKET_TYPE_MULTICAST
            | NdisPacketType.NDIS_PACKET_TYPE_BROADCAST | NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS;

    final NdisMiniportAdapterHandle handle;
    final byte[] mac;
    /** Sends waiting for the send-complete timer; the timer completes them at DISPATCH_LEVEL. */
    final ConcurrentLinkedQueue<NetBufferList> sendsToComplete = new ConcurrentLinkedQueue<>();
    volatile int packetFilter;
    /** Acquired last in MiniportInitializeEx, released first in MiniportHaltEx. */
    NdisTimer sendCompleteTimer;

    private Adapter(NdisMiniportAdapterHandle handle, byte[] mac) {
        this.handle = handle;
        this.mac = mac;
    }

    // MiniportInitializeEx: PASSIVE_LEVEL; MINIPORT_INITIALIZE. On failure release what was acquired: no HaltEx follows.
    static NdisStatus initializeEx(NdisMiniportAdapterHandle handle, NdisMiniportInitParameters params) {
        int ifIndex = params.ifIndex(); // a locally administered address, unique per interface index
        byte[] mac = {0x02, 0x00, 0x4C, (byte) (ifIndex >>> 16), (byte) (ifIndex >>> 8), (byte) ifIndex};
        Adapter adapter = new Adapter(handle, mac);
        NdisStatus s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(adapter,
                NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK, 0,
                NdisInterfaceType.NdisInterfaceInternal));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, MTU,
                LINK_SPEED, LINK_SPEED, NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, SUPPORTED_FILTERS, 32,
                List.of(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE,
                        NdisOid.OID_802_3_CURRENT_ADDRESS)));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        adapter.sendCompleteTimer = handle.ndisAllocateTimerObject("send complete",
                () -> adapter.completeSends(NdisMiniportAdapterHandle.NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL));
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    // MiniportHaltEx: PASSIVE_LEVEL, from Paused with nothing outstanding; MINIPORT_HALT. Undo InitializeEx in reverse.
    static void haltEx(Adapter adapter, NdisHaltAction haltAction) {
        adapter.sendCompleteTimer.ndisFreeTimerObject();
        adapter.sendCompleteTimer = null;
    }

    // MiniportPause: PASSIVE_LEVEL; MINIPORT_PAUSE. Complete every send before the pause completes.
    static NdisStatus pause(Adapter adapter, NdisMiniportPauseParameters pauseParameters) {
        adapter.completeSends(0);
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    // MiniportRestart: PASSIVE_LEVEL; MINIPORT_RESTART
    static NdisStatus restart(Adapter adapter, NdisMiniportRestartParameters restartParameters) {
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    // MiniportOidRequest: <= DISPATCH_LEVEL; MINIPORT_OID_REQUEST
    static NdisStatus oidRequest(Adapter adapter, NdisOidRequest request) {
        int oid = request.oid();
        if (request.requestType().isQuery()) {
            return switch (oid) {
                case NdisOid.OID_GEN_CURRENT_PACKET_FILTER -> request.complete(adapter.packetFilter);
                case NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE -> request.complete(MTU);
                case NdisOid.OID_802_3_CURRENT_ADDRESS -> request.complete(adapter.mac);
                default -> NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
            };
        }
        if (oid == NdisOid.OID_GEN_CURRENT_PACKET_FILTER) {
            int filter = request.informationBufferAsInt();
            if ((filter & ~SUPPORTED_FILTERS) != 0) {
                return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
            }
            adapter.packetFilter = filter;
            return NdisStatus.NDIS_STATUS_SUCCESS;
        }
        return NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
    }

    // MiniportCancelOidRequest: <= DISPATCH_LEVEL; MINIPORT_CANCEL_OID_REQUEST. Every OID completes at once: nothing to cancel.
    static void cancelOidRequest(Adapter adapter, long requestId) {
    }

    // MiniportSendNetBufferLists: <= DISPATCH_LEVEL, only while Running; MINIPORT_SEND_NET_BUFFER_LISTS
    static void sendNetBufferLists(Adapter adapter, NetBufferList netBufferLists, int portNumber, int sendFlags) {
        for (NetBufferList nbl : NetBufferList.chain(netBufferLists)) {
            nbl.next = null;
            nbl.status = NdisStatus.NDIS_STATUS_SUCCESS;
            adapter.sendsToComplete.add(nbl);
        }
        adapter.sendCompleteTimer.ndisSetTimerObject(Duration.ZERO);
    }

    /**
     * Returns every queued send to NDIS: from the send-complete timer (DISPATCH_LEVEL) or from MiniportPause
     * (PASSIVE_LEVEL).
     *
     * @param sendCompleteFlags NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL when called at DISPATCH_LEVEL, else 0
     */
    void completeSends(int sendCompleteFlags) {
        NetBufferList nbl;
        while ((nbl = sendsToComplete.poll()) != null) {
            handle.ndisMSendNetBufferListsComplete(nbl, sendCompleteFlags);
        }
    }

    // MiniportCancelSend: <= DISPATCH_LEVEL; MINIPORT_CANCEL_SEND. Sends complete promptly: nothing to cancel.
    static void cancelSend(Adapter adapter, long cancelId) {
    }

    // MiniportReturnNetBufferLists: <= DISPATCH_LEVEL; MINIPORT_RETURN_NET_BUFFER_LISTS. This adapter indicates nothing.
    static void returnNetBufferLists(Adapter adapter, NetBufferList netBufferLists, int returnFlags) {
    }

    // MiniportDevicePnPEventNotify: PASSIVE_LEVEL; MINIPORT_DEVICE_PNP_EVENT_NOTIFY
    static void devicePnPEventNotify(Adapter adapter, NdisDevicePnpEvent event) {
    }

    // MiniportShutdownEx: PASSIVE_LEVEL for power-off; MINIPORT_SHUTDOWN. Leave the hardware quiet; no HaltEx follows.
    static void shutdownEx(Adapter adapter, NdisShutdownAction shutdownAction) {
    }
}
