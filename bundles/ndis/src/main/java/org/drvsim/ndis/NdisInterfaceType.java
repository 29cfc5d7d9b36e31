package org.drvsim.ndis;

/**
 * NDIS_INTERFACE_TYPE (ndis.h): the bus an adapter sits on, as a miniport reports it in {@link
 * NdisMiniportAdapterAttributes.Registration}. The values equal INTERFACE_TYPE ({@link
 * org.drvsim.nt.InterfaceType}); a virtual miniport reports {@link #NdisInterfaceInternal}. Documentation:
 * "NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES structure (ndis.h)".
 */
public enum NdisInterfaceType {
    NdisInterfaceInternal(0),
    NdisInterfaceIsa(1),
    NdisInterfaceEisa(2),
    NdisInterfaceMca(3),
    NdisInterfaceTurboChannel(4),
    NdisInterfacePci(5),
    NdisInterfacePcMcia(8),
    NdisInterfaceCBus(9),
    NdisInterfaceMPIBus(10),
    NdisInterfaceMPSABus(11),
    NdisInterfaceProcessorInternal(12),
    NdisInterfaceInternalPowerBus(13),
    NdisInterfacePNPISABus(14),
    NdisInterfacePNPBus(15),
    NdisInterfaceUSB(16),
    NdisInterfaceIrda(17),
    NdisInterface1394(18);

    private final int value;

    NdisInterfaceType(int value) {
        this.value = value;
    }

    /** @return the enumeration's numeric value */
    public int value() {
        return value;
    }
}
