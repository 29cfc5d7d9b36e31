package org.drvsim.ndis;

import java.util.Objects;

/**
 * NDIS_STATUS_INDICATION, what a miniport passes to {@link NdisMiniportAdapterHandle#ndisMIndicateStatusEx}, reduced to
 * its StatusCode and StatusBuffer (SourceHandle is the adapter). Documentation: "NDIS_STATUS_INDICATION structure
 * (ndis.h)".
 *
 * @param statusCode   for example {@link NdisStatus#NDIS_STATUS_LINK_STATE}
 * @param statusBuffer the status's data: an {@link NdisLinkState} for NDIS_STATUS_LINK_STATE
 * @since 3.1
 */
public record NdisStatusIndication(NdisStatus statusCode, Object statusBuffer) {
    /** @throws NullPointerException if the status code is null */
    public NdisStatusIndication {
        Objects.requireNonNull(statusCode, "statusCode");
    }
}
