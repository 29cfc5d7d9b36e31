package org.drvsim.hw.internal;

import java.util.function.IntUnaryOperator;
import org.drvsim.hw.MmioRegion;

/**
 * A PCI device's memory BAR of 32-bit registers: checks each access's offset (4-aligned, inside the BAR) and hands
 * it to the device's register read or write. What a register does, and what a surprise-removed device answers, is
 * the device's. Any thread.
 */
final class RegisterBar implements MmioRegion {
    private final String instanceId;
    private final int bar;
    private final int bytes;
    private final IntUnaryOperator read;
    private final Write write;

    /** A device's register write. */
    interface Write {
        void write(int offset, int value);
    }

    /**
     * @param instanceId the device's, for messages
     * @param bar        the BAR's index, for messages
     * @param bytes      the BAR's length in bytes, a multiple of 4
     * @param read       the device's register read: offset to value
     * @param write      the device's register write: (offset, value)
     */
    RegisterBar(String instanceId, int bar, int bytes, IntUnaryOperator read, Write write) {
        this.instanceId = instanceId;
        this.bar = bar;
        this.bytes = bytes;
        this.read = read;
        this.write = write;
    }

    @Override
    public long length() {
        return bytes;
    }

    @Override
    public int read32(long offset) {
        return read.applyAsInt(check(offset));
    }

    @Override
    public void write32(long offset, int value) {
        write.write(check(offset), value);
    }

    private int check(long offset) {
        if (offset < 0 || offset > bytes - 4 || (offset & 3) != 0) {
            throw new IllegalArgumentException("register offset 0x" + Long.toHexString(offset) + " of " + instanceId
                    + " BAR " + bar + " is not 4-aligned inside its " + bytes + " bytes");
        }
        return (int) offset;
    }

    @Override
    public String toString() {
        return instanceId + " BAR " + bar;
    }
}
