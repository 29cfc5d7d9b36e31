package org.drvsim.hw;

/**
 * A hardware resource a device decodes, as the PCI configuration space and the interrupt routing of
 * the simulated machine assign it: a memory range behind a base address register, or an interrupt.
 * The kernel hands these to a driver as its raw and translated resources (the simulation uses one
 * address space, so the two are the same).
 *
 * <p>Values are immutable and thread-safe. A device's resources are fixed when it is plugged and do
 * not change for its life, not even after it is removed.
 */
public sealed interface HwResource permits HwResource.MemoryResource, HwResource.InterruptResource {

    /**
     * A memory-mapped register range behind a base address register (a PCI BAR); open it with
     * {@link SimDevice#mmio(int)}.
     *
     * @param bar             the base address register, 0 to 5
     * @param physicalAddress where the range sits in the simulated physical address space, in bytes;
     *                        not negative
     * @param length          the range's size in bytes; positive
     */
    record MemoryResource(int bar, long physicalAddress, long length) implements HwResource {
        /** @throws IllegalArgumentException if a component is out of its range */
        public MemoryResource {
            if (bar < 0 || bar > 5) {
                throw new IllegalArgumentException("BAR " + bar + " is not 0 to 5");
            }
            if (physicalAddress < 0) {
                throw new IllegalArgumentException("physical address " + physicalAddress + " is negative");
            }
            if (length <= 0) {
                throw new IllegalArgumentException("memory range length " + length + " is not positive");
            }
        }
    }

    /**
     * An interrupt the device raises; receive it with {@link SimDevice#connectInterrupt(InterruptSink)}.
     *
     * @param vector          the interrupt vector, 0 to 255
     * @param messageSignaled {@code true} for a message-signalled interrupt (MSI), {@code false} for a
     *                        level-triggered line-based interrupt (INTx)
     */
    record InterruptResource(int vector, boolean messageSignaled) implements HwResource {
        /** @throws IllegalArgumentException if the vector is not 0 to 255 */
        public InterruptResource {
            if (vector < 0 || vector > 255) {
                throw new IllegalArgumentException("interrupt vector " + vector + " is not 0 to 255");
            }
        }
    }
}
