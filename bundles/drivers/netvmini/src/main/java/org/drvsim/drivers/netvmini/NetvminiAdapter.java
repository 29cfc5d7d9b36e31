package org.drvsim.drivers.netvmini;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisDevicePnpEvent;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisMiniportPauseParameters;
import org.drvsim.ndis.NdisMiniportRestartParameters;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisShutdownAction;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisTimer;
import org.drvsim.ndis.NetBufferList;

/**
 * netvmini's adapter.c: one virtual adapter (the MP_ADAPTER context) and its PnP handlers:
 * initialize, pause, restart, halt, PnP event and shutdown. All of them run at PASSIVE_LEVEL on the
 * PnP worker; the fields the data path reads are volatile or atomic.
 */
final class NetvminiAdapter {
    static final int MTU = 1500;
    static final int HEADER_SIZE = 14;
    static final int MIN_FRAME_SIZE = 60;
    static final int MAX_MULTICAST = 32;
    static final long LINK_SPEED = 1_000_000_000L;
    static final int SUPPORTED_FILTERS = NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | NdisPacketType.NDIS_PACKET_TYPE_MULTICAST
            | NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST | NdisPacketType.NDIS_PACKET_TYPE_BROADCAST
            | NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS;
    static final List<Integer> SUPPORTED_OIDS = List.of(NdisOid.OID_GEN_SUPPORTED_LIST, NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE,
            NdisOid.OID_GEN_MAXIMUM_TOTAL_SIZE, NdisOid.OID_GEN_CURRENT_PACKET_FILTER, NdisOid.OID_GEN_CURRENT_LOOKAHEAD,
            NdisOid.OID_GEN_LINK_STATE, NdisOid.OID_GEN_STATISTICS, NdisOid.OID_802_3_PERMANENT_ADDRESS,
            NdisOid.OID_802_3_CURRENT_ADDRESS, NdisOid.OID_802_3_MULTICAST_LIST, NdisOid.OID_802_3_MAXIMUM_LIST_SIZE);

    final NetvminiDriver driver;
    final NdisMiniportAdapterHandle handle;
    final byte[] permanentAddress;
    final byte[] currentAddress;
    volatile int packetFilter;
    volatile byte[][] multicastList = new byte[0][];
    volatile int lookahead = MTU;
    /** MP_IS_READY: attached to the hub, not pausing, paused, halting or surprise-removed. */
    volatile boolean ready;
    volatile boolean surpriseRemoved;
    /** Sends handed to the hub whose completion DPC has not run yet. */
    final AtomicInteger pendingSends = new AtomicInteger();
    /** Set while a pause waits for pendingSends to drain (then NdisMPauseComplete). */
    volatile boolean pausePending;
    /** Serialises receive indications against pause: no indication after Pause returns. */
    final Object receiveLock = new Object();
    /** How long a frame takes to leave the virtual wire before its send completes (the sample's send timer). */
    static final Duration SEND_COMPLETE_DELAY = Duration.ofMillis(1);
    /** Sent NBLs waiting for the send-complete timer. */
    final Queue<NetBufferList> sendCompleteQueue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean sendCompleteTimerArmed = new AtomicBoolean();
    /** The send-complete timer (allocated in InitializeEx, freed in HaltEx). */
    NdisTimer sendCompleteTimer;

    final AtomicLong inDiscards = new AtomicLong();
    final AtomicLong inOctets = new AtomicLong();
    final AtomicLong inUcast = new AtomicLong();
    final AtomicLong inMcast = new AtomicLong();
    final AtomicLong inBcast = new AtomicLong();
    final AtomicLong outOctets = new AtomicLong();
    final AtomicLong outUcast = new AtomicLong();
    final AtomicLong outMcast = new AtomicLong();
    final AtomicLong outBcast = new AtomicLong();
    final AtomicLong outErrors = new AtomicLong();

    private NetvminiAdapter(NetvminiDriver driver, NdisMiniportAdapterHandle handle, byte[] mac) {
        this.driver = driver;
        this.handle = handle;
        this.permanentAddress = mac.clone();
        this.currentAddress = mac.clone();
    }

    /**
     * MiniportInitializeEx: reads the MAC address from the configuration keyword {@code NetvminiMacAddress}
     * (12 hex digits), else makes a locally administered 02-50-F2-00-00-nn from the interface index (the
     * sample uses tick bytes; a deterministic address keeps runs reproducible). Sets the registration then
     * the general attributes (spec section 3.1). The packet filter starts at 0.
     */
    static NdisStatus initializeEx(NetvminiDriver driver, NdisMiniportAdapterHandle handle, NdisMiniportInitParameters p) {
        byte[] mac;
        String configured = p.configuration().get("NetvminiMacAddress");
        if (configured != null) {
            try {
                mac = HexFormat.of().parseHex(configured.replace("-", "").replace(":", ""));
            } catch (IllegalArgumentException e) {
                return NdisStatus.NDIS_STATUS_INVALID_DATA;
            }
            if (mac.length != 6) {
                return NdisStatus.NDIS_STATUS_INVALID_DATA;
            }
        } else {
            // the interface index in the last three bytes: unique on the hub for 16 million adapters
            int i = p.ifIndex();
            mac = new byte[] {0x02, 0x50, (byte) 0xF2, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
        }
        NetvminiAdapter adapter = new NetvminiAdapter(driver, handle, mac);
        NdisStatus s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(adapter,
                NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK
                        | NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM,
                0, NdisInterfaceType.NdisInterfaceInternal));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, MTU,
                LINK_SPEED, LINK_SPEED, NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, SUPPORTED_FILTERS, MAX_MULTICAST,
                SUPPORTED_OIDS));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        // Allocated last, so a failure above leaves nothing to free.
        adapter.sendCompleteTimer = handle.ndisAllocateTimerObject("netvmini send complete",
                () -> NetvminiDataPath.sendCompleteTimer(adapter));
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** MiniportRestart: NICStartTheDatapath attaches to the hub. Never pends. */
    static NdisStatus restart(NetvminiAdapter a, NdisMiniportRestartParameters params) {
        synchronized (a.receiveLock) {
            a.ready = true;
        }
        a.driver.hub.attach(a);
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /**
     * MiniportPause: NICStopTheDatapath detaches from the hub and stops receive indications; returns
     * PENDING while sends are still with the hub, and the last send completion calls NdisMPauseComplete.
     */
    static NdisStatus pause(NetvminiAdapter a, NdisMiniportPauseParameters params) {
        a.driver.hub.detach(a);
        synchronized (a.receiveLock) {
            a.ready = false;
        }
        synchronized (a.pendingSends) {
            if (a.pendingSends.get() == 0) {
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            a.pausePending = true;
            return NdisStatus.NDIS_STATUS_PENDING;
        }
    }

    /** Called by the data path after a send completion; completes a pended pause once none is left. */
    void sendCompleted() {
        synchronized (pendingSends) {
            if (pendingSends.decrementAndGet() == 0 && pausePending) {
                pausePending = false;
                handle.ndisMPauseComplete();
            }
        }
    }

    /** MiniportHaltEx: detach (already done by pause) and forget the adapter; the sample ignores HaltAction. */
    static void haltEx(NetvminiAdapter a, NdisHaltAction action) {
        a.driver.hub.detach(a);
        synchronized (a.receiveLock) {
            a.ready = false;
        }
        // Undo InitializeEx in reverse: the only resource it allocated is the send-complete timer.
        a.sendCompleteTimer.ndisFreeTimerObject();
    }

    /** MiniportDevicePnPEventNotify: remembers a surprise removal. */
    static void devicePnPEventNotify(NetvminiAdapter a, NdisDevicePnpEvent event) {
        if (event == NdisDevicePnpEvent.NdisDevicePnPEventSurpriseRemoved) {
            a.surpriseRemoved = true;
        }
    }

    /** MiniportShutdownEx: nothing to put in a known state; a virtual adapter has no hardware. */
    static void shutdownEx(NetvminiAdapter a, NdisShutdownAction action) {
        a.ready = false;
    }
}
