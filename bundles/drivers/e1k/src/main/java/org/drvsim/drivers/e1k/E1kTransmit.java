package org.drvsim.drivers.e1k;

import static org.drvsim.drivers.e1k.E1kHardware.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.drvsim.ndis.NdisDmaHandle;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisSharedMemory;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.NetBufferList;
import org.drvsim.ndis.ScatterGatherList;
import org.drvsim.nt.Irql;

/**
 * The transmit path (an e1000 driver's {@code e1000_xmit_frame} and {@code e1000_clean_tx_irq}): a ring of
 * {@value #DESCRIPTORS} legacy transmit descriptors in shared memory, one scatter/gather list per NET_BUFFER.
 *
 * <ol>
 * <li>MiniportSendNetBufferLists (at most DISPATCH_LEVEL) checks each NET_BUFFER_LIST and puts it on the wait queue;
 *     then the queue is drained into the ring while the ring has room for the NBL's worst case (two descriptors per
 *     NET_BUFFER: a frame of at most 1514 bytes crosses at most one page boundary). A full ring queues, it never
 *     fails: the NBLs wait until the transmit DPC frees descriptors, and MiniportCancelSend can take them back.</li>
 * <li>For each NET_BUFFER, NdisMAllocateNetBufferSGList; NDIS calls MiniportProcessSGList (DISPATCH_LEVEL) with the
 *     list, which fills one descriptor per element (EOP and RS on the last) and writes TDT, handing them to the
 *     NIC.</li>
 * <li>The NIC writes DD back into each descriptor with RS and raises TXDW; {@link #reclaim()} (from
 *     MiniportInterruptDPC, DISPATCH_LEVEL) walks the ring from the oldest frame while its EOP descriptor has DD,
 *     frees its scatter/gather list (NdisMFreeNetBufferSGList) and, when every NET_BUFFER of an NBL is done,
 *     completes the NBL with NdisMSendNetBufferListsComplete, exactly once, outside the lock.</li>
 * </ol>
 *
 * <p>Locking: this object's monitor is the send lock (an NDIS_SPIN_LOCK in C, taken at DISPATCH_LEVEL): it guards
 * the ring indexes, the per-descriptor bookkeeping, the wait queue, TDT writes and the adapter state as seen by
 * sends. Lock order: send lock before receive lock ({@link E1kReceive}). NBLs are completed after the lock is
 * released, as NDIS may call MiniportSendNetBufferLists again from inside NdisMSendNetBufferListsComplete.
 */
final class E1kTransmit {
    /** Transmit descriptors in the ring: 4096 bytes of shared memory, a multiple of 8 descriptors as TDLEN needs. */
    static final int DESCRIPTORS = 256;
    static final int RING_BYTES = DESCRIPTORS * DESCRIPTOR_BYTES;
    /** The most descriptors one NET_BUFFER takes (see the class comment). */
    static final int DESCRIPTORS_PER_FRAME = 2;
    /** The longest frame sent: MTU plus the Ethernet header; the NIC adds the FCS (IFCS). */
    static final int MAX_FRAME = E1kAdapter.MTU + E1kAdapter.HEADER_SIZE;

    /** What the driver keeps in an NBL's MiniportReserved while it owns it. */
    private static final class SendState {
        int pendingNetBuffers;
        NdisStatus status = NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** A NET_BUFFER on its way through NdisMAllocateNetBufferSGList: the context of MiniportProcessSGList. */
    private record Packet(NetBufferList nbl, NetBuffer netBuffer) {
    }

    private final E1kAdapter adapter;
    private final NdisSharedMemory ring;
    /** For the frame whose first descriptor is at index i: its packet and list (kept at the EOP index too). */
    private final Packet[] packets = new Packet[DESCRIPTORS];
    private final ScatterGatherList[] lists = new ScatterGatherList[DESCRIPTORS];
    /** The EOP descriptor of the frame that starts at index i, or -1. */
    private final int[] eopOf = new int[DESCRIPTORS];
    private final ArrayDeque<NetBufferList> waiting = new ArrayDeque<>();
    /** Next descriptor to fill, oldest descriptor not yet reclaimed; equal when the ring is empty. */
    private int nextToUse;
    private int nextToClean;
    /** Descriptors filled or reserved for a list NDIS is building, not yet reclaimed. */
    private int inUse;
    /** Under the send lock: {@link #drain} is running, so MiniportProcessSGList leaves the TDT write to it. */
    private boolean draining;
    /** Under the send lock: descriptors were filled since TDT was last written. */
    private boolean tailDirty;
    /**
     * NBLs the driver owns: from the entry of MiniportSendNetBufferLists until NdisMSendNetBufferListsComplete has
     * returned for them, wherever they are meanwhile (refused, waiting, on the ring, or in a list a DPC or a pause is
     * about to complete outside the lock). MiniportPause completes only when it is 0.
     */
    private final java.util.concurrent.atomic.AtomicInteger owned = new java.util.concurrent.atomic.AtomicInteger();
    /** Frames reclaimed since initialization, for MiniportCheckForHangEx. */
    private volatile long reclaimed;

    E1kTransmit(E1kAdapter adapter, NdisSharedMemory ring) {
        this.adapter = adapter;
        this.ring = ring;
        java.util.Arrays.fill(eopOf, -1);
    }

    /** Programs the ring registers and enables the transmitter (pad short frames). PASSIVE_LEVEL, device quiet. */
    void program(E1kHardware hw) {
        long base = ring.physicalAddress();
        hw.write(TDBAL, (int) base);
        hw.write(TDBAH, (int) (base >>> 32));
        hw.write(TDLEN, RING_BYTES);
        hw.write(TDH, 0);
        hw.write(TDT, 0);
        hw.write(TCTL, TCTL_EN | TCTL_PSP);
    }

    // ---- MiniportSendNetBufferLists

    /** MiniportSendNetBufferLists: at most DISPATCH_LEVEL, any thread; NDIS calls it only while Running. */
    static void sendNetBufferLists(E1kAdapter a, NetBufferList netBufferLists, int portNumber, int sendFlags) {
        a.tx.send(netBufferLists);
    }

    private void send(NetBufferList chain) {
        int count = 0;
        for (NetBufferList nbl = chain; nbl != null; nbl = nbl.next) {
            count++;
        }
        owned.addAndGet(count);
        List<NetBufferList> rejected = new ArrayList<>();
        synchronized (this) {
            for (NetBufferList nbl = chain, next; nbl != null; nbl = next) {
                next = nbl.next;
                nbl.next = null;
                NdisStatus refused = refuse(nbl);
                if (refused != null) {
                    nbl.status = refused;
                    rejected.add(nbl);
                } else {
                    waiting.add(nbl);
                }
            }
            drain(rejected);
        }
        complete(rejected);
    }

    /** Under the send lock. @return why {@code nbl} cannot be sent, or null */
    private NdisStatus refuse(NetBufferList nbl) {
        if (adapter.hw.gone()) {
            return NdisStatus.NDIS_STATUS_NOT_ACCEPTED; // surprise-removed: spec/ndis-lifecycle.md section 5.1
        }
        if (adapter.state != E1kAdapter.State.RUNNING) {
            return NdisStatus.NDIS_STATUS_PAUSED;
        }
        int count = 0;
        for (NetBuffer nb = nbl.firstNetBuffer; nb != null; nb = nb.next) {
            if (nb.dataLength() < E1kAdapter.HEADER_SIZE || nb.dataLength() > MAX_FRAME) {
                adapter.stats.outErrors.incrementAndGet();
                return NdisStatus.NDIS_STATUS_INVALID_LENGTH;
            }
            count++;
        }
        if (count == 0 || count * DESCRIPTORS_PER_FRAME > DESCRIPTORS - 1) {
            adapter.stats.outErrors.incrementAndGet();
            return NdisStatus.NDIS_STATUS_INVALID_DATA;
        }
        SendState s = new SendState();
        s.pendingNetBuffers = count;
        nbl.status = NdisStatus.NDIS_STATUS_SUCCESS;
        nbl.miniportReserved = s;
        return null;
    }

    /**
     * Under the send lock: moves waiting NBLs onto the ring while it has room for them. An NBL whose every
     * NET_BUFFER failed to map goes to {@code done}, to be completed once the lock is released.
     */
    private void drain(List<NetBufferList> done) {
        draining = true;
        try {
            drainWaiting(done);
        } finally {
            draining = false;
            if (tailDirty) { // one TDT write for everything this drain put on the ring
                tailDirty = false;
                adapter.hw.write(TDT, nextToUse);
            }
        }
    }

    private void drainWaiting(List<NetBufferList> done) {
        while (!waiting.isEmpty()) {
            NetBufferList nbl = waiting.peek();
            SendState s = (SendState) nbl.miniportReserved;
            if (DESCRIPTORS - 1 - inUse < s.pendingNetBuffers * DESCRIPTORS_PER_FRAME) {
                return; // the transmit DPC drains again when descriptors come back
            }
            waiting.poll();
            List<NetBuffer> netBuffers = new ArrayList<>();
            for (NetBuffer nb = nbl.firstNetBuffer; nb != null; nb = nb.next) {
                netBuffers.add(nb);
            }
            for (NetBuffer nb : netBuffers) {
                inUse += DESCRIPTORS_PER_FRAME; // reserved until MiniportProcessSGList uses what it needs
                NdisStatus st = adapter.dma.ndisMAllocateNetBufferSGList(nb, new Packet(nbl, nb),
                        NdisDmaHandle.NDIS_SG_LIST_WRITE_TO_DEVICE);
                if (st != NdisStatus.NDIS_STATUS_SUCCESS) {
                    inUse -= DESCRIPTORS_PER_FRAME;
                    s.status = st;
                    if (--s.pendingNetBuffers == 0) {
                        done.add(nbl);
                    }
                }
            }
        }
    }

    /**
     * MiniportProcessSGList: DISPATCH_LEVEL. NDIS built the list of one NET_BUFFER (here inside
     * NdisMAllocateNetBufferSGList, under the send lock; Windows may call it later, so it takes the lock itself and
     * uses the descriptors {@link #drain} reserved). Fills a descriptor per element and hands them to the NIC (a TDT write, once per drain when called inside one).
     */
    static void processSGList(E1kAdapter a, ScatterGatherList list, Object context) {
        a.tx.fill(list, (Packet) context);
    }

    private synchronized void fill(ScatterGatherList list, Packet packet) {
        List<ScatterGatherList.Element> elements = list.elements();
        inUse -= DESCRIPTORS_PER_FRAME - elements.size();
        int first = nextToUse;
        byte[] d = new byte[DESCRIPTOR_BYTES];
        for (int k = 0; k < elements.size(); k++) {
            ScatterGatherList.Element e = elements.get(k);
            boolean last = k == elements.size() - 1;
            java.util.Arrays.fill(d, (byte) 0);
            putLe64(d, 0, e.address());
            putLe16(d, TDESC_LENGTH, e.length());
            d[TDESC_CMD] = (byte) (TDESC_CMD_IFCS | (last ? TDESC_CMD_EOP | TDESC_CMD_RS : 0));
            ring.write(nextToUse * DESCRIPTOR_BYTES, d, 0, DESCRIPTOR_BYTES);
            nextToUse = (nextToUse + 1) % DESCRIPTORS;
        }
        eopOf[first] = (nextToUse + DESCRIPTORS - 1) % DESCRIPTORS;
        packets[first] = packet;
        lists[first] = list;
        if (draining) {
            tailDirty = true; // drain writes TDT once, when it has put every waiting frame on the ring
        } else {
            adapter.hw.write(TDT, nextToUse); // the NIC owns the descriptors up to (not including) TDT
        }
    }

    // ---- completion, from MiniportInterruptDPC

    /**
     * Reclaims every frame the NIC is done with and completes the NBLs whose last frame that was, then moves waiting
     * NBLs onto the freed descriptors. DISPATCH_LEVEL (MiniportInterruptDPC), or PASSIVE_LEVEL from
     * MiniportCheckForHangEx.
     */
    void reclaim() {
        List<NetBufferList> done = new ArrayList<>();
        synchronized (this) {
            byte[] status = new byte[1];
            while (nextToClean != nextToUse) {
                int eop = eopOf[nextToClean];
                if (eop < 0) {
                    break; // a list NDIS is still building
                }
                ring.read(eop * DESCRIPTOR_BYTES + TDESC_STA, status, 0, 1);
                if ((status[0] & TDESC_STA_DD) == 0) {
                    break; // the NIC has not written it back yet
                }
                release(nextToClean, (status[0] & TDESC_STA_TU) != 0 ? NdisStatus.NDIS_STATUS_FAILURE : null, done);
            }
            drain(done);
        }
        complete(done);
    }

    /**
     * Under the send lock: the frame starting at {@code first} is finished (sent, or abandoned with {@code failure}):
     * frees its list, its descriptors and, with its NBL's last frame, queues the NBL for completion.
     */
    private void release(int first, NdisStatus failure, List<NetBufferList> done) {
        int eop = eopOf[first];
        Packet p = packets[first];
        adapter.dma.ndisMFreeNetBufferSGList(lists[first], p.netBuffer());
        int descriptors = (eop - first + DESCRIPTORS) % DESCRIPTORS + 1;
        eopOf[first] = -1;
        packets[first] = null;
        lists[first] = null;
        nextToClean = (eop + 1) % DESCRIPTORS;
        inUse -= descriptors;
        reclaimed++;
        SendState s = (SendState) p.nbl().miniportReserved;
        if (failure != null) {
            s.status = failure;
            adapter.stats.outErrors.incrementAndGet();
        }
        if (--s.pendingNetBuffers == 0) {
            done.add(p.nbl());
        }
    }

    /**
     * Abandons every frame on the ring and every waiting NBL, for a device that will never write them back
     * (surprise-removed, or reset): frees their lists and empties the ring. PASSIVE_LEVEL or DISPATCH_LEVEL.
     *
     * @return the NBLs, each with {@code status}, to {@link #completeAll} once no lock is held
     */
    List<NetBufferList> abandonAll(NdisStatus status) {
        List<NetBufferList> done = new ArrayList<>();
        synchronized (this) {
            while (nextToClean != nextToUse && eopOf[nextToClean] >= 0) {
                release(nextToClean, status, done);
            }
            for (NetBufferList nbl; (nbl = waiting.poll()) != null; ) {
                nbl.status = status;
                done.add(nbl);
            }
            nextToUse = nextToClean = 0;
            inUse = 0;
        }
        return done;
    }

    /** NdisMSendNetBufferListsComplete for NBLs {@link #abandonAll} returned. PASSIVE_LEVEL, without a lock. */
    void completeAll(List<NetBufferList> nbls) {
        complete(nbls);
    }

    /**
     * Completes the waiting NBLs (not yet on the ring) with {@code status}: MiniportPause (PASSIVE_LEVEL),
     * NDIS_STATUS_PAUSED.
     */
    void failWaiting(NdisStatus status) {
        List<NetBufferList> done = new ArrayList<>();
        synchronized (this) {
            for (NetBufferList nbl; (nbl = waiting.poll()) != null; ) {
                nbl.status = status;
                done.add(nbl);
            }
        }
        complete(done);
    }

    /**
     * MiniportCancelSend: at most DISPATCH_LEVEL. Completes, with NDIS_STATUS_SEND_ABORTED, every NBL with this
     * cancel ID still in the wait queue; those on the ring belong to the NIC and complete normally.
     */
    static void cancelSend(E1kAdapter a, long cancelId) {
        List<NetBufferList> done = new ArrayList<>();
        synchronized (a.tx) {
            for (Iterator<NetBufferList> it = a.tx.waiting.iterator(); it.hasNext(); ) {
                NetBufferList nbl = it.next();
                if (NetBufferList.ndisGetNetBufferListCancelId(nbl) == cancelId) {
                    it.remove();
                    nbl.status = NdisStatus.NDIS_STATUS_SEND_ABORTED;
                    done.add(nbl);
                }
            }
        }
        a.tx.complete(done);
    }

    /** NdisMSendNetBufferListsComplete for {@code nbls}, then lets a pending pause complete. Called without the lock. */
    private void complete(List<NetBufferList> nbls) {
        if (nbls.isEmpty()) {
            return;
        }
        for (NetBufferList nbl : nbls) {
            if (nbl.miniportReserved instanceof SendState s && nbl.status == NdisStatus.NDIS_STATUS_SUCCESS) {
                nbl.status = s.status;
            }
            nbl.miniportReserved = null;
        }
        // NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL exactly when running at DISPATCH_LEVEL (NDIS_CURRENT_IRQL()): the DPC
        // always; MiniportSendNetBufferLists and MiniportCancelSend sometimes; MiniportPause never
        int flags = Irql.current() == Irql.DISPATCH_LEVEL ? NdisMiniportAdapterHandle.NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0;
        try {
            adapter.handle.ndisMSendNetBufferListsComplete(NetBufferList.link(new ArrayList<>(nbls)), flags);
        } finally {
            owned.addAndGet(-nbls.size()); // they are NDIS's now, whatever happened inside the completion
        }
        adapter.checkPauseComplete();
    }

    /** @return NBLs the driver owns (0 when a pause may complete) */
    int owned() {
        return owned.get();
    }

    /** @return whether frames are on the ring */
    synchronized boolean busy() {
        return nextToClean != nextToUse;
    }

    long reclaimed() {
        return reclaimed;
    }
}
