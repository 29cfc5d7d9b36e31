package org.drvsim.ndis;

/** NDIS_REQUEST_TYPE of an OID request (spec/ndis-lifecycle.md section 8). */
public enum NdisRequestType {
    NdisRequestQueryInformation(0),
    NdisRequestSetInformation(1),
    NdisRequestQueryStatistics(2),
    NdisRequestMethod(12);

    private final int value;

    NdisRequestType(int value) {
        this.value = value;
    }

    /** @return the numeric NDIS_REQUEST_TYPE value */
    public int value() {
        return value;
    }

    /** @return whether this request reads from the miniport (query or query-statistics) */
    public boolean isQuery() {
        return this == NdisRequestQueryInformation || this == NdisRequestQueryStatistics;
    }
}
