package org.drvsim.drivers.netvmini;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisStatus;
import org.junit.Test;

/** MiniportInitializeEx of netvmini: the MAC address and the attributes it sets (spec section 3.1). */
public class NetvminiAdapterTest {
    private final FakeAdapterHandle handle = new FakeAdapterHandle();

    private NdisStatus initialize(int ifIndex, Map<String, String> configuration) {
        return NetvminiAdapter.initializeEx(new NetvminiDriver(), handle,
                new NdisMiniportInitParameters(0, ifIndex, configuration));
    }

    @Test
    public void initializeSetsTheRegistrationAttributesThenTheGeneralAttributes() {
        assertThat(initialize(7, Map.of())).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(handle.attributes).hasSize(2);
        NdisMiniportAdapterAttributes.Registration reg = handle.registration();
        assertThat(reg.miniportAdapterContext()).isInstanceOf(NetvminiAdapter.class);
        assertThat(reg.attributeFlags()).isEqualTo(NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK
                | NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_NDIS_WDM);
        assertThat(reg.checkForHangTimeInSeconds()).isZero();
        assertThat(reg.interfaceType()).isEqualTo(NdisInterfaceType.NdisInterfaceInternal);

        NdisMiniportAdapterAttributes.General gen = handle.general();
        assertThat(gen.mediaType()).isEqualTo(NdisMedium.NdisMedium802_3);
        assertThat(gen.mtuSize()).isEqualTo(1500);
        assertThat(gen.maxXmitLinkSpeed()).isEqualTo(1_000_000_000L);
        assertThat(gen.maxRcvLinkSpeed()).isEqualTo(1_000_000_000L);
        assertThat(gen.mediaConnectState()).isEqualTo(NdisMediaConnectState.MediaConnectStateConnected);
        assertThat(gen.macAddressLength()).isEqualTo(6);
        assertThat(gen.permanentMacAddress()).containsExactly(0x02, 0x50, 0xF2, 0x00, 0x00, 0x07);
        assertThat(gen.currentMacAddress()).containsExactly(0x02, 0x50, 0xF2, 0x00, 0x00, 0x07);
        assertThat(gen.supportedPacketFilters()).isEqualTo(0x2F);
        assertThat(gen.maxMulticastListSize()).isEqualTo(32);
        assertThat(gen.supportedOidList()).contains(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, NdisOid.OID_GEN_STATISTICS,
                NdisOid.OID_802_3_CURRENT_ADDRESS, NdisOid.OID_802_3_MULTICAST_LIST);
    }

    @Test
    public void initializeAllocatesTheSendCompleteTimerAndHaltFreesIt() {
        assertThat(initialize(1, Map.of())).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(handle.timers).hasSize(1);
        assertThat(handle.timers.get(0).freed).isFalse();

        NetvminiAdapter.haltEx(handle.adapter(), NdisHaltAction.NdisHaltDeviceDisabled);

        assertThat(handle.timers.get(0).freed).isTrue();
    }

    @Test
    public void theAdapterStartsWithFilter0AnEmptyMulticastListAndNotReady() {
        NetvminiAdapter a = FakeAdapterHandle.initializedAdapter(1, Map.of());

        assertThat(a.packetFilter).isZero();
        assertThat(a.multicastList).isEmpty();
        assertThat(a.ready).isFalse();
    }

    @Test
    public void macAddressesStayUniqueBeyond255Adapters() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int ifIndex : new int[] {1, 255, 256, 257, 511, 65_536, 65_537}) {
            NetvminiAdapter a = FakeAdapterHandle.initializedAdapter(ifIndex, Map.of());
            assertThat(seen.add(java.util.HexFormat.of().formatHex(a.currentAddress))).as("ifIndex " + ifIndex).isTrue();
        }
        assertThat(FakeAdapterHandle.initializedAdapter(257, Map.of()).currentAddress)
                .containsExactly(0x02, 0x50, 0xF2, 0x00, 0x01, 0x01);
    }

    @Test
    public void theConfiguredNetvminiMacAddressIsThePermanentAndCurrentAddress() {
        for (String text : new String[] {"00-11-22-33-44-55", "00:11:22:33:44:55", "001122334455"}) {
            NetvminiAdapter a = FakeAdapterHandle.initializedAdapter(1, Map.of("NetvminiMacAddress", text));

            assertThat(a.permanentAddress).as(text).containsExactly(0x00, 0x11, 0x22, 0x33, 0x44, 0x55);
            assertThat(a.currentAddress).as(text).containsExactly(0x00, 0x11, 0x22, 0x33, 0x44, 0x55);
        }
    }

    @Test
    public void aNetvminiMacAddressThatIsNotHexFailsInitializeWithInvalidDataAndSetsNoAttributes() {
        assertThat(initialize(1, Map.of("NetvminiMacAddress", "00-11-22-33-44-ZZ")))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_DATA);
        assertThat(handle.attributes).isEmpty();
        assertThat(handle.timers).isEmpty();
    }

    @Test
    public void aNetvminiMacAddressThatIsNotSixBytesFailsInitializeWithInvalidData() {
        assertThat(initialize(1, Map.of("NetvminiMacAddress", "00-11-22-33-44")))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_DATA);
        assertThat(initialize(1, Map.of("NetvminiMacAddress", "00-11-22-33-44-55-66")))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_DATA);
        assertThat(handle.attributes).isEmpty();
    }

    @Test
    public void whenNdisRefusesTheRegistrationAttributesInitializeReturnsThatStatusAndSetsNoGeneralAttributes() {
        handle.setAttributesStatus = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;

        assertThat(initialize(1, Map.of())).isEqualTo(NdisStatus.NDIS_STATUS_INVALID_PARAMETER);
        assertThat(handle.attributes).hasSize(1);
        assertThat(handle.attributes.get(0)).isInstanceOf(NdisMiniportAdapterAttributes.Registration.class);
        assertThat(handle.timers).isEmpty();
    }

    @Test
    public void whenNdisRefusesTheGeneralAttributesInitializeReturnsThatStatusAndAllocatesNothing() {
        FakeAdapterHandle refusesGeneral = new FakeAdapterHandle() {
            @Override
            public NdisStatus ndisMSetMiniportAttributes(NdisMiniportAdapterAttributes a) {
                super.ndisMSetMiniportAttributes(a);
                return a instanceof NdisMiniportAdapterAttributes.General ? NdisStatus.NDIS_STATUS_INVALID_PARAMETER
                        : NdisStatus.NDIS_STATUS_SUCCESS;
            }
        };

        assertThat(NetvminiAdapter.initializeEx(new NetvminiDriver(), refusesGeneral,
                new NdisMiniportInitParameters(0, 1, Map.of()))).isEqualTo(NdisStatus.NDIS_STATUS_INVALID_PARAMETER);
        assertThat(refusesGeneral.attributes).hasSize(2);
        assertThat(refusesGeneral.timers).isEmpty();
    }
}
