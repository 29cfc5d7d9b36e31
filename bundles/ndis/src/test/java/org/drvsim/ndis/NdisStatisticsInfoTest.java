package org.drvsim.ndis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.Test;

/** The NDIS_STATISTICS_INFO layout that OID_GEN_STATISTICS returns. */
public class NdisStatisticsInfoTest {
    @Test
    public void theStructureIsAHeaderSupportedStatisticsAndTwelve64BitCounters() {
        assertThat(NdisStatisticsInfo.SIZE).isEqualTo(104);
        assertThat(NdisStatisticsInfo.encode()).hasSize(104);
    }

    @Test
    public void theCountersAreLittleEndianInTheHeadersOrderAndMissingOnesAre0() {
        ByteBuffer b = ByteBuffer.wrap(NdisStatisticsInfo.encode(1, 2, 3)).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(b.getLong(8)).isEqualTo(1);
        assertThat(b.getLong(16)).isEqualTo(2);
        assertThat(b.getLong(24)).isEqualTo(3);
        assertThat(b.getLong(32)).isZero();
        assertThat(b.getLong(96)).isZero();
    }

    @Test
    public void renderShowsEveryCounterByName() {
        assertThat(NdisStatisticsInfo.render(NdisStatisticsInfo.encode(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)))
                .isEqualTo("ifInDiscards=1 ifInErrors=2 ifHCInOctets=3 ifHCInUcastPkts=4 ifHCInMulticastPkts=5"
                        + " ifHCInBroadcastPkts=6 ifHCOutOctets=7 ifHCOutUcastPkts=8 ifHCOutMulticastPkts=9"
                        + " ifHCOutBroadcastPkts=10 ifOutErrors=11 ifOutDiscards=12");
    }

    @Test
    public void renderOfTooFewBytesSaysHowMany() {
        assertThat(NdisStatisticsInfo.render(new byte[10])).isEqualTo("(10 bytes)");
    }

    @Test
    public void theHeaderIsAnNdisObjectHeaderOfTypeDefaultRevision1AndTheStructuresSize() {
        ByteBuffer b = ByteBuffer.wrap(NdisStatisticsInfo.encode()).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(b.get(0)).as("Type: NDIS_OBJECT_TYPE_DEFAULT").isEqualTo((byte) 0x80);
        assertThat(b.get(1)).as("Revision: NDIS_STATISTICS_INFO_REVISION_1").isEqualTo((byte) 1);
        assertThat(b.getShort(2)).as("Size").isEqualTo((short) NdisStatisticsInfo.SIZE);
    }
}
