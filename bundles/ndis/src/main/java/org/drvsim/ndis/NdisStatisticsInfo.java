package org.drvsim.ndis;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of NDIS_STATISTICS_INFO that OID_GEN_STATISTICS returns, reduced to the counters the
 * simulation fills: header (4 bytes), SupportedStatistics (4), then 64-bit counters in the header's
 * order: ifInDiscards, ifInErrors, ifHCInOctets, ifHCInUcastPkts, ifHCInMulticastPkts,
 * ifHCInBroadcastPkts, ifHCOutOctets, ifHCOutUcastPkts, ifHCOutMulticastPkts, ifHCOutBroadcastPkts,
 * ifOutErrors, ifOutDiscards.
 */
public final class NdisStatisticsInfo {
    static final String[] NAMES = {"ifInDiscards", "ifInErrors", "ifHCInOctets", "ifHCInUcastPkts",
            "ifHCInMulticastPkts", "ifHCInBroadcastPkts", "ifHCOutOctets", "ifHCOutUcastPkts",
            "ifHCOutMulticastPkts", "ifHCOutBroadcastPkts", "ifOutErrors", "ifOutDiscards"};
    /** Bytes in the structure. */
    public static final int SIZE = 8 + 8 * NAMES.length;

    private NdisStatisticsInfo() {
    }

    /** Encodes the counters, in {@link #NAMES} order. */
    public static byte[] encode(long... counters) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        // NDIS_OBJECT_HEADER: UCHAR Type (NDIS_OBJECT_TYPE_DEFAULT), UCHAR Revision (1), USHORT Size
        b.put((byte) 0x80).put((byte) 1).putShort((short) SIZE);
        b.putInt(0x00FF_FFFF);
        for (int i = 0; i < NAMES.length; i++) {
            b.putLong(i < counters.length ? counters[i] : 0);
        }
        return b.array();
    }

    /** @return the counters as name=value pairs */
    public static String render(byte[] data) {
        if (data.length < SIZE) {
            return "(" + data.length + " bytes)";
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            s.append(i == 0 ? "" : " ").append(NAMES[i]).append('=').append(b.getLong(8 + 8 * i));
        }
        return s.toString();
    }
}
