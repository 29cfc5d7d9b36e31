package org.drvsim.ndis;

/**
 * NDIS_MEDIUM (ntddndis.h): the medium type a miniport reports in {@link NdisMiniportAdapterAttributes.General}
 * and answers OID_GEN_MEDIA_SUPPORTED with. Ethernet is {@link #NdisMedium802_3}. Documentation:
 * "NDIS_MEDIUM enumeration (ntddndis.h)".
 */
public enum NdisMedium {
    NdisMedium802_3(0),
    NdisMedium802_5(1),
    NdisMediumFddi(2),
    NdisMediumWan(3),
    NdisMediumLocalTalk(4),
    NdisMediumDix(5),
    NdisMediumArcnetRaw(6),
    NdisMediumArcnet878_2(7),
    NdisMediumAtm(8),
    NdisMediumWirelessWan(9),
    NdisMediumIrda(10),
    NdisMediumBpc(11),
    NdisMediumCoWan(12),
    NdisMedium1394(13),
    NdisMediumInfiniBand(14),
    NdisMediumTunnel(15),
    NdisMediumNative802_11(16),
    NdisMediumLoopback(17),
    NdisMediumWiMAX(18),
    NdisMediumIP(19);

    private final int value;

    NdisMedium(int value) {
        this.value = value;
    }

    /** @return the enumeration's numeric value */
    public int value() {
        return value;
    }
}
