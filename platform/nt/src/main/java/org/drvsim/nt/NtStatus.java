package org.drvsim.nt;

/**
 * The NTSTATUS values the simulation uses, with their real codes (ntstatus.h). {@link #toString()}
 * is the WDK constant name, as the trace shows it.
 */
public enum NtStatus {
    STATUS_SUCCESS(0x0000_0000),
    STATUS_PENDING(0x0000_0103),
    STATUS_UNSUCCESSFUL(0xC000_0001),
    STATUS_NOT_IMPLEMENTED(0xC000_0002),
    STATUS_INVALID_PARAMETER(0xC000_000D),
    STATUS_NO_SUCH_DEVICE(0xC000_000E),
    STATUS_INVALID_DEVICE_REQUEST(0xC000_0010),
    STATUS_INSUFFICIENT_RESOURCES(0xC000_009A),
    STATUS_DEVICE_NOT_CONNECTED(0xC000_009D),
    STATUS_NOT_SUPPORTED(0xC000_00BB),
    STATUS_CANCELLED(0xC000_0120),
    STATUS_DRIVER_INTERNAL_ERROR(0xC000_0183),
    STATUS_INVALID_DEVICE_STATE(0xC000_0184),
    STATUS_NO_MORE_ENTRIES(0x8000_001A),
    STATUS_DEVICE_BUSY(0x8000_0011),
    STATUS_DEVICE_REMOVED(0xC000_02B6),
    STATUS_DEVICE_DATA_ERROR(0xC000_009C),
    STATUS_DRIVER_ENTRYPOINT_NOT_FOUND(0xC000_0263),
    STATUS_OBJECT_TYPE_MISMATCH(0xC000_0024);

    private final int code;

    NtStatus(int code) {
        this.code = code;
    }

    /** @return the 32-bit NTSTATUS code */
    public int code() {
        return code;
    }

    /** @return whether this is a success or informational status ({@code NT_SUCCESS}) */
    public boolean isSuccess() {
        return code >= 0;
    }

    /** @return the code as {@code 0x........} */
    public String hex() {
        return String.format("0x%08X", code);
    }
}
