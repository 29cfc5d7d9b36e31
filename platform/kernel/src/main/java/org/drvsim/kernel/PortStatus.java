package org.drvsim.kernel;

import org.drvsim.nt.NtStatus;

/**
 * A status a port driver reports to the kernel, in the model's own terms: its 32-bit code and its
 * WDK constant name ({@code NDIS_STATUS_FAILURE}, {@code STATUS_INSUFFICIENT_RESOURCES}), so that
 * messages and problem codes name the status the driver really returned.
 *
 * @param code   the 32-bit status code (NTSTATUS-compatible; negative means failure)
 * @param name   the WDK constant name
 * @param detail why, in words, or null
 */
public record PortStatus(int code, String name, String detail) {
    public PortStatus(int code, String name) {
        this(code, name, null);
    }

    /** @return this status with a reason attached */
    public PortStatus because(String why) {
        return new PortStatus(code, name, why);
    }

    /** {@code STATUS_SUCCESS}. */
    public static final PortStatus SUCCESS = of(NtStatus.STATUS_SUCCESS);

    /** @return the NTSTATUS as a port status */
    public static PortStatus of(NtStatus status) {
        return new PortStatus(status.code(), status.name());
    }

    /** @return {@code NT_SUCCESS(code)} */
    public boolean isSuccess() {
        return code >= 0;
    }

    @Override
    public String toString() {
        return String.format("%s (0x%08X)", name, code) + (detail == null ? "" : ": " + detail);
    }
}
