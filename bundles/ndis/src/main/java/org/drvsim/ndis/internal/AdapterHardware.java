package org.drvsim.ndis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.drvsim.kernel.CommonBuffer;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.IoSpace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisDmaHandle;
import org.drvsim.ndis.NdisInterruptHandle;
import org.drvsim.ndis.NdisIoSpace;
import org.drvsim.ndis.NdisMiniportInterruptCharacteristics;
import org.drvsim.ndis.NdisSgDmaDescription;
import org.drvsim.ndis.NdisSharedMemory;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.CmResourceType;
import org.drvsim.nt.Irql;

/**
 * One adapter's hardware as NDIS hands it to the miniport: the device's resources (the kernel's {@link
 * DeviceResources} grant of IRP_MN_START_DEVICE) and everything the miniport acquired from them, each tracked until
 * its reciprocal call: register mappings (NdisMMapIoSpace), shared memory (NdisMAllocateSharedMemory), the
 * scatter/gather DMA registration and its lists, and the interrupt (NdisMRegisterInterruptEx). What is still held when
 * MiniportHaltEx returns (or a failing MiniportInitializeEx) is reported as one verifier violation per kind, naming the
 * driver, and released here so that the platform stays healthy (spec/seeds/ndis-halting-a-miniport-adapter.md).
 *
 * <p>Thread-safe: the mappings and allocations are made at PASSIVE_LEVEL on the PnP worker, freed from any thread.
 */
final class AdapterHardware {
    /** The largest shared memory block: as large as one host memory allocation. */
    static final int MAX_SHARED_MEMORY_BYTES = 64 << 20;

    final MiniportBlock adapter;
    private final DeviceResources resources;
    private final List<CmResourceDescriptor> allocated;
    private final Set<Mapping> mappings = ConcurrentHashMap.newKeySet();
    private final Set<SharedMemory> sharedMemory = ConcurrentHashMap.newKeySet();
    private volatile NdisInterruptImpl interrupt;
    private volatile NdisDmaImpl dma;

    AdapterHardware(MiniportBlock adapter, DeviceResources resources, List<CmResourceDescriptor> allocated) {
        this.adapter = adapter;
        this.resources = resources == null ? DeviceResources.NONE : resources;
        this.allocated = List.copyOf(allocated);
    }

    List<CmResourceDescriptor> allocatedResources() {
        return allocated;
    }

    DeviceResources resources() {
        return resources;
    }

    private NdisPort port() {
        return adapter.port;
    }

    private String driver() {
        return adapter.driver.name;
    }

    private String device() {
        return adapter.instanceId();
    }

    private void report(String rule, String message) {
        port().verifier.report(rule, 0xC4, driver(), device(), message);
    }

    /**
     * Whether an acquisition that must happen in MiniportInitializeEx after the registration attributes may go on; if
     * not, one violation.
     */
    private boolean inInitializeAfterRegistration(String ddi) {
        if (!adapter.inInitialize()) {
            report("HardwareAcquiredOutsideInitialize", ddi + " called outside MiniportInitializeEx; NDIS fails it");
            return false;
        }
        if (adapter.registration() == null) {
            report("HardwareAcquiredBeforeAttributes", ddi + " called before NdisMSetMiniportAttributes with the "
                    + "registration attributes; NDIS fails it");
            return false;
        }
        return true;
    }

    // ---- NdisMMapIoSpace / NdisMUnmapIoSpace

    NdisStatus mapIoSpace(NdisIoSpace[] virtualAddress, long physicalAddress, int length) {
        port().checkIrql(driver(), device(), "NdisMMapIoSpace", Irql.PASSIVE_LEVEL);
        NdisStatus status;
        Mapping m = null;
        if (!adapter.alive("NdisMMapIoSpace")) {
            status = NdisStatus.NDIS_STATUS_FAILURE;
        } else {
            IoSpace io = length <= 0 ? null : resources.mapIoSpace(physicalAddress, length);
            if (io == null) {
                status = NdisStatus.NDIS_STATUS_RESOURCES;
            } else {
                m = new Mapping(physicalAddress, length, io);
                mappings.add(m);
                status = NdisStatus.NDIS_STATUS_SUCCESS;
            }
        }
        if (virtualAddress != null && virtualAddress.length > 0) {
            virtualAddress[0] = m;
        }
        port().trace.ddi(driver(), device(), "NdisMMapIoSpace", TraceEvent.argMap("physicalAddress",
                String.format("0x%X", physicalAddress), "length", length, "status", status));
        return status;
    }

    void unmapIoSpace(NdisIoSpace virtualAddress, int length) {
        port().checkIrql(driver(), device(), "NdisMUnmapIoSpace", Irql.PASSIVE_LEVEL);
        port().trace.ddi(driver(), device(), "NdisMUnmapIoSpace", TraceEvent.argMap("physicalAddress",
                virtualAddress instanceof Mapping m ? String.format("0x%X", m.physicalAddress) : null, "length", length));
        if (!(virtualAddress instanceof Mapping m) || m.owner() != this || !mappings.contains(m)) {
            report("UnmapOfUnknownMapping", "NdisMUnmapIoSpace of a range this adapter has not mapped (unmapped twice?)");
            return;
        }
        if (m.length != length) {
            report("UnmapOfUnknownMapping", "NdisMUnmapIoSpace with length " + length + " of a range mapped with length "
                    + m.length);
        }
        mappings.remove(m);
        m.mapped = false;
    }

    /** A range mapped with NdisMMapIoSpace. */
    final class Mapping implements NdisIoSpace {
        final long physicalAddress;
        final int length;
        private final IoSpace io;
        volatile boolean mapped = true;

        Mapping(long physicalAddress, int length, IoSpace io) {
            this.physicalAddress = physicalAddress;
            this.length = length;
            this.io = io;
        }

        AdapterHardware owner() {
            return AdapterHardware.this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int ndisReadRegisterUlong(long offset) {
            if (!mapped) {
                if (port().trace.ioTracing()) {
                    port().trace.ddi(driver(), device(), "NdisReadRegisterUlong", TraceEvent.argMap("register",
                            hex(physicalAddress, 1) + "+" + hex(offset, 2), "value", null));
                }
                report("RegisterAccessAfterUnmap", "NdisReadRegisterUlong on a range NdisMUnmapIoSpace unmapped");
                return 0xFFFF_FFFF;
            }
            int value = io.read32(offset);
            if (port().trace.ioTracing()) {
                port().trace.ddi(driver(), device(), "NdisReadRegisterUlong", TraceEvent.argMap("register",
                        hex(physicalAddress, 1) + "+" + hex(offset, 2), "value", hex(Integer.toUnsignedLong(value), 8)));
            }
            return value;
        }

        @Override
        public void ndisWriteRegisterUlong(long offset, int value) {
            if (port().trace.ioTracing()) {
                port().trace.ddi(driver(), device(), "NdisWriteRegisterUlong", TraceEvent.argMap("register",
                        hex(physicalAddress, 1) + "+" + hex(offset, 2), "value", hex(Integer.toUnsignedLong(value), 8)));
            }
            if (!mapped) {
                report("RegisterAccessAfterUnmap", "NdisWriteRegisterUlong on a range NdisMUnmapIoSpace unmapped");
                return;
            }
            io.write32(offset, value);
        }

        @Override
        public String toString() {
            return String.format("registers 0x%X+0x%X of %s", physicalAddress, length, device());
        }
    }

    // ---- NdisMAllocateSharedMemory / NdisMFreeSharedMemory

    NdisSharedMemory allocateSharedMemory(int length, boolean cached) {
        port().checkIrql(driver(), device(), "NdisMAllocateSharedMemory", Irql.PASSIVE_LEVEL);
        SharedMemory block = null;
        if (adapter.alive("NdisMAllocateSharedMemory")) {
            if (dma == null) {
                report("SharedMemoryWithoutDmaRegistration", "NdisMAllocateSharedMemory before NdisMRegisterScatterGatherDma;"
                        + " NDIS allocates nothing");
            } else if (length > 0 && length <= MAX_SHARED_MEMORY_BYTES) {
                CommonBuffer b = allocateCommonBuffer(length);
                if (b != null) {
                    block = new SharedMemory(b);
                    sharedMemory.add(block);
                }
            }
        }
        port().trace.ddi(driver(), device(), "NdisMAllocateSharedMemory", TraceEvent.argMap("length", length,
                "cached", cached ? "TRUE" : "FALSE", "physicalAddress",
                block == null ? null : String.format("0x%X", block.physicalAddress())));
        return block;
    }

    /** A buffer in simulated host memory for this adapter's DMA, or null when the machine has none. */
    CommonBuffer allocateCommonBuffer(int length) {
        try {
            return resources.allocateCommonBuffer(length);
        } catch (IllegalArgumentException tooLarge) {
            return null;
        }
    }

    void freeSharedMemory(int length, boolean cached, NdisSharedMemory virtualAddress, long physicalAddress) {
        port().checkIrql(driver(), device(), "NdisMFreeSharedMemory", Irql.DISPATCH_LEVEL);
        port().trace.ddi(driver(), device(), "NdisMFreeSharedMemory", TraceEvent.argMap("length", length,
                "cached", cached ? "TRUE" : "FALSE", "physicalAddress", String.format("0x%X", physicalAddress)));
        if (!(virtualAddress instanceof SharedMemory m) || !sharedMemory.contains(m)) {
            report("FreeOfUnknownSharedMemory", "NdisMFreeSharedMemory of memory this adapter has not allocated (freed twice?)");
            return;
        }
        if (m.length() != length || m.physicalAddress() != physicalAddress) {
            report("FreeOfUnknownSharedMemory", String.format("NdisMFreeSharedMemory with length %d and physical address "
                    + "0x%X of a block allocated with length %d at 0x%X; NDIS frees nothing", length, physicalAddress,
                    m.length(), m.physicalAddress()));
            return;
        }
        sharedMemory.remove(m);
        m.buffer.free();
    }

    /** Shared memory: a kernel common buffer in simulated host memory. */
    static final class SharedMemory implements NdisSharedMemory {
        final CommonBuffer buffer;

        SharedMemory(CommonBuffer buffer) {
            this.buffer = buffer;
        }

        @Override public long physicalAddress() { return buffer.logicalAddress(); }
        @Override public int length() { return buffer.length(); }
        @Override public void read(int offset, byte[] dst, int dstOffset, int len) { buffer.read(offset, dst, dstOffset, len); }
        @Override public void write(int offset, byte[] src, int srcOffset, int len) { buffer.write(offset, src, srcOffset, len); }

        @Override
        public String toString() {
            return String.format("shared memory 0x%X+0x%X", physicalAddress(), length());
        }
    }

    // ---- NdisMRegisterScatterGatherDma

    NdisStatus registerScatterGatherDma(NdisSgDmaDescription description, NdisDmaHandle[] out) {
        port().checkIrql(driver(), device(), "NdisMRegisterScatterGatherDma", Irql.PASSIVE_LEVEL);
        NdisStatus status;
        NdisDmaImpl d = null;
        if (!adapter.alive("NdisMRegisterScatterGatherDma") || !inInitializeAfterRegistration("NdisMRegisterScatterGatherDma")) {
            status = NdisStatus.NDIS_STATUS_FAILURE;
        } else if (description == null || description.processSGListHandler == null || description.maximumPhysicalMapping < 1) {
            status = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;
        } else if (dma != null || resources == DeviceResources.NONE) {
            status = NdisStatus.NDIS_STATUS_RESOURCES;
        } else {
            d = new NdisDmaImpl(this, description);
            description.scatterGatherListSize = NdisDmaImpl.listSize(description.maximumPhysicalMapping);
            dma = d;
            status = NdisStatus.NDIS_STATUS_SUCCESS;
        }
        if (out != null && out.length > 0) {
            out[0] = d;
        }
        port().trace.ddi(driver(), device(), "NdisMRegisterScatterGatherDma", TraceEvent.argMap(
                "flags", description == null ? null : String.format("0x%X", description.flags),
                "maximumPhysicalMapping", description == null ? null : description.maximumPhysicalMapping, "status", status));
        return status;
    }

    void dmaDeregistered(NdisDmaImpl d) {
        if (dma == d) {
            dma = null;
        }
    }

    // ---- NdisMRegisterInterruptEx

    <I> NdisStatus registerInterrupt(I context, NdisMiniportInterruptCharacteristics<I> chars, NdisInterruptHandle[] out) {
        port().checkIrql(driver(), device(), "NdisMRegisterInterruptEx", Irql.PASSIVE_LEVEL);
        NdisStatus status;
        NdisInterruptImpl<I> i = null;
        CmResourceDescriptor line = allocated.stream().filter(r -> r.type() == CmResourceType.CmResourceTypeInterrupt)
                .findFirst().orElse(null);
        if (!adapter.alive("NdisMRegisterInterruptEx") || !inInitializeAfterRegistration("NdisMRegisterInterruptEx")) {
            status = NdisStatus.NDIS_STATUS_FAILURE;
        } else if (context == null || chars == null || !chars.missingHandlers().isEmpty()) {
            status = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;
        } else if (line == null || interrupt != null || resources == DeviceResources.NONE) {
            status = NdisStatus.NDIS_STATUS_RESOURCES;
        } else {
            boolean msi = chars.msiSupported && line.messageSignaled();
            i = new NdisInterruptImpl<>(this, context, chars, msi, line.vector());
            chars.interruptType = i.interruptType();
            interrupt = i;
            status = NdisStatus.NDIS_STATUS_SUCCESS;
        }
        if (out != null && out.length > 0) {
            out[0] = i;
        }
        // traced before the connection: from the connection on, MiniportInterrupt may run
        port().trace.ddi(driver(), device(), "NdisMRegisterInterruptEx", TraceEvent.argMap("vector",
                line == null ? null : line.vector(), "interruptType", i == null ? null : i.interruptType(), "status", status));
        if (i != null) {
            i.connect();
        }
        return status;
    }

    /** @return the interrupt registered with NdisMRegisterInterruptEx and not deregistered, or null */
    NdisInterruptImpl<?> interrupt() {
        return interrupt;
    }

    void interruptDeregistered(NdisInterruptImpl<?> i) {
        if (interrupt == i) {
            interrupt = null;
        }
    }

    // ---- what HaltEx left behind

    /**
     * Reports each kind of resource the miniport still holds (one violation per kind, naming the driver and how many)
     * and releases it: the interrupt is disconnected (no ISR or DPC runs afterwards), SG lists and shared memory freed,
     * mappings unmapped. PnP worker, PASSIVE_LEVEL.
     *
     * @param when for the message, for example "when MiniportHaltEx returned"
     */
    void checkReleased(String when) {
        NdisInterruptImpl<?> i = interrupt;
        if (i != null) {
            report("InterruptNotDeregistered", "NdisMRegisterInterruptEx without NdisMDeregisterInterruptEx " + when
                    + "; NDIS deregisters it");
            i.release(true);
            interrupt = null;
        }
        NdisDmaImpl d = dma;
        if (d != null) {
            report("ScatterGatherDmaNotDeregistered", "NdisMRegisterScatterGatherDma without NdisMDeregisterScatterGatherDma "
                    + when + "; NDIS deregisters it");
            d.release(when);
            dma = null;
        }
        List<SharedMemory> blocks = new ArrayList<>(sharedMemory);
        if (!blocks.isEmpty()) {
            report("SharedMemoryNotFreed", blocks.size() + " NdisMAllocateSharedMemory block(s) ("
                    + blocks.stream().mapToLong(SharedMemory::length).sum() + " bytes) not freed with NdisMFreeSharedMemory "
                    + when + "; NDIS frees them");
            blocks.forEach(b -> b.buffer.free());
            sharedMemory.removeAll(blocks);
        }
        List<Mapping> maps = new ArrayList<>(mappings);
        if (!maps.isEmpty()) {
            report("IoSpaceNotUnmapped", maps.size() + " NdisMMapIoSpace range(s) not unmapped with NdisMUnmapIoSpace "
                    + when + "; NDIS unmaps them");
            maps.forEach(m -> m.mapped = false);
            mappings.removeAll(maps);
        }
    }

    /**
     * The driver was isolated (a routine hung) or the adapter is forgotten without calling the miniport: everything is
     * released without a report and without waiting for a routine (the hung one may be an ISR).
     */
    void releaseSilently() {
        NdisInterruptImpl<?> i = interrupt;
        if (i != null) {
            i.release(false);
            interrupt = null;
        }
        NdisDmaImpl d = dma;
        if (d != null) {
            d.release(null);
            dma = null;
        }
        sharedMemory.forEach(b -> b.buffer.free());
        sharedMemory.clear();
        mappings.forEach(m -> m.mapped = false);
        mappings.clear();
    }

    /**
     * {@code 0x} and {@code value} in upper-case hexadecimal, zero-padded to {@code digits} digits: what
     * {@code String.format("0x%0{digits}X", value)} gives, without its cost on the data path's trace.
     */
    static String hex(long value, int digits) {
        String h = Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
        return "0x" + (h.length() >= digits ? h : "0".repeat(digits - h.length()) + h);
    }
}
