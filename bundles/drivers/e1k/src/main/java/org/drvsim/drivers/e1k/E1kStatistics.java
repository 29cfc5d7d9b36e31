package org.drvsim.drivers.e1k;

import static org.drvsim.drivers.e1k.E1kHardware.*;

import java.util.concurrent.atomic.AtomicLong;
import org.drvsim.ndis.NdisStatisticsInfo;

/**
 * The adapter's statistics for OID_GEN_STATISTICS: the NIC's counters (SDM 13.7), which clear when read, accumulated
 * into 64-bit totals at each query (an e1000 driver's {@code e1000_update_stats}), plus what only the driver knows
 * (frames it did not indicate, sends it refused). Octet counts are the NIC's, FCS included.
 */
final class E1kStatistics {
    /** Frames the NIC stored that the driver did not indicate (paused, filtered, malformed). */
    final AtomicLong inDiscards = new AtomicLong();
    /** Sends the driver refused or the NIC could not send. */
    final AtomicLong outErrors = new AtomicLong();
    private long missed;
    private long rxErrors;
    private long inOctets;
    private long inPackets;
    private long inBroadcast;
    private long inMulticast;
    private long outOctets;
    private long outPackets;
    private long outBroadcast;
    private long outMulticast;

    /**
     * Reads (and so clears) the NIC's counters into the totals and encodes NDIS_STATISTICS_INFO. At most
     * DISPATCH_LEVEL. A gone NIC adds nothing.
     */
    synchronized byte[] query(E1kHardware hw) {
        if (!hw.gone()) {
            missed += u(hw.read(MPC));
            rxErrors += u(hw.read(RXERRC)) + u(hw.read(RLEC)); // RLEC: too short (RUC) or too long (ROC)
            inPackets += u(hw.read(GPRC));
            inBroadcast += u(hw.read(BPRC));
            inMulticast += u(hw.read(MPRC));
            outPackets += u(hw.read(GPTC));
            outBroadcast += u(hw.read(BPTC));
            outMulticast += u(hw.read(MPTC));
            inOctets += hw.read64(GORCL, GORCH);
            outOctets += hw.read64(GOTCL, GOTCH);
        }
        return NdisStatisticsInfo.encode(inDiscards.get() + missed, rxErrors, inOctets,
                inPackets - inBroadcast - inMulticast, inMulticast, inBroadcast, outOctets,
                outPackets - outBroadcast - outMulticast, outMulticast, outBroadcast, outErrors.get(), 0);
    }

    private static long u(int v) {
        return v == ALL_ONES ? 0 : v & 0xFFFF_FFFFL;
    }
}
