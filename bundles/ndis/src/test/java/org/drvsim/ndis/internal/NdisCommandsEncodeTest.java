package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.drvsim.ndis.NdisOid;
import org.junit.Test;

/** How {@code ndis:oid} turns a VALUE into the OID's InformationBuffer and shows what a query returned. */
public class NdisCommandsEncodeTest {
    @Test
    public void macAddressesAreSixHexBytesWithDashesColonsOrNothingBetween() {
        assertThat(NdisCommands.encode(NdisOid.OID_802_3_MULTICAST_LIST, "01:00:5e:00:00:01, 33-33-00-00-00-01"))
                .containsExactly(1, 0, 0x5E, 0, 0, 1, 0x33, 0x33, 0, 0, 0, 1);
        assertThat(NdisCommands.encode(NdisOid.OID_802_3_CURRENT_ADDRESS, "02E100000009"))
                .containsExactly(2, 0xE1, 0, 0, 0, 9);
        assertThat(NdisCommands.encode(NdisOid.OID_802_3_MULTICAST_LIST, "-")).isEmpty();
    }

    @Test
    public void aBadMacAddressIsRefusedSayingWhatAMacAddressLooksLike() {
        for (String bad : new String[] {"02-E1-00-00-00-zz", "02-E1-00-00-00", "02-E1-00-00-00-01-02"}) {
            assertThatThrownBy(() -> NdisCommands.encode(NdisOid.OID_802_3_CURRENT_ADDRESS, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bad value '" + bad + "' for OID_802_3_CURRENT_ADDRESS: '" + bad
                            + "' is not a MAC address: six bytes in hexadecimal, such as 02-E1-00-00-00-01");
        }
    }

    @Test
    public void theSupportedListIsShownAsOidNamesAndAnUnknownOneAsItsNumber() {
        byte[] list = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(NdisOid.OID_GEN_SUPPORTED_LIST).putInt(NdisOid.OID_GEN_CURRENT_PACKET_FILTER).putInt(0x00FF_0001)
                .array();
        assertThat(NdisCommands.render(NdisOid.OID_GEN_SUPPORTED_LIST, list))
                .isEqualTo("OID_GEN_SUPPORTED_LIST, OID_GEN_CURRENT_PACKET_FILTER, 0x00FF0001");
    }
}
