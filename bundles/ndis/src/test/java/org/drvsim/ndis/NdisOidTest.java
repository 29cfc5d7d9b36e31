package org.drvsim.ndis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.Test;

/** OID names and values (ntddndis.h), as the trace and the shell show and read them. */
public class NdisOidTest {
    @Test
    public void theOidsHaveTheirNtddndisValues() {
        assertThat(NdisOid.OID_GEN_CURRENT_PACKET_FILTER).isEqualTo(0x0001010E);
        assertThat(NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE).isEqualTo(0x00010106);
        assertThat(NdisOid.OID_GEN_LINK_STATE).isEqualTo(0x00010207);
        assertThat(NdisOid.OID_GEN_STATISTICS).isEqualTo(0x00020106);
        assertThat(NdisOid.OID_802_3_PERMANENT_ADDRESS).isEqualTo(0x01010101);
        assertThat(NdisOid.OID_802_3_CURRENT_ADDRESS).isEqualTo(0x01010102);
        assertThat(NdisOid.OID_802_3_MULTICAST_LIST).isEqualTo(0x01010103);
        assertThat(NdisOid.OID_PNP_SET_POWER).isEqualTo(0xFD010101);
    }

    @Test
    public void aKnownOidIsNamedByItsConstant() {
        assertThat(NdisOid.name(0x0001010E)).isEqualTo("OID_GEN_CURRENT_PACKET_FILTER");
        assertThat(NdisOid.name(0xFD010101)).isEqualTo("OID_PNP_SET_POWER");
    }

    @Test
    public void anUnknownOidIsNamedByItsValueInEightHexDigits() {
        assertThat(NdisOid.name(0x00010203)).isEqualTo("0x00010203");
        assertThat(NdisOid.name(0)).isEqualTo("0x00000000");
    }

    @Test
    public void parseTakesAKnownNameInAnyCaseAndAroundWhitespace() {
        assertThat(NdisOid.parse("OID_GEN_CURRENT_PACKET_FILTER")).isEqualTo(0x0001010E);
        assertThat(NdisOid.parse("  oid_802_3_multicast_list ")).isEqualTo(0x01010103);
    }

    @Test
    public void parseTakesADecimalNumber() {
        assertThat(NdisOid.parse("65806")).isEqualTo(0x0001010E);
    }

    @Test
    public void parseTakesAHexNumberWithA0xPrefix() {
        assertThat(NdisOid.parse("0x0001010E")).isEqualTo(0x0001010E);
        assertThat(NdisOid.parse("0X10203")).isEqualTo(0x00010203);
        assertThat(NdisOid.parse("0xFD010101")).isEqualTo(NdisOid.OID_PNP_SET_POWER);
    }

    @Test
    public void parseOfANameAndOfItsValueAgree() {
        for (var known : NdisOid.known().entrySet()) {
            assertThat(NdisOid.parse(known.getKey())).isEqualTo(known.getValue());
            assertThat(NdisOid.parse(NdisOid.name(known.getValue()))).isEqualTo(known.getValue());
        }
    }

    @Test
    public void textThatIsNeitherAnOidNameNorANumberIsRefusedNamingTheKnownOids() {
        assertThatThrownBy(() -> NdisOid.parse("OID_GEN_NOTHING"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'OID_GEN_NOTHING' is not an OID; known: [")
                .hasMessageContaining("OID_GEN_CURRENT_PACKET_FILTER")
                .hasMessageContaining("OID_802_3_MULTICAST_LIST");
        assertThatThrownBy(() -> NdisOid.parse("0xZZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NdisOid.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void knownListsEveryNamedOid() {
        assertThat(NdisOid.known()).hasSize(15)
                .containsEntry("OID_GEN_SUPPORTED_LIST", 0x00010101)
                .containsEntry("OID_GEN_VENDOR_DESCRIPTION", 0x0001010D);
    }

    @Test
    public void aNumberWiderThan32BitsIsRefused() {
        assertThatThrownBy(() -> NdisOid.parse("0x100010106")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NdisOid.parse("4294967297")).isInstanceOf(IllegalArgumentException.class);
    }
}
