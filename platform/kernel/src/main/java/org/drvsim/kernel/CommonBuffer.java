package org.drvsim.kernel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A buffer in simulated host memory that a device can reach by DMA (what AllocateCommonBuffer returns):
 * the driver reads and writes it through this handle, the device through its logical address.
 */
@ProviderType
public interface CommonBuffer {
    /** @return the address the device uses for DMA */
    long logicalAddress();

    /** @return the buffer's size in bytes */
    int length();

    /**
     * Copies {@code len} bytes from the buffer at {@code offset} into {@code dst}.
     *
     * @throws IllegalStateException    if the buffer is freed
     * @throws IllegalArgumentException if the range lies outside the buffer, or the buffer is unmapped
     *                                  ({@link #setMapped}); nothing is copied
     */
    void read(int offset, byte[] dst, int dstOffset, int len);

    /**
     * Copies {@code len} bytes from {@code src} into the buffer at {@code offset}.
     *
     * @throws IllegalStateException    if the buffer is freed
     * @throws IllegalArgumentException if the range lies outside the buffer, or the buffer is unmapped
     *                                  ({@link #setMapped}); nothing is copied
     */
    void write(int offset, byte[] src, int srcOffset, int len);

    /**
     * Maps or unmaps the buffer for the device's DMA, as a port's map registers are allocated and released. While
     * unmapped, the buffer keeps its bytes and stays allocated, but every access begun, the device's DMA and
     * {@link #read}/{@link #write} alike, is refused (hardware-sim's {@code HostMemory.setMapped}).
     * A port keeps a freed scatter/gather list's pages this way for its next list and still catches a device that DMAs
     * through the freed list. Mapped when allocated. Any IRQL.
     *
     * @param mapped true to map, false to unmap
     * @throws IllegalStateException    if the buffer is freed
     * @throws IllegalArgumentException if host memory no longer holds it (its service stopped); nothing changes
     * @since 3.4
     */
    void setMapped(boolean mapped);

    /** Frees the buffer (FreeCommonBuffer); later accesses throw IllegalStateException. */
    void free();
}
