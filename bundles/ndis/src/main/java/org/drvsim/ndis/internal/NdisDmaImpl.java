package org.drvsim.ndis.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.drvsim.kernel.CommonBuffer;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisDmaHandle;
import org.drvsim.ndis.NdisSgDmaDescription;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.ScatterGatherList;
import org.drvsim.nt.Irql;

/**
 * A scatter/gather DMA registration (NdisMRegisterScatterGatherDma) and the lists built from it. A list maps a
 * NET_BUFFER through a bounce buffer in simulated host memory (a kernel common buffer), split at page boundaries. The
 * buffers act as the DMA adapter's map registers do when the HAL double-buffers a transfer: a buffer a list gave back
 * with NdisMFreeNetBufferSGList is kept by the registration and maps a later list (at most {@value #IDLE_KEPT} of each
 * size are kept), and every buffer is freed when the registration goes. A kept buffer is unmapped while no list uses it
 * (its map registers are released, {@link CommonBuffer#setMapped}): a device that DMAs through a list after
 * NdisMFreeNetBufferSGList is refused and reports it, naming the driver. Once a later list maps the buffer again, a
 * stale address reaches that list's data, as it would through reused map registers. Lists
 * still allocated at NdisMDeregisterScatterGatherDma or at the end of MiniportHaltEx are verifier violations and are
 * freed.
 *
 * <p>Follows "NdisMAllocateNetBufferSGList function (ndis.h)" and "Map Registers"
 * (learn.microsoft.com/windows-hardware/drivers/kernel/map-registers).
 */
final class NdisDmaImpl implements NdisDmaHandle {
    /** SCATTER_GATHER_LIST header and SCATTER_GATHER_ELEMENT sizes on x64, in bytes, for ScatterGatherListSize. */
    private static final int LIST_HEADER_BYTES = 16;
    private static final int ELEMENT_BYTES = 24;
    /** The page size a physical mapping splits at, in bytes. */
    static final int PAGE_BYTES = 4096;

    private final AdapterHardware hw;
    private final NdisSgDmaDescription description;
    /** Bounce buffers kept per size, in pages (index 1 up), for lists a buffer of that size maps. */
    static final int IDLE_KEPT = 512;

    /** The lists allocated and not freed, with their bounce buffers; guarded by itself. */
    private final Map<ScatterGatherList, CommonBuffer> lists = new IdentityHashMap<>();
    /** Bounce buffers no list uses, by size in pages; guarded by {@link #lists}. */
    private final ArrayDeque<CommonBuffer>[] idle;
    private volatile boolean deregistered;

    NdisDmaImpl(AdapterHardware hw, NdisSgDmaDescription description) {
        this.hw = hw;
        this.description = description;
        @SuppressWarnings("unchecked")
        ArrayDeque<CommonBuffer>[] bySize = new ArrayDeque[Math.min(pages(Math.max(1, description.maximumPhysicalMapping)),
                MAX_KEPT_PAGES) + 1];
        idle = bySize;
    }

    /** Bounce buffers larger than this many pages are not kept (64 MiB: the largest host memory block). */
    private static final int MAX_KEPT_PAGES = (64 << 20) / PAGE_BYTES;

    private static int pages(int bytes) {
        return (int) ((bytes + (long) PAGE_BYTES - 1) / PAGE_BYTES);
    }

    /** A bounce buffer of whole pages for {@code length} bytes: one kept idle, or a new one (null without memory). */
    private CommonBuffer bounceBuffer(int length) {
        int pages = pages(length);
        synchronized (lists) {
            ArrayDeque<CommonBuffer> kept = pages < idle.length ? idle[pages] : null;
            for (CommonBuffer b; kept != null && (b = kept.pollFirst()) != null; ) {
                try {
                    b.setMapped(true); // this list's map registers
                    return b;
                } catch (RuntimeException gone) {
                    // host memory no longer holds it (the service stopped): not one to hand out
                }
            }
        }
        return hw.allocateCommonBuffer(pages * PAGE_BYTES);
    }

    /** @return the bytes a list of {@code maximumPhysicalMapping} bytes needs, as NDIS reports ScatterGatherListSize */
    static int listSize(int maximumPhysicalMapping) {
        int pages = (maximumPhysicalMapping + PAGE_BYTES - 1) / PAGE_BYTES + 1;
        return LIST_HEADER_BYTES + pages * ELEMENT_BYTES;
    }

    private NdisPort port() {
        return hw.adapter.port;
    }

    private String driver() {
        return hw.adapter.driver.name;
    }

    private String device() {
        return hw.adapter.instanceId();
    }

    @Override
    public NdisStatus ndisMAllocateNetBufferSGList(NetBuffer netBuffer, Object context, int flags) {
        port().checkIrql(driver(), device(), "NdisMAllocateNetBufferSGList", Irql.DISPATCH_LEVEL);
        int length = netBuffer == null ? 0 : netBuffer.dataLength();
        NdisStatus status;
        ScatterGatherList sgl = null;
        CommonBuffer bounce = null;
        if (deregistered || hw.adapter.halted()) {
            status = NdisStatus.NDIS_STATUS_FAILURE;
        } else if (netBuffer == null || length < 1 || length > description.maximumPhysicalMapping
                || (bounce = bounceBuffer(length)) == null) {
            status = NdisStatus.NDIS_STATUS_RESOURCES;
        } else {
            bounce.write(0, netBuffer.copyData(), 0, length);
            List<ScatterGatherList.Element> elements = new ArrayList<>();
            for (int off = 0; off < length; off += PAGE_BYTES) {
                elements.add(new ScatterGatherList.Element(bounce.logicalAddress() + off,
                        Math.min(PAGE_BYTES, length - off)));
            }
            sgl = new ScatterGatherList(elements);
            boolean registered;
            synchronized (lists) {
                registered = !deregistered; // release() may have emptied the lists since the check above
                if (registered) {
                    lists.put(sgl, bounce);
                }
            }
            if (registered) {
                status = NdisStatus.NDIS_STATUS_SUCCESS;
            } else {
                bounce.free();
                sgl = null;
                status = NdisStatus.NDIS_STATUS_FAILURE;
            }
        }
        if (port().trace.ioTracing()) {
            port().trace.ddi(driver(), device(), "NdisMAllocateNetBufferSGList", TraceEvent.argMap("length", length,
                    "flags", AdapterHardware.hex(Integer.toUnsignedLong(flags), 1), "numberOfElements", sgl == null ? null : sgl.elements().size(),
                    "status", status));
        }
        if (sgl != null) {
            ScatterGatherList list = sgl;
            // MINIPORT_PROCESS_SG_LIST: driver code at DISPATCH_LEVEL, under the one rule
            Irql old = Irql.current().level() < Irql.DISPATCH_LEVEL.level() ? Irql.raise(Irql.DISPATCH_LEVEL) : null;
            try {
                port().callbacks().callRequestVoid(driver(), device(), "MiniportProcessSGList",
                        () -> TraceEvent.argMap("numberOfElements", list.elements().size(), "length", list.totalLength()),
                        () -> description.processSGListHandler.processSGList(list, context));
            } finally {
                if (old != null) {
                    Irql.lower(old);
                }
            }
        }
        return status;
    }

    @Override
    public void ndisMFreeNetBufferSGList(ScatterGatherList pSGL, NetBuffer netBuffer) {
        port().checkIrql(driver(), device(), "NdisMFreeNetBufferSGList", Irql.DISPATCH_LEVEL);
        if (port().trace.ioTracing()) {
            port().trace.ddi(driver(), device(), "NdisMFreeNetBufferSGList", TraceEvent.argMap("numberOfElements",
                    pSGL == null ? null : pSGL.elements().size()));
        }
        CommonBuffer bounce;
        boolean kept = false;
        synchronized (lists) {
            bounce = pSGL == null ? null : lists.remove(pSGL);
            if (bounce != null && !deregistered && bounce.length() / PAGE_BYTES < idle.length) {
                int pages = bounce.length() / PAGE_BYTES;
                ArrayDeque<CommonBuffer> q = idle[pages] == null ? (idle[pages] = new ArrayDeque<>()) : idle[pages];
                if (q.size() < IDLE_KEPT) {
                    try {
                        bounce.setMapped(false); // the map registers are released: a device still using the list is caught
                        kept = q.add(bounce);
                    } catch (RuntimeException gone) {
                        // host memory no longer holds it (the service stopped): not kept; free() below
                    }
                }
            }
        }
        if (bounce == null) {
            port().verifier.report("SGListNotAllocated", 0xC4, driver(), device(),
                    "NdisMFreeNetBufferSGList of a list that is not allocated (freed twice?)");
            return;
        }
        if (!kept) {
            bounce.free();
        }
    }

    @Override
    public void ndisMDeregisterScatterGatherDma() {
        port().checkIrql(driver(), device(), "NdisMDeregisterScatterGatherDma", Irql.PASSIVE_LEVEL);
        port().trace.ddi(driver(), device(), "NdisMDeregisterScatterGatherDma", TraceEvent.argMap());
        if (deregistered) {
            port().verifier.report("ScatterGatherDmaNotRegistered", 0xC4, driver(), device(),
                    "NdisMDeregisterScatterGatherDma of a registration already deregistered");
            return;
        }
        release("at NdisMDeregisterScatterGatherDma");
        hw.dmaDeregistered(this);
    }

    /**
     * Deregisters: lists still allocated are freed, reported as {@code SGListNotFreed} unless {@code when} is null.
     */
    void release(String when) {
        deregistered = true;
        List<CommonBuffer> left;
        List<CommonBuffer> unused = new ArrayList<>();
        synchronized (lists) {
            left = new ArrayList<>(lists.values());
            lists.clear();
            for (ArrayDeque<CommonBuffer> q : idle) {
                if (q != null) {
                    unused.addAll(q);
                    q.clear();
                }
            }
        }
        if (!left.isEmpty() && when != null) {
            port().verifier.report("SGListNotFreed", 0xC4, driver(), device(), left.size()
                    + " scatter/gather list(s) not freed with NdisMFreeNetBufferSGList " + when + "; NDIS frees them");
        }
        left.forEach(CommonBuffer::free);
        unused.forEach(CommonBuffer::free);
    }

    @Override
    public String toString() {
        return "scatter/gather DMA of " + device();
    }
}
