package org.drvsim.drivers.netvmini;

import java.util.Arrays;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.NetBufferList;

/**
 * netvmini's datapath.c: send, receive filter, receive indication and return (spec/ndis-lifecycle.md
 * section 10). A sent frame is checked, copied, padded to 60 bytes and delivered to every other adapter
 * on the hub; the send completes from the adapter's send-complete timer ({@link
 * NetvminiAdapter#SEND_COMPLETE_DELAY} later), as the sample completes sends from a timer. A receiver filters the frame by
 * its packet filter and indicates it from a DPC on its own processor, at DISPATCH_LEVEL, with
 * NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL|NDIS_RECEIVE_FLAGS_PERFECT_FILTERED (never RESOURCES).
 */
final class NetvminiDataPath {
    private NetvminiDataPath() {
    }

    /** MiniportSendNetBufferLists: at most DISPATCH_LEVEL, only while Running (NDIS guarantees it). */
    static void sendNetBufferLists(NetvminiAdapter a, NetBufferList nbls, int portNumber, int sendFlags) {
        for (NetBufferList nbl = nbls, next; nbl != null; nbl = next) {
            next = nbl.next;
            nbl.next = null;
            NdisStatus status = NdisStatus.NDIS_STATUS_SUCCESS;
            for (NetBuffer nb = nbl.firstNetBuffer; nb != null; nb = nb.next) {
                if (nb.dataLength() < NetvminiAdapter.HEADER_SIZE
                        || nb.dataLength() > NetvminiAdapter.MTU + NetvminiAdapter.HEADER_SIZE) {
                    status = NdisStatus.NDIS_STATUS_INVALID_DATA;
                    a.outErrors.incrementAndGet();
                    continue;
                }
                byte[] frame = nb.copyData();
                count(frame, a.outOctets, a.outUcast, a.outMcast, a.outBcast);
                if (frame.length < NetvminiAdapter.MIN_FRAME_SIZE) {
                    frame = Arrays.copyOf(frame, NetvminiAdapter.MIN_FRAME_SIZE); // zero padding, as the sample pads
                }
                a.driver.hub.deliverToEveryAdapter(a, frame);
            }
            nbl.status = status;
            a.pendingSends.incrementAndGet();
            a.sendCompleteQueue.add(nbl);
        }
        if (a.sendCompleteTimerArmed.compareAndSet(false, true)) {
            a.sendCompleteTimer.ndisSetTimerObject(NetvminiAdapter.SEND_COMPLETE_DELAY);
        }
    }

    /**
     * The send-complete timer function (DISPATCH_LEVEL): completes every queued send in one chain, in the
     * order sent, then lets a pended pause complete.
     */
    static void sendCompleteTimer(NetvminiAdapter a) {
        a.sendCompleteTimerArmed.set(false);
        java.util.List<NetBufferList> done = new java.util.ArrayList<>();
        for (NetBufferList n; (n = a.sendCompleteQueue.poll()) != null; ) {
            done.add(n);
        }
        if (done.isEmpty()) {
            return;
        }
        a.handle.ndisMSendNetBufferListsComplete(NetBufferList.link(done),
                NdisMiniportAdapterHandle.NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
        for (int i = 0; i < done.size(); i++) {
            a.sendCompleted();
        }
    }

    /** MiniportCancelSend: sends never wait in a queue here, so there is nothing to cancel. */
    static void cancelSend(NetvminiAdapter a, long cancelId) {
    }

    /** MiniportReturnNetBufferLists: the frames were copies; dropping the NBLs frees them. */
    static void returnNetBufferLists(NetvminiAdapter a, NetBufferList nbls, int returnFlags) {
    }

    /** Queues the receive DPC of {@code receiver} for one frame (called on the sender's thread). */
    static void deliver(NetvminiAdapter receiver, byte[] frame) {
        receiver.handle.dpcExecutor().execute(() -> receive(receiver, frame));
    }

    /** The receive DPC: DISPATCH_LEVEL on the receiver's processor. */
    private static void receive(NetvminiAdapter r, byte[] frame) {
        synchronized (r.receiveLock) {
            if (!r.ready || !accepts(r, frame)) {
                r.inDiscards.incrementAndGet();
                return;
            }
            count(frame, r.inOctets, r.inUcast, r.inMcast, r.inBcast);
            NetBufferList nbl = NetBufferList.of(frame);
            nbl.sourceHandle = r.handle;
            r.handle.ndisMIndicateReceiveNetBufferLists(nbl, 0, 1,
                    NdisMiniportAdapterHandle.NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL
                            | NdisMiniportAdapterHandle.NDIS_RECEIVE_FLAGS_PERFECT_FILTERED);
        }
    }

    /**
     * The receive filter: PROMISCUOUS takes everything; broadcast needs BROADCAST; multicast needs
     * ALL_MULTICAST, or MULTICAST and a hit in the list; unicast needs DIRECTED and the current address.
     */
    static boolean accepts(NetvminiAdapter r, byte[] frame) {
        int filter = r.packetFilter;
        if ((filter & NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS) != 0) {
            return true;
        }
        if (isBroadcast(frame)) {
            return (filter & NdisPacketType.NDIS_PACKET_TYPE_BROADCAST) != 0;
        }
        if (isMulticast(frame)) {
            if ((filter & NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST) != 0) {
                return true;
            }
            if ((filter & NdisPacketType.NDIS_PACKET_TYPE_MULTICAST) != 0) {
                for (byte[] m : r.multicastList) {
                    if (Arrays.equals(m, 0, 6, frame, 0, 6)) {
                        return true;
                    }
                }
            }
            return false;
        }
        return (filter & NdisPacketType.NDIS_PACKET_TYPE_DIRECTED) != 0
                && Arrays.equals(r.currentAddress, 0, 6, frame, 0, 6);
    }

    static boolean isBroadcast(byte[] f) {
        for (int i = 0; i < 6; i++) {
            if (f[i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    static boolean isMulticast(byte[] f) {
        return (f[0] & 1) != 0;
    }

    private static void count(byte[] f, java.util.concurrent.atomic.AtomicLong octets, java.util.concurrent.atomic.AtomicLong ucast,
                              java.util.concurrent.atomic.AtomicLong mcast, java.util.concurrent.atomic.AtomicLong bcast) {
        octets.addAndGet(f.length);
        (isBroadcast(f) ? bcast : isMulticast(f) ? mcast : ucast).incrementAndGet();
    }
}
