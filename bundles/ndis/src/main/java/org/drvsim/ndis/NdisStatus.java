package org.drvsim.ndis;

/**
 * NDIS_STATUS values with their real codes (ndis.h; NTSTATUS-compatible). {@link #toString()} is the
 * WDK constant name, as the trace shows it.
 */
public enum NdisStatus {
    NDIS_STATUS_SUCCESS(0x0000_0000),
    NDIS_STATUS_PENDING(0x0000_0103),
    NDIS_STATUS_NOT_ACCEPTED(0x0001_0003),
    /**
     * A status indication code, not a result: the link state changed ({@link NdisMiniportAdapterHandle#ndisMIndicateStatusEx}
     * with an {@link NdisLinkState}).
     *
     * @since 3.1
     */
    NDIS_STATUS_LINK_STATE(0x4001_0017),
    /** MiniportResetEx: the reset succeeded but the NIC reported soft errors. */
    NDIS_STATUS_SOFT_ERRORS(0x8001_0003),
    /** MiniportResetEx: the reset failed for a hardware error. */
    NDIS_STATUS_HARD_ERRORS(0x8001_0004),
    NDIS_STATUS_FAILURE(0xC000_0001),
    NDIS_STATUS_INVALID_PARAMETER(0xC000_000D),
    NDIS_STATUS_BUFFER_TOO_SHORT(0xC000_0023),
    NDIS_STATUS_RESOURCES(0xC000_009A),
    NDIS_STATUS_NOT_SUPPORTED(0xC000_00BB),
    NDIS_STATUS_BAD_VERSION(0xC001_0004),
    NDIS_STATUS_BAD_CHARACTERISTICS(0xC001_0005),
    NDIS_STATUS_MULTICAST_FULL(0xC001_0009),
    NDIS_STATUS_ADAPTER_NOT_READY(0xC001_0011),
    NDIS_STATUS_INVALID_LENGTH(0xC001_0014),
    NDIS_STATUS_INVALID_DATA(0xC001_0015),
    NDIS_STATUS_INVALID_OID(0xC001_0017),
    NDIS_STATUS_REQUEST_ABORTED(0xC001_000C),
    NDIS_STATUS_RESET_IN_PROGRESS(0xC001_000D),
    /**
     * What a miniport sets on each NBL it completes because MiniportCancelSend cancelled it. ndis.h defines it as
     * STATUS_NDIS_REQUEST_ABORTED, not as the older NDIS_STATUS_REQUEST_ABORTED (0xC001000C).
     */
    NDIS_STATUS_SEND_ABORTED(0xC023_000C),
    NDIS_STATUS_PAUSED(0xC023_002A),
    NDIS_STATUS_LOW_POWER_STATE(0xC023_002F);

    private final int code;

    NdisStatus(int code) {
        this.code = code;
    }

    /** @return the 32-bit status code */
    public int code() {
        return code;
    }

    /** @return {@code NT_SUCCESS(code)}: success and informational statuses */
    public boolean isSuccess() {
        return code >= 0;
    }
}
