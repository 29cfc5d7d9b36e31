package org.drvsim.kernel;

/**
 * One translated hardware resource of a device node, as the PnP manager hands it to the driver that starts
 * the device (CM_PARTIAL_RESOURCE_DESCRIPTOR reduced to memory ranges and interrupts).
 *
 * @param type   {@code CmResourceTypeMemory} or {@code CmResourceTypeInterrupt}
 * @param start  physical address of a memory range, in bytes (0 for an interrupt)
 * @param length size of a memory range in bytes (0 for an interrupt)
 * @param vector the interrupt vector (0 for a memory range)
 */
public record CmResource(String type, long start, long length, int vector) {
}
