package org.drvsim.ndis;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A block of host memory shared between the driver and its bus-master NIC, from {@link
 * NdisMiniportAdapterHandle#ndisMAllocateSharedMemory}: the driver's virtual view (this object's {@code read} and
 * {@code write}) and the physical address the NIC uses for DMA ({@link #physicalAddress()}). The memory is simulated
 * host memory: what the device DMAs there, the driver reads, and the reverse. Offsets and lengths are bytes. After
 * NdisMFreeSharedMemory an access throws {@link IllegalStateException}, as a use after free would fault. Any IRQL.
 *
 * @since 3.1
 */
@ProviderType
public interface NdisSharedMemory {
    /** @return NDIS_PHYSICAL_ADDRESS: the block's physical (logical) address for the NIC's DMA engine */
    long physicalAddress();

    /** @return the block's length in bytes */
    int length();

    /** Copies {@code len} bytes of the block starting at {@code offset} into {@code dst}. */
    void read(int offset, byte[] dst, int dstOffset, int len);

    /** Copies {@code len} bytes from {@code src} into the block starting at {@code offset}. */
    void write(int offset, byte[] src, int srcOffset, int len);
}
