package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;

/**
 * What a framework function that creates an object returns: its NTSTATUS and, on success, the new handle
 * (the C functions' status plus out-parameter).
 *
 * @param status the NTSTATUS
 * @param value  the created handle, or null on failure
 * @param <T>    the handle type
 */
public record WdfResult<T>(NtStatus status, T value) {
    /** @return {@code NT_SUCCESS(status)} */
    public boolean isSuccess() {
        return status.isSuccess();
    }
}
