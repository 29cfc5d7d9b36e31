package org.drvsim.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulated machine's physical memory that devices reach by DMA (a driver's common buffer or
 * the pages of a request). Software allocates a physically contiguous block and gets its physical
 * address, which it programs into a device; the device's DMA engine then reads and writes the block
 * through this service. Addresses are simulated: blocks lie above 4 GiB, so a device must be given
 * the full 64-bit address.
 *
 * <p>Units are bytes. Each block is backed by the JVM heap; a block's contents start as zeros.
 * Errors are exceptions: an access outside an allocation is a bug, as a stray DMA would be, and is
 * refused with nothing copied. A freed address is never handed out again, so a use after free is
 * caught as an access outside an allocation.
 *
 * <p>Only the kernel bundle and the devices of this bundle find this service (see {@link HostBridge}): a driver
 * reaches DMA memory through the common buffers its port allocates for it.
 *
 * <p>Thread-safe. Concurrent accesses to the same bytes are not ordered with each other, as on real
 * memory; a device's completion (its status register or interrupt) orders its DMA before software
 * reads.
 */
@ProviderType
public interface HostMemory {
    /** The largest block one {@link #allocate(int)} returns: 64 MiB. */
    int MAX_ALLOCATION_BYTES = 64 << 20;

    /** The page size; every block starts on a page boundary. */
    int PAGE_BYTES = 4096;

    /**
     * Allocates a physically contiguous, zeroed block.
     *
     * @param bytes the block's size in bytes, 1 to {@link #MAX_ALLOCATION_BYTES}
     * @return the block's physical address, a multiple of {@link #PAGE_BYTES}
     * @throws IllegalArgumentException if {@code bytes} is not positive or exceeds
     *                                  {@link #MAX_ALLOCATION_BYTES}; nothing is allocated
     */
    default long allocate(int bytes) {
        return allocate(bytes, null);
    }

    /**
     * Allocates a physically contiguous, zeroed block for one device's DMA (its driver's common buffer, or a buffer
     * its port maps for it), remembered as that device's: a device model can then tell a ring its driver placed in its
     * own memory from one placed in another device's.
     *
     * @param bytes the block's size in bytes, 1 to {@link #MAX_ALLOCATION_BYTES}
     * @param owner the instance ID of the device the block is for, or null for none
     * @return the block's physical address, a multiple of {@link #PAGE_BYTES}
     * @throws IllegalArgumentException if {@code bytes} is not positive or exceeds
     *                                  {@link #MAX_ALLOCATION_BYTES}; nothing is allocated
     * @since 2.3
     */
    long allocate(int bytes, String owner);

    /**
     * @param physicalAddress any address
     * @return the instance ID of the device the live block holding {@code physicalAddress} was allocated for; empty
     *         when no live block holds it or the block was allocated for no device
     * @since 2.3
     */
    java.util.Optional<String> owner(long physicalAddress);

    /**
     * Frees a block.
     *
     * @param physicalAddress the address {@link #allocate(int)} returned
     * @throws IllegalArgumentException if no live block starts at that address (never allocated, or
     *                                  freed already); nothing changes
     */
    void free(long physicalAddress);

    /**
     * Copies {@code len} bytes of host memory starting at {@code physicalAddress} into {@code dst}.
     *
     * @param physicalAddress where to start reading, in a block from {@link #allocate(int)}
     * @param dst             the array to fill
     * @param off             the first index of {@code dst} to fill
     * @param len             the number of bytes; 0 copies nothing but still needs an address inside
     *                        (or at the end of) a live, mapped block
     * @throws IllegalArgumentException  if {@code [physicalAddress, physicalAddress + len)} does not
     *                                   lie inside one live, mapped block; nothing is copied
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code dst}
     */
    void read(long physicalAddress, byte[] dst, int off, int len);

    /**
     * Copies {@code len} bytes from {@code src} into host memory starting at {@code physicalAddress}.
     *
     * @param physicalAddress where to start writing, in a block from {@link #allocate(int)}
     * @param src             the bytes to write
     * @param off             the first index of {@code src} to copy
     * @param len             the number of bytes; 0 copies nothing but still needs an address inside
     *                        (or at the end of) a live, mapped block
     * @throws IllegalArgumentException  if {@code [physicalAddress, physicalAddress + len)} does not
     *                                   lie inside one live, mapped block; nothing is copied
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code src}
     */
    void write(long physicalAddress, byte[] src, int off, int len);

    /**
     * Maps or unmaps a live block for DMA, as map registers are allocated and released. An unmapped block stays
     * allocated (counted, owned, freed with {@link #free}) and keeps its bytes, but refuses every {@link #read} and
     * {@link #write} begun while it is unmapped (a copy already under way finishes), until it is mapped again. A port uses this to keep the pages
     * of a freed scatter/gather list for its next list (NdisMFreeNetBufferSGList releases the list's map registers)
     * while a device that still DMAs through the freed list is caught. Every block is mapped when allocated.
     *
     * @param physicalAddress the address {@link #allocate(int, String)} returned
     * @param mapped          true to map the block, false to unmap it
     * @throws IllegalArgumentException if no live block starts at that address; nothing changes
     * @since 2.4
     */
    void setMapped(long physicalAddress, boolean mapped);

    /** @return the bytes in live blocks, as requested from {@link #allocate(int)} */
    long allocatedBytes();
}
