package org.drvsim.ndis;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The system-space view of a device's registers that {@link NdisMiniportAdapterHandle#ndisMMapIoSpace} returns (its
 * VirtualAddress), read and written with the NdisReadRegisterUlong / NdisWriteRegisterUlong macros. Offsets are bytes
 * from the start of the mapping, 4-aligned. A surprise-removed device reads all ones. Any IRQL.
 *
 * @since 3.1
 */
@ProviderType
public interface NdisIoSpace {
    /** @return the length of the mapping in bytes */
    int length();

    /**
     * Models NdisReadRegisterUlong (traced with the value read while per-request tracing is on). After
     * NdisMUnmapIoSpace it is the verifier violation {@code RegisterAccessAfterUnmap} and reads {@code 0xFFFFFFFF}.
     *
     * @param offset bytes from the start of the mapping
     */
    int ndisReadRegisterUlong(long offset);

    /**
     * Models NdisWriteRegisterUlong (traced while per-request tracing is on). After NdisMUnmapIoSpace it is the verifier
     * violation {@code RegisterAccessAfterUnmap} and is dropped.
     *
     * @param offset bytes from the start of the mapping
     */
    void ndisWriteRegisterUlong(long offset, int value);
}
