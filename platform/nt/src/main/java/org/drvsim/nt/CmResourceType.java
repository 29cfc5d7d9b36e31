package org.drvsim.nt;

/**
 * The {@code Type} of a CM_PARTIAL_RESOURCE_DESCRIPTOR (wdm.h, {@code CmResourceType*}), with its real value.
 * The simulated machine assigns memory ranges and interrupts; the other types exist for completeness.
 * Documentation: "CM_PARTIAL_RESOURCE_DESCRIPTOR structure (wdm.h)".
 */
public enum CmResourceType {
    CmResourceTypeNull(0),
    CmResourceTypePort(1),
    CmResourceTypeInterrupt(2),
    CmResourceTypeMemory(3),
    CmResourceTypeDma(4),
    CmResourceTypeDeviceSpecific(5),
    CmResourceTypeBusNumber(6),
    CmResourceTypeMemoryLarge(7);

    private final int value;

    CmResourceType(int value) {
        this.value = value;
    }

    /** @return the UCHAR value of the constant */
    public int value() {
        return value;
    }
}
