package org.drvsim.nt;

import java.util.Objects;

/**
 * One entry of a device's raw or translated resource list: CM_PARTIAL_RESOURCE_DESCRIPTOR reduced to what the
 * simulated devices have, a memory range ({@code u.Memory}) or an interrupt ({@code u.Interrupt} or {@code
 * u.MessageInterrupt}). The simulation uses one address space, so a raw and a translated descriptor are equal.
 * Documentation: "CM_PARTIAL_RESOURCE_DESCRIPTOR structure (wdm.h)".
 *
 * @param type            {@link CmResourceType#CmResourceTypeMemory} or {@link CmResourceType#CmResourceTypeInterrupt}
 * @param start           physical address of a memory range, in bytes (0 for an interrupt)
 * @param length          size of a memory range, in bytes (0 for an interrupt)
 * @param vector          the interrupt vector, 0 to 255 (0 for a memory range)
 * @param messageSignaled for an interrupt, whether it is message-signalled (CM_RESOURCE_INTERRUPT_MESSAGE)
 */
public record CmResourceDescriptor(CmResourceType type, long start, long length, int vector, boolean messageSignaled) {
    /** @throws NullPointerException if {@code type} is null */
    public CmResourceDescriptor {
        Objects.requireNonNull(type, "type");
    }

    /** @return a memory-range descriptor: {@code length} bytes at physical address {@code start} */
    public static CmResourceDescriptor memory(long start, long length) {
        return new CmResourceDescriptor(CmResourceType.CmResourceTypeMemory, start, length, 0, false);
    }

    /** @return an interrupt descriptor for {@code vector}, line-based or message-signalled */
    public static CmResourceDescriptor interrupt(int vector, boolean messageSignaled) {
        return new CmResourceDescriptor(CmResourceType.CmResourceTypeInterrupt, 0, 0, vector, messageSignaled);
    }

    /**
     * @return this descriptor as a person reads it: {@code memory 0xF0000000+0x1000}, {@code interrupt 11} or
     *         {@code interrupt 11 (MSI)}
     */
    @Override
    public String toString() {
        return type == CmResourceType.CmResourceTypeMemory ? String.format("memory 0x%X+0x%X", start, length)
                : type == CmResourceType.CmResourceTypeInterrupt ? "interrupt " + vector + (messageSignaled ? " (MSI)" : "")
                : type + " " + start + "+" + length;
    }
}
