package org.drvsim.drivers.e1k;

import static org.drvsim.drivers.e1k.E1kHardware.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisSharedMemory;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.NetBufferList;

/**
 * The receive path (an e1000 driver's {@code e1000_clean_rx_irq} and {@code e1000_alloc_rx_buffers}): a ring of
 * {@value #DESCRIPTORS} legacy receive descriptors and a pool of {@value #BUFFERS} receive buffers of
 * {@value #BUFFER_BYTES} bytes (RCTL.BSIZE 2048, SECRC: the NIC strips the FCS), both in shared memory.
 *
 * <ol>
 * <li>{@link #fill()} gives the NIC every free buffer it has room for: it writes a buffer's physical address into the
 *     next descriptor, clears its status, and writes RDT once at the end. The NIC owns the descriptors from RDH up to
 *     (not including) RDT, so one descriptor always stays empty to tell a full ring from an empty one.</li>
 * <li>For each frame it stores, the NIC writes the length and DD|EOP into the descriptor and raises RXT0. {@link
 *     #receive()} (MiniportInterruptDPC, DISPATCH_LEVEL) walks the ring while DD is set, builds an NBL over each
 *     buffer (the NBL of buffer b is allocated once and reused, as NdisAllocateNetBufferAndNetBufferList in
 *     MiniportInitializeEx would), applies the part of the packet filter the NIC cannot (a unicast frame without
 *     DIRECTED; a multicast hash hit not in the list), and indicates the chain with NdisMIndicateReceiveNetBufferLists
 *     (DISPATCH_LEVEL|PERFECT_FILTERED), then re-fills the ring with whatever buffers are free.</li>
 * <li>NDIS returns the NBLs with MiniportReturnNetBufferLists; their buffers go back to the pool and onto the ring
 *     (RDT is bumped). While the ring has no free buffer the NIC counts the frames it misses (MPC, RNBC).</li>
 * </ol>
 *
 * <p>Locking: this object's monitor is the receive lock (an NDIS_SPIN_LOCK at DISPATCH_LEVEL in C): it guards the ring
 * indexes, the buffer pool, RDT writes, the count of indicated NBLs, and the adapter state as the receive path sees
 * it. The DPC indicates while holding it, so that MiniportPause, which changes the state under it, knows that no
 * indication is running or can start once it has; MiniportReturnNetBufferLists may run on the indicating thread
 * (Java monitors are re-entrant, an NDIS_SPIN_LOCK is not: a C driver releases the lock around the indication and
 * counts indications in flight instead).
 */
final class E1kReceive {
    static final int DESCRIPTORS = 256;
    static final int RING_BYTES = DESCRIPTORS * DESCRIPTOR_BYTES;
    static final int BUFFERS = DESCRIPTORS;
    static final int BUFFER_BYTES = 2048;
    static final int BUFFERS_BYTES = BUFFERS * BUFFER_BYTES;

    private final E1kAdapter adapter;
    private final NdisSharedMemory ring;
    private final NdisSharedMemory buffers;
    /** The buffer each descriptor holds, or -1. */
    private final int[] bufferOf = new int[DESCRIPTORS];
    private final ArrayDeque<Integer> freeBuffers = new ArrayDeque<>();
    /** The driver's view of each buffer and the NBL over it. */
    private final byte[][] views = new byte[BUFFERS][];
    private final NetBufferList[] nbls = new NetBufferList[BUFFERS];
    /** Oldest descriptor the NIC may have filled; next descriptor to give the NIC (the RDT value). */
    private int nextToClean;
    private int nextToFill;
    /** NBLs indicated and not yet returned. */
    private volatile int indicated;

    E1kReceive(E1kAdapter adapter, NdisSharedMemory ring, NdisSharedMemory buffers) {
        this.adapter = adapter;
        this.ring = ring;
        this.buffers = buffers;
        for (int b = 0; b < BUFFERS; b++) {
            views[b] = new byte[BUFFER_BYTES];
            nbls[b] = new NetBufferList();
            nbls[b].miniportReserved = b;
            nbls[b].sourceHandle = adapter.handle;
            freeBuffers.add(b);
        }
        Arrays.fill(bufferOf, -1);
    }

    /** Programs the ring registers and posts every free buffer; the receiver is enabled by the packet filter (RCTL). */
    synchronized void program(E1kHardware hw) {
        long base = ring.physicalAddress();
        hw.write(RDBAL, (int) base);
        hw.write(RDBAH, (int) (base >>> 32));
        hw.write(RDLEN, RING_BYTES);
        hw.write(RDH, 0);
        hw.write(RDT, 0);
        fill();
    }

    /** Under the receive lock: gives the NIC every free buffer there is room for, then writes RDT. */
    private void fill() {
        int before = nextToFill;
        byte[] d = new byte[DESCRIPTOR_BYTES];
        while ((nextToFill + 1) % DESCRIPTORS != nextToClean && !freeBuffers.isEmpty()) {
            int b = freeBuffers.poll();
            bufferOf[nextToFill] = b;
            putLe64(d, 0, buffers.physicalAddress() + (long) b * BUFFER_BYTES);
            ring.write(nextToFill * DESCRIPTOR_BYTES, d, 0, DESCRIPTOR_BYTES); // length, status, errors: 0
            nextToFill = (nextToFill + 1) % DESCRIPTORS;
        }
        if (nextToFill != before) {
            adapter.hw.write(RDT, nextToFill);
        }
    }

    /** MiniportInterruptDPC's receive work: DISPATCH_LEVEL. */
    synchronized void receive() {
        List<NetBufferList> indicate = new ArrayList<>();
        byte[] wb = new byte[DESCRIPTOR_BYTES - RDESC_LENGTH];
        while (nextToClean != nextToFill) {
            ring.read(nextToClean * DESCRIPTOR_BYTES + RDESC_LENGTH, wb, 0, wb.length);
            if ((wb[RDESC_STATUS - RDESC_LENGTH] & RDESC_STA_DD) == 0) {
                break;
            }
            int b = bufferOf[nextToClean];
            bufferOf[nextToClean] = -1;
            nextToClean = (nextToClean + 1) % DESCRIPTORS;
            int length = le16(wb, 0);
            boolean good = (wb[RDESC_STATUS - RDESC_LENGTH] & RDESC_STA_EOP) != 0 && wb[RDESC_ERRORS - RDESC_LENGTH] == 0
                    && length >= E1kAdapter.HEADER_SIZE && length <= BUFFER_BYTES;
            if (good) {
                buffers.read(b * BUFFER_BYTES, views[b], 0, length);
            }
            if (!good || adapter.state != E1kAdapter.State.RUNNING || !accepts(views[b])) {
                adapter.stats.inDiscards.incrementAndGet(); // not indicated: the buffer goes straight back
                freeBuffers.add(b);
                continue;
            }
            NetBufferList nbl = nbls[b];
            nbl.next = null;
            nbl.firstNetBuffer = new NetBuffer(views[b], 0, length);
            nbl.status = org.drvsim.ndis.NdisStatus.NDIS_STATUS_SUCCESS;
            indicate.add(nbl);
        }
        fill();
        if (!indicate.isEmpty()) {
            indicated += indicate.size();
            adapter.handle.ndisMIndicateReceiveNetBufferLists(NetBufferList.link(indicate), 0, indicate.size(),
                    NdisMiniportAdapterHandle.NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL
                            | NdisMiniportAdapterHandle.NDIS_RECEIVE_FLAGS_PERFECT_FILTERED);
        }
    }

    /**
     * The packet filter's rules the NIC cannot apply itself: it always accepts its own unicast address (RAL0) and every
     * multicast address whose hash bit is set. PROMISCUOUS takes everything; broadcast needs BROADCAST (the NIC checks
     * BAM); multicast needs ALL_MULTICAST, or MULTICAST and an exact hit in the list; unicast needs DIRECTED.
     */
    private boolean accepts(byte[] frame) {
        int filter = adapter.packetFilter;
        if ((filter & NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS) != 0) {
            return true;
        }
        boolean broadcast = true;
        for (int i = 0; i < 6; i++) {
            broadcast &= frame[i] == (byte) 0xFF;
        }
        if (broadcast) {
            return (filter & NdisPacketType.NDIS_PACKET_TYPE_BROADCAST) != 0;
        }
        if ((frame[0] & 1) != 0) {
            if ((filter & NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST) != 0) {
                return true;
            }
            if ((filter & NdisPacketType.NDIS_PACKET_TYPE_MULTICAST) != 0) {
                for (byte[] m : adapter.multicastList) {
                    if (Arrays.equals(m, 0, 6, frame, 0, 6)) {
                        return true;
                    }
                }
            }
            return false;
        }
        return (filter & NdisPacketType.NDIS_PACKET_TYPE_DIRECTED) != 0
                && Arrays.equals(adapter.currentAddress, 0, 6, frame, 0, 6);
    }

    /**
     * MiniportReturnNetBufferLists: at most DISPATCH_LEVEL. The buffers go back to the pool and onto the ring (when the
     * device is still there), and the last return lets a pending MiniportPause complete.
     */
    static void returnNetBufferLists(E1kAdapter a, NetBufferList netBufferLists, int returnFlags) {
        a.rx.giveBack(netBufferLists);
        a.checkPauseComplete();
    }

    private synchronized void giveBack(NetBufferList chain) {
        for (NetBufferList nbl = chain, next; nbl != null; nbl = next) {
            next = nbl.next;
            nbl.next = null;
            nbl.firstNetBuffer = null;
            freeBuffers.add((Integer) nbl.miniportReserved);
            indicated--;
        }
        fill();
    }

    /**
     * For MiniportResetEx: takes every buffer back from the NIC (the reset forgot the ring) and starts the ring over at
     * descriptor 0; {@link #program} then posts them again. Buffers NDIS holds stay with NDIS. Device quiet.
     */
    synchronized void forgetRing() {
        for (int i = 0; i < DESCRIPTORS; i++) {
            if (bufferOf[i] >= 0) {
                freeBuffers.add(bufferOf[i]);
                bufferOf[i] = -1;
            }
        }
        nextToClean = nextToFill = 0;
    }

    /** @return NBLs indicated and not yet returned (0 when a pause may complete) */
    int indicated() {
        return indicated;
    }
}
