package org.drvsim.ndis;

import java.util.Objects;

/**
 * NDIS_LINK_STATE, the status buffer of an {@link NdisStatus#NDIS_STATUS_LINK_STATE} indication. Documentation:
 * "NDIS_LINK_STATE structure (ntddndis.h)".
 *
 * @param mediaConnectState whether the link is up
 * @param xmitLinkSpeed     transmit speed in bits per second ({@code -1} NDIS_LINK_SPEED_UNKNOWN)
 * @param rcvLinkSpeed      receive speed in bits per second ({@code -1} unknown)
 * @since 3.1
 */
public record NdisLinkState(NdisMediaConnectState mediaConnectState, long xmitLinkSpeed, long rcvLinkSpeed) {
    /** @throws NullPointerException if the connect state is null */
    public NdisLinkState {
        Objects.requireNonNull(mediaConnectState, "mediaConnectState");
    }
}
