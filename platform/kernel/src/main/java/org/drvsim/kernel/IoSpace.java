package org.drvsim.kernel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Device registers mapped into "system space" (what MmMapIoSpace returns): 32-bit reads and writes at byte
 * offsets from the start of the mapping. A device that is gone reads all ones. Callable at any IRQL.
 */
@ProviderType
public interface IoSpace {
    long length();

    int read32(long offset);

    void write32(long offset, int value);
}
