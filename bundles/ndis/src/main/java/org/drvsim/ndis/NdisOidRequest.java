package org.drvsim.ndis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * NDIS_OID_REQUEST: one OID query or set (spec/ndis-lifecycle.md section 8). For a query, the miniport
 * writes at most {@link #informationBufferLength()} bytes with {@link #complete(byte[])}, or reports
 * {@code NDIS_STATUS_BUFFER_TOO_SHORT} with {@link #bytesNeeded}; for a set it reads {@link
 * #informationBuffer()} and sets {@link #bytesRead}. Integers are little-endian, as on x64.
 */
public final class NdisOidRequest {
    private final NdisRequestType requestType;
    private final int oid;
    private final long requestId;
    private final int informationBufferLength;
    private byte[] informationBuffer;
    /** BytesWritten (query). */
    public int bytesWritten;
    /** BytesRead (set). */
    public int bytesRead;
    /** BytesNeeded, when the buffer is too short. */
    public int bytesNeeded;

    private NdisOidRequest(NdisRequestType type, int oid, long requestId, byte[] buffer, int length) {
        this.requestType = type;
        this.oid = oid;
        this.requestId = requestId;
        this.informationBuffer = buffer;
        this.informationBufferLength = length;
    }

    /** A query with an output buffer of {@code bufferLength} bytes. */
    public static NdisOidRequest query(int oid, long requestId, int bufferLength) {
        return new NdisOidRequest(NdisRequestType.NdisRequestQueryInformation, oid, requestId, new byte[0], bufferLength);
    }

    /** A set carrying {@code value}. */
    public static NdisOidRequest set(int oid, long requestId, byte[] value) {
        return new NdisOidRequest(NdisRequestType.NdisRequestSetInformation, oid, requestId, value.clone(), value.length);
    }

    public NdisRequestType requestType() { return requestType; }
    public int oid() { return oid; }
    public long requestId() { return requestId; }
    /** @return InformationBufferLength, in bytes */
    public int informationBufferLength() { return informationBufferLength; }

    /** @return a copy of the information buffer: the set's input, or what a query wrote */
    public byte[] informationBuffer() {
        return informationBuffer.clone();
    }

    /** @return the set's input as a little-endian 32-bit value (0 if shorter than 4 bytes) */
    public int informationBufferAsInt() {
        if (informationBuffer.length < 4) {
            return 0;
        }
        return ByteBuffer.wrap(informationBuffer).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /**
     * Answers a query with {@code value}: copies it and sets BytesWritten, or sets BytesNeeded.
     *
     * @return {@code NDIS_STATUS_SUCCESS}, or {@code NDIS_STATUS_BUFFER_TOO_SHORT} when the value does
     *         not fit
     */
    public NdisStatus complete(byte[] value) {
        if (value.length > informationBufferLength) {
            bytesNeeded = value.length;
            return NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT;
        }
        informationBuffer = Arrays.copyOf(value, value.length);
        bytesWritten = value.length;
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** Answers a query with a little-endian 32-bit value. */
    public NdisStatus complete(int value) {
        return complete(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    /** Answers a query with a little-endian 64-bit value. */
    public NdisStatus complete(long value) {
        return complete(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }
}
