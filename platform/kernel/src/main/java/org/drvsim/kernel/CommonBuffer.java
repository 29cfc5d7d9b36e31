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

    /** Copies {@code len} bytes from the buffer at {@code offset} into {@code dst}. */
    void read(int offset, byte[] dst, int dstOffset, int len);

    /** Copies {@code len} bytes from {@code src} into the buffer at {@code offset}. */
    void write(int offset, byte[] src, int srcOffset, int len);

    /** Frees the buffer (FreeCommonBuffer); later accesses throw IllegalStateException. */
    void free();
}
