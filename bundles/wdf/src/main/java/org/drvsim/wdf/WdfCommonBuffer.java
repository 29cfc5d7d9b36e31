package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * WDFCOMMONBUFFER: memory both the driver and its device reach (spec DM-2); parented to the device here, freed
 * when it is deleted. The device uses {@link #wdfCommonBufferGetAlignedLogicalAddress()}; the driver copies in
 * and out (what it would do through WdfCommonBufferGetAlignedVirtualAddress).
 */
@ProviderType
public interface WdfCommonBuffer extends WdfObject {
    /** Models WdfCommonBufferGetAlignedLogicalAddress. */
    long wdfCommonBufferGetAlignedLogicalAddress();

    /** Models WdfCommonBufferGetLength, in bytes. */
    int wdfCommonBufferGetLength();

    /** Copies out of the buffer. */
    void read(int offset, byte[] dst, int dstOffset, int len);

    /** Copies into the buffer. */
    void write(int offset, byte[] src, int srcOffset, int len);
}
