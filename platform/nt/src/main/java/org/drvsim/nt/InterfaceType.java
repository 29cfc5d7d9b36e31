package org.drvsim.nt;

/**
 * INTERFACE_TYPE (wdm.h): the bus type an adapter sits on, as Storport's {@code AdapterInterfaceType} and
 * NDIS's interface type name it. {@link #Internal} is what a virtual (root-enumerated) adapter uses.
 * Documentation: "INTERFACE_TYPE enumeration (wdm.h)".
 */
public enum InterfaceType {
    InterfaceTypeUndefined(-1),
    Internal(0),
    Isa(1),
    Eisa(2),
    MicroChannel(3),
    TurboChannel(4),
    PCIBus(5),
    VMEBus(6),
    NuBus(7),
    PCMCIABus(8),
    CBus(9),
    MPIBus(10),
    MPSABus(11),
    ProcessorInternal(12),
    InternalPowerBus(13),
    PNPISABus(14),
    PNPBus(15),
    Vmcs(16),
    ACPIBus(17);

    private final int value;

    InterfaceType(int value) {
        this.value = value;
    }

    /** @return the enumeration's numeric value */
    public int value() {
        return value;
    }
}
