package org.drvsim.ndis;

import java.util.Arrays;
import java.util.Objects;

/**
 * NET_BUFFER: one frame's data inside a {@link NetBufferList}. The data is one contiguous byte range
 * (the simulation does not split a frame across MDLs). Not thread-safe: whoever owns the NBL (the
 * protocol until it sends, the miniport until it completes) may touch it.
 */
public final class NetBuffer {
    private final byte[] data;
    private final int dataOffset;
    private final int dataLength;
    /** The next NET_BUFFER of the same NET_BUFFER_LIST, or null. */
    public NetBuffer next;

    /**
     * @param data       backing bytes, not copied
     * @param dataOffset where the frame starts in {@code data}
     * @param dataLength the frame's length in bytes
     * @throws IndexOutOfBoundsException if the range is outside {@code data}
     */
    public NetBuffer(byte[] data, int dataOffset, int dataLength) {
        Objects.checkFromIndexSize(dataOffset, dataLength, data.length);
        this.data = data;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
    }

    /** @return NET_BUFFER_DATA_LENGTH, in bytes */
    public int dataLength() {
        return dataLength;
    }

    /** @return a copy of the frame's bytes */
    public byte[] copyData() {
        return Arrays.copyOfRange(data, dataOffset, dataOffset + dataLength);
    }

    /** @return the byte at {@code index} of the frame (0-based), as 0..255 */
    public int byteAt(int index) {
        Objects.checkIndex(index, dataLength);
        return data[dataOffset + index] & 0xFF;
    }
}
