package org.drvsim.hw.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.drvsim.hw.HostMemory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The machine's DMA-reachable memory: a map from each block's physical address to its bytes. Blocks
 * are handed out upwards from 4 GiB, page-aligned, with at least one unused page after each, so an
 * overrun lands outside every block and is refused; addresses are never reused, so a stale address
 * is refused too. The bus's devices reach this component through their DS reference to
 * {@link HostMemory}; software (the kernel's DMA support) gets the same service.
 */
@Component(service = HostMemory.class)
public final class SimHostMemory implements HostMemory {
    /** The first physical address handed out: above 4 GiB, so that the high address half matters. */
    static final long BASE_ADDRESS = 0x1_0000_0000L;

    private final ConcurrentNavigableMap<Long, byte[]> blocks = new ConcurrentSkipListMap<>();
    /**
     * Every page of every live block, by page number, with its block: the lookup of each access (a hash, not the
     * ordered map's search). Blocks never share a page, so a page belongs to one block at most.
     */
    private final java.util.concurrent.ConcurrentHashMap<Long, Block> pages = new java.util.concurrent.ConcurrentHashMap<>();

    /** A live block: its physical address, bytes, the device it is for (or null) and whether it is mapped for DMA. */
    private static final class Block {
        private final long address;
        private final byte[] bytes;
        private final String owner;
        volatile boolean mapped = true;

        Block(long address, byte[] bytes, String owner) {
            this.address = address;
            this.bytes = bytes;
            this.owner = owner;
        }

        long address() {
            return address;
        }

        byte[] bytes() {
            return bytes;
        }

        String owner() {
            return owner;
        }
    }
    /** The blocks freed, by address, with their sizes, so that a stale access can be named as one; the newest kept. */
    private final ConcurrentNavigableMap<Long, Integer> freed = new ConcurrentSkipListMap<>();
    private static final int FREED_REMEMBERED = 4096;
    private final AtomicLong allocated = new AtomicLong();
    private final Object allocationLock = new Object();
    private long next = BASE_ADDRESS; // guarded by allocationLock

    @Override
    public long allocate(int bytes, String owner) {
        if (bytes <= 0 || bytes > MAX_ALLOCATION_BYTES) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes of host memory; a block is 1 to "
                    + MAX_ALLOCATION_BYTES + " bytes");
        }
        byte[] block = new byte[bytes];
        long pages = (bytes + (long) PAGE_BYTES - 1) / PAGE_BYTES;
        long address;
        synchronized (allocationLock) {
            address = next;
            next += (pages + 1) * PAGE_BYTES; // one guard page between blocks
        }
        blocks.put(address, block);
        Block b = new Block(address, block, owner);
        for (long page = address / PAGE_BYTES; page < address / PAGE_BYTES + pages; page++) {
            this.pages.put(page, b);
        }
        allocated.addAndGet(bytes);
        return address;
    }

    @Override
    public void free(long physicalAddress) {
        byte[] block = blocks.remove(physicalAddress);
        if (block == null) {
            throw new IllegalArgumentException("no host memory block starts at " + hex(physicalAddress)
                    + " (never allocated, or freed already)");
        }
        long firstPage = physicalAddress / PAGE_BYTES;
        for (long page = firstPage; page < firstPage + (block.length + (long) PAGE_BYTES - 1) / PAGE_BYTES; page++) {
            pages.remove(page);
        }
        allocated.addAndGet(-block.length);
        freed.put(physicalAddress, block.length);
        while (freed.size() > FREED_REMEMBERED) {
            freed.pollFirstEntry(); // addresses grow: the oldest goes
        }
    }

    /** @return whether {@code [address, address + len)} lies inside one live, mapped block (a check that copies nothing) */
    boolean contains(long address, long len) {
        Block block = address < 0 ? null : pages.get(address / PAGE_BYTES);
        return len >= 0 && block != null && block.mapped && address - block.address() <= block.bytes().length - len;
    }

    @Override
    public void setMapped(long physicalAddress, boolean mapped) {
        Block block = physicalAddress < 0 || physicalAddress % PAGE_BYTES != 0 ? null
                : pages.get(physicalAddress / PAGE_BYTES);
        if (block == null || block.address() != physicalAddress) {
            throw new IllegalArgumentException("no host memory block starts at " + hex(physicalAddress)
                    + " (never allocated, or freed already)");
        }
        block.mapped = mapped;
    }

    /**
     * What lies at an address that is not inside a live, mapped block, for a device's error report. A device reporting
     * an access this service refused should prefer the {@link Refused#reason} of the exception, which is what lay there
     * at that moment.
     *
     * @return for example {@code "freed block 0x100003000 (4096 bytes)"}, {@code "block 0x100003000 (4096 bytes), not
     *         mapped for DMA (...)"} or {@code "no allocated block"}
     */
    String describe(long address) {
        Map.Entry<Long, Integer> f = freed.floorEntry(address);
        if (f != null && address - f.getKey() < f.getValue()) {
            return "freed block " + hex(f.getKey()) + " (" + f.getValue() + " bytes)";
        }
        Map.Entry<Long, byte[]> live = blocks.floorEntry(address);
        if (live != null && address - live.getKey() < live.getValue().length) {
            Block block = pages.get(live.getKey() / PAGE_BYTES);
            if (block != null && !block.mapped) {
                return unmapped(live.getKey(), live.getValue().length);
            }
            return "block " + hex(live.getKey()) + " (" + live.getValue().length + " bytes), which it overruns";
        }
        return "no allocated block";
    }

    @Override
    public void read(long physicalAddress, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        Block block = block(physicalAddress, len);
        System.arraycopy(block.bytes(), (int) (physicalAddress - block.address()), dst, off, len);
    }

    @Override
    public void write(long physicalAddress, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        Block block = block(physicalAddress, len);
        System.arraycopy(src, off, block.bytes(), (int) (physicalAddress - block.address()), len);
    }

    @Override
    public java.util.Optional<String> owner(long physicalAddress) {
        Block block = physicalAddress < 0 ? null : pages.get(physicalAddress / PAGE_BYTES);
        return block == null || physicalAddress - block.address() >= block.bytes().length ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(block.owner());
    }

    @Override
    public long allocatedBytes() {
        return allocated.get();
    }

    /** Every block goes with the service. */
    @Deactivate
    void deactivate() {
        blocks.clear();
        pages.clear();
        freed.clear();
        allocated.set(0);
    }

    /** The live block holding all of {@code [address, address + len)}. */
    private Block block(long address, int len) {
        Block block = address < 0 ? null : pages.get(address / PAGE_BYTES);
        if (block != null && !block.mapped) {
            String reason = unmapped(block.address(), block.bytes().length);
            throw new Refused("host memory " + hex(address) + " + " + len + " bytes lies in " + reason, reason);
        }
        if (block == null || address - block.address() > block.bytes().length - (long) len) {
            throw new IllegalArgumentException("host memory " + hex(address) + " + " + len
                    + " bytes is not inside one allocated block");
        }
        return block;
    }

    private static String unmapped(long address, int bytes) {
        return "block " + hex(address) + " (" + bytes + " bytes), not mapped for DMA (its map registers were released, "
                + "as when its scatter/gather list is freed)";
    }

    /**
     * An access refused for a reason known only at that moment (the block was unmapped then; it may be mapped again by
     * the time the error is reported).
     */
    static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** What lay at the address when the access was refused, as {@link #describe} says it. */
        final String reason;

        Refused(String message, String reason) {
            super(message);
            this.reason = reason;
        }
    }

    static String hex(long address) {
        return String.format("0x%X", address);
    }
}
