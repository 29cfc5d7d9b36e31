package org.drvsim.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The register bank behind one base address register, as a driver sees it through
 * READ_REGISTER_ULONG and WRITE_REGISTER_ULONG once the range is mapped. Accesses are 32 bits wide
 * and may have side effects (a write can start a transfer, a read can return live status); each
 * device type documents its registers (for example {@link EchoDmaRegisters}).
 *
 * <p>A device that is no longer present because it was surprise-removed answers as a pulled PCIe
 * device does: every read returns {@code 0xFFFFFFFF} and writes are ignored.
 *
 * <p>Thread-safe; may be called from any thread, including from an {@link InterruptSink}. An access
 * never waits for the device's own thread.
 */
@ProviderType
public interface MmioRegion {
    /** @return the size of the region in bytes */
    long length();

    /**
     * Reads a 32-bit register.
     *
     * @param offset byte offset into the region; a multiple of 4 and at most {@code length() - 4}
     * @return the register's value, or {@code 0xFFFFFFFF} (-1) if the device was surprise-removed
     * @throws IllegalArgumentException if the offset is not 4-aligned or not inside the region
     */
    int read32(long offset);

    /**
     * Writes a 32-bit register; ignored if the device was surprise-removed, and by read-only or
     * reserved registers.
     *
     * @param offset byte offset into the region; a multiple of 4 and at most {@code length() - 4}
     * @param value  the value to write
     * @throws IllegalArgumentException if the offset is not 4-aligned or not inside the region
     */
    void write32(long offset, int value);
}
