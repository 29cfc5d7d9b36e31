package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Device registers mapped with {@link WdfDevice#mmMapIoSpace}: READ_REGISTER_ULONG / WRITE_REGISTER_ULONG.
 * Offsets are bytes from the start of the mapping, 4-aligned. Callable at any IRQL.
 */
@ProviderType
public interface MappedRegisters {
    /** @return the mapping's length in bytes */
    long length();

    /** Models READ_REGISTER_ULONG; an unmapped mapping is a verifier violation and reads 0xFFFFFFFF. */
    int readRegisterUlong(long offset);

    /** Models WRITE_REGISTER_ULONG; an unmapped mapping is a verifier violation and writes nothing. */
    void writeRegisterUlong(long offset, int value);
}
