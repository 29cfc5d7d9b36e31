package org.drvsim.ndis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.Test;

/** NDIS_PACKET_TYPE_* filter bits, formatted and parsed as flags joined by '|'. */
public class NdisPacketTypeTest {
    @Test
    public void theBitsHaveTheirNtddndisValues() {
        assertThat(NdisPacketType.NDIS_PACKET_TYPE_DIRECTED).isEqualTo(0x1);
        assertThat(NdisPacketType.NDIS_PACKET_TYPE_MULTICAST).isEqualTo(0x2);
        assertThat(NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST).isEqualTo(0x4);
        assertThat(NdisPacketType.NDIS_PACKET_TYPE_BROADCAST).isEqualTo(0x8);
        assertThat(NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS).isEqualTo(0x20);
    }

    @Test
    public void anEmptyFilterFormatsAs0() {
        assertThat(NdisPacketType.format(0)).isEqualTo("0");
    }

    @Test
    public void aFilterFormatsAsItsFlagsJoinedByBarInBitOrder() {
        assertThat(NdisPacketType.format(0x8 | 0x1)).isEqualTo("NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST");
        assertThat(NdisPacketType.format(0x2F)).isEqualTo("NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_MULTICAST"
                + "|NDIS_PACKET_TYPE_ALL_MULTICAST|NDIS_PACKET_TYPE_BROADCAST|NDIS_PACKET_TYPE_PROMISCUOUS");
    }

    @Test
    public void bitsWithoutANameFormatAsOneHexNumberAfterTheFlags() {
        assertThat(NdisPacketType.format(0x1 | 0x10 | 0x1000)).isEqualTo("NDIS_PACKET_TYPE_DIRECTED|0x1010");
        assertThat(NdisPacketType.format(0x10)).isEqualTo("0x10");
    }

    @Test
    public void parseTakesFlagsJoinedByBarInAnyCaseAndAroundWhitespace() {
        assertThat(NdisPacketType.parse("NDIS_PACKET_TYPE_DIRECTED | ndis_packet_type_broadcast")).isEqualTo(0x9);
    }

    @Test
    public void parseAlsoTakesFlagsJoinedByCommaOrPlus() {
        assertThat(NdisPacketType.parse("NDIS_PACKET_TYPE_DIRECTED,NDIS_PACKET_TYPE_BROADCAST")).isEqualTo(0x9);
        assertThat(NdisPacketType.parse("NDIS_PACKET_TYPE_DIRECTED + NDIS_PACKET_TYPE_MULTICAST|0x8")).isEqualTo(0xB);
    }

    @Test
    public void parseTakesDecimalAndHexNumbersMixedWithFlags() {
        assertThat(NdisPacketType.parse("9")).isEqualTo(0x9);
        assertThat(NdisPacketType.parse("0x20")).isEqualTo(0x20);
        assertThat(NdisPacketType.parse("NDIS_PACKET_TYPE_MULTICAST|0x10|1")).isEqualTo(0x13);
        assertThat(NdisPacketType.parse("0")).isEqualTo(0);
    }

    @Test
    public void parseReadsWhatFormatWrites() {
        for (int filter : new int[] {0, 0x1, 0x9, 0x2F, 0x1 | 0x10 | 0x1000}) {
            assertThat(NdisPacketType.parse(NdisPacketType.format(filter))).isEqualTo(filter);
        }
    }

    @Test
    public void aPartThatIsNeitherAFlagNorANumberIsRefusedNamingTheFlags() {
        assertThatThrownBy(() -> NdisPacketType.parse("NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_SMT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'NDIS_PACKET_TYPE_SMT' is not a packet-filter flag or number; flags: "
                        + "NDIS_PACKET_TYPE_DIRECTED, NDIS_PACKET_TYPE_MULTICAST, NDIS_PACKET_TYPE_ALL_MULTICAST, "
                        + "NDIS_PACKET_TYPE_BROADCAST, NDIS_PACKET_TYPE_PROMISCUOUS");
    }
}
