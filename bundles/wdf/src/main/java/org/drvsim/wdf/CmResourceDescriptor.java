package org.drvsim.wdf;

/**
 * One entry of a translated (or raw) resource list, CM_PARTIAL_RESOURCE_DESCRIPTOR reduced to what the
 * simulated devices have.
 *
 * @param type     {@code CmResourceTypeMemory} or {@code CmResourceTypeInterrupt}
 * @param start    physical address of a memory range
 * @param length   bytes of a memory range
 * @param vector   the interrupt vector
 */
public record CmResourceDescriptor(String type, long start, long length, int vector) {
    public static final String CmResourceTypeMemory = "CmResourceTypeMemory";
    public static final String CmResourceTypeInterrupt = "CmResourceTypeInterrupt";
}
