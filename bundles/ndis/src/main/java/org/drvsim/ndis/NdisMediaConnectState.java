package org.drvsim.ndis;

/**
 * NDIS_MEDIA_CONNECT_STATE (ntddndis.h): whether the link is up, as a miniport reports it in {@link
 * NdisMiniportAdapterAttributes.General} and in NDIS_LINK_STATE. Documentation: "NDIS_MEDIA_CONNECT_STATE
 * enumeration (ntddndis.h)".
 */
public enum NdisMediaConnectState {
    MediaConnectStateUnknown(0),
    MediaConnectStateConnected(1),
    MediaConnectStateDisconnected(2);

    private final int value;

    NdisMediaConnectState(int value) {
        this.value = value;
    }

    /** @return the enumeration's numeric value, as NDIS_LINK_STATE carries it */
    public int value() {
        return value;
    }
}
