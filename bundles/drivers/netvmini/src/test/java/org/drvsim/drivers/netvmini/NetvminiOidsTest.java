package org.drvsim.drivers.netvmini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatisticsInfo;
import org.drvsim.ndis.NdisStatus;
import org.junit.Test;

/** netvmini's MiniportOidRequest (ctrlpath.c; spec/ndis-lifecycle.md sections 8 and 10). */
public class NetvminiOidsTest {
    private static final int DIRECTED_BROADCAST =
            NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | NdisPacketType.NDIS_PACKET_TYPE_BROADCAST;

    private final NetvminiAdapter adapter = FakeAdapterHandle.initializedAdapter(5, Map.of());
    private long requestId;

    private NdisOidRequest query(int oid, int bufferLength) {
        NdisOidRequest r = NdisOidRequest.query(oid, ++requestId, bufferLength);
        r.bytesNeeded = -1; // so that a test sees whether the miniport set it
        return r;
    }

    private NdisStatus request(NdisOidRequest r) {
        return NetvminiOids.oidRequest(adapter, r);
    }

    private static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static byte[] macs(int entries) {
        byte[] list = new byte[6 * entries];
        for (int i = 0; i < entries; i++) {
            list[6 * i] = 0x01;
            list[6 * i + 5] = (byte) i;
        }
        return list;
    }

    private NdisStatus setFilter(int filter) {
        return request(NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, ++requestId, le32(filter)));
    }

    private byte[] queryMulticastList() {
        NdisOidRequest q = query(NdisOid.OID_802_3_MULTICAST_LIST, 6 * 32);
        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        return q.informationBuffer();
    }

    @Test
    public void thePacketFilterStartsAt0() {
        NdisOidRequest q = query(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 4);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(q.informationBuffer()).containsExactly(0, 0, 0, 0);
        assertThat(q.bytesWritten).isEqualTo(4);
    }

    @Test
    public void aSetOfFourBytesOfSupportedFilterBitsSucceedsAndAQueryReturnsIt() {
        NdisOidRequest set = NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 1, le32(DIRECTED_BROADCAST));

        assertThat(request(set)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(set.bytesRead).isEqualTo(4);

        NdisOidRequest q = query(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 4);
        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(q.informationBuffer()).containsExactly(le32(DIRECTED_BROADCAST));
        assertThat(adapter.packetFilter).isEqualTo(DIRECTED_BROADCAST);
    }

    @Test
    public void everySupportedFilterBitCanBeSetTogether() {
        assertThat(setFilter(0x2F)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(adapter.packetFilter).isEqualTo(0x2F);
    }

    @Test
    public void aPacketFilterSetOfThreeBytesGivesInvalidLengthWithBytesNeeded4AndKeepsTheFilter() {
        setFilter(DIRECTED_BROADCAST);
        NdisOidRequest set = NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 1, new byte[] {1, 0, 0});

        assertThat(request(set)).isEqualTo(NdisStatus.NDIS_STATUS_INVALID_LENGTH);

        assertThat(set.bytesNeeded).isEqualTo(4);
        assertThat(set.bytesRead).isZero();
        assertThat(adapter.packetFilter).isEqualTo(DIRECTED_BROADCAST);
    }

    @Test
    public void aPacketFilterSetOfFiveBytesGivesInvalidLength() {
        NdisOidRequest set = NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 1, new byte[] {1, 0, 0, 0, 0});

        assertThat(request(set)).isEqualTo(NdisStatus.NDIS_STATUS_INVALID_LENGTH);
    }

    @Test
    public void aPacketFilterWithAnUnsupportedBitGivesNotSupportedAndKeepsTheFilter() {
        setFilter(DIRECTED_BROADCAST);

        // NDIS_PACKET_TYPE_SOURCE_ROUTING (0x10) and NDIS_PACKET_TYPE_ALL_LOCAL (0x80) are not supported.
        assertThat(setFilter(NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | 0x10)).isEqualTo(NdisStatus.NDIS_STATUS_NOT_SUPPORTED);
        assertThat(setFilter(0x80)).isEqualTo(NdisStatus.NDIS_STATUS_NOT_SUPPORTED);

        assertThat(adapter.packetFilter).isEqualTo(DIRECTED_BROADCAST);
    }

    @Test
    public void theMulticastListStartsEmpty() {
        assertThat(queryMulticastList()).isEmpty();
    }

    @Test
    public void aMulticastListSetIsReturnedByAQuery() {
        NdisOidRequest set = NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 1, macs(3));

        assertThat(request(set)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(set.bytesRead).isEqualTo(18);
        assertThat(queryMulticastList()).containsExactly(macs(3));
    }

    @Test
    public void aMulticastListOf32EntriesFits() {
        NdisOidRequest set = NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 1, macs(32));

        assertThat(request(set)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(adapter.multicastList.length).isEqualTo(32);
    }

    @Test
    public void aMulticastListWhoseLengthIsNotAMultipleOf6GivesInvalidLengthAndKeepsTheList() {
        request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 1, macs(2)));

        assertThat(request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 2, new byte[7])))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_LENGTH);
        assertThat(request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 3, new byte[5])))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_LENGTH);

        assertThat(queryMulticastList()).containsExactly(macs(2));
    }

    @Test
    public void aMulticastListOf33EntriesGivesMulticastFullAndKeepsTheList() {
        request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 1, macs(2)));

        assertThat(request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 2, macs(33))))
                .isEqualTo(NdisStatus.NDIS_STATUS_MULTICAST_FULL);

        assertThat(queryMulticastList()).containsExactly(macs(2));
    }

    @Test
    public void aMulticastListSetOfLength0ClearsIt() {
        request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 1, macs(4)));

        assertThat(request(NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 2, new byte[0])))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(adapter.multicastList).isEmpty();
        assertThat(queryMulticastList()).isEmpty();
    }

    @Test
    public void theMaximumMulticastListSizeIs32() {
        NdisOidRequest q = query(NdisOid.OID_802_3_MAXIMUM_LIST_SIZE, 4);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(q.informationBuffer()).containsExactly(le32(32));
    }

    @Test
    public void theCurrentAndPermanentAddressAre02_50_F2_00_00_IfIndexByDefault() {
        for (int oid : new int[] {NdisOid.OID_802_3_CURRENT_ADDRESS, NdisOid.OID_802_3_PERMANENT_ADDRESS}) {
            NdisOidRequest q = query(oid, 6);

            assertThat(request(q)).as(NdisOid.name(oid)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
            assertThat(q.informationBuffer()).as(NdisOid.name(oid)).containsExactly(0x02, 0x50, 0xF2, 0x00, 0x00, 0x05);
            assertThat(q.bytesWritten).isEqualTo(6);
        }
    }

    @Test
    public void theCurrentAndPermanentAddressAreTheConfiguredNetvminiMacAddress() {
        NetvminiAdapter configured = FakeAdapterHandle.initializedAdapter(5,
                Map.of("NetvminiMacAddress", "00-15-5D-01-02-03"));
        for (int oid : new int[] {NdisOid.OID_802_3_CURRENT_ADDRESS, NdisOid.OID_802_3_PERMANENT_ADDRESS}) {
            NdisOidRequest q = query(oid, 16);

            assertThat(NetvminiOids.oidRequest(configured, q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
            assertThat(q.informationBuffer()).as(NdisOid.name(oid)).containsExactly(0x00, 0x15, 0x5D, 0x01, 0x02, 0x03);
            assertThat(q.bytesWritten).isEqualTo(6);
        }
    }

    @Test
    public void theMaximumFrameSizeIs1500() {
        NdisOidRequest q = query(NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE, 4);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(q.informationBuffer()).containsExactly(le32(1500));
    }

    @Test
    public void theMaximumTotalSizeIs1514() {
        NdisOidRequest q = query(NdisOid.OID_GEN_MAXIMUM_TOTAL_SIZE, 4);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(q.informationBuffer()).containsExactly(le32(1514));
    }

    @Test
    public void theSupportedListHasEveryOidTheAdapterAnswers() {
        NdisOidRequest q = query(NdisOid.OID_GEN_SUPPORTED_LIST, 256);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        ByteBuffer b = ByteBuffer.wrap(q.informationBuffer()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.remaining()).isEqualTo(4 * NetvminiAdapter.SUPPORTED_OIDS.size());
        for (int oid : NetvminiAdapter.SUPPORTED_OIDS) {
            assertThat(b.getInt()).isEqualTo(oid);
            assertThat(request(query(oid, 256))).as(NdisOid.name(oid)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        }
    }

    @Test
    public void theLinkStateIsThe40ByteX64LayoutConnectedFullDuplexAt1Gbps() {
        NdisOidRequest q = query(NdisOid.OID_GEN_LINK_STATE, 64);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(q.bytesWritten).isEqualTo(40);
        ByteBuffer b = ByteBuffer.wrap(q.informationBuffer()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.remaining()).isEqualTo(40);
        assertThat(b.getInt(4)).as("MediaConnectState: MediaConnectStateConnected").isEqualTo(1);
        assertThat(b.getInt(8)).as("MediaDuplexState: MediaDuplexStateFull").isEqualTo(2);
        assertThat(b.getLong(16)).as("XmitLinkSpeed, 8-aligned on x64").isEqualTo(1_000_000_000L);
        assertThat(b.getLong(24)).as("RcvLinkSpeed").isEqualTo(1_000_000_000L);
        assertThat(b.getInt(32)).as("PauseFunctions").isZero();
        assertThat(b.getInt(36)).as("AutoNegotiationFlags").isZero();
    }

    @Test
    public void theLinkStateHeaderIsAnNdisObjectHeaderOfTypeDefaultRevision1AndItsSize() {
        NdisOidRequest q = query(NdisOid.OID_GEN_LINK_STATE, 64);
        request(q);

        ByteBuffer b = ByteBuffer.wrap(q.informationBuffer()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0)).as("Type: NDIS_OBJECT_TYPE_DEFAULT").isEqualTo((byte) 0x80);
        assertThat(b.get(1)).as("Revision: NDIS_LINK_STATE_REVISION_1").isEqualTo((byte) 1);
        assertThat(b.getShort(2)).as("Size").isEqualTo((short) 40);
    }

    @Test
    public void theStatisticsAreAnNdisStatisticsInfoOfItsFullSize() {
        NdisOidRequest q = query(NdisOid.OID_GEN_STATISTICS, NdisStatisticsInfo.SIZE);

        assertThat(request(q)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(q.bytesWritten).isEqualTo(NdisStatisticsInfo.SIZE);
        assertThat(q.informationBuffer()).hasSize(NdisStatisticsInfo.SIZE);
    }

    @Test
    public void theStatisticsCarryTheAdaptersCounters() {
        adapter.inDiscards.set(1);
        adapter.inOctets.set(3);
        adapter.outBcast.set(10);
        adapter.outErrors.set(11);
        NdisOidRequest q = query(NdisOid.OID_GEN_STATISTICS, NdisStatisticsInfo.SIZE);

        request(q);

        assertThat(NdisStatisticsInfo.render(q.informationBuffer())).isEqualTo("ifInDiscards=1 ifInErrors=0"
                + " ifHCInOctets=3 ifHCInUcastPkts=0 ifHCInMulticastPkts=0 ifHCInBroadcastPkts=0 ifHCOutOctets=0"
                + " ifHCOutUcastPkts=0 ifHCOutMulticastPkts=0 ifHCOutBroadcastPkts=10 ifOutErrors=11 ifOutDiscards=0");
    }

    @Test
    public void anUnknownOidGivesNotSupported() {
        assertThat(request(query(0x00010203, 64))).isEqualTo(NdisStatus.NDIS_STATUS_NOT_SUPPORTED);
        assertThat(request(NdisOidRequest.set(0x00010203, 1, le32(1)))).isEqualTo(NdisStatus.NDIS_STATUS_NOT_SUPPORTED);
    }

    @Test
    public void aSetOfAQueryOnlyOidGivesNotSupported() {
        assertThat(request(NdisOidRequest.set(NdisOid.OID_802_3_CURRENT_ADDRESS, 1, new byte[6])))
                .isEqualTo(NdisStatus.NDIS_STATUS_NOT_SUPPORTED);
        assertThat(adapter.currentAddress).containsExactly(0x02, 0x50, 0xF2, 0x00, 0x00, 0x05);
    }

    @Test
    public void aQueryWithATooSmallBufferGivesBufferTooShortAndBytesNeeded() {
        NdisOidRequest mac = query(NdisOid.OID_802_3_CURRENT_ADDRESS, 5);
        assertThat(request(mac)).isEqualTo(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT);
        assertThat(mac.bytesNeeded).isEqualTo(6);
        assertThat(mac.bytesWritten).isZero();

        NdisOidRequest stats = query(NdisOid.OID_GEN_STATISTICS, 8);
        assertThat(request(stats)).isEqualTo(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT);
        assertThat(stats.bytesNeeded).isEqualTo(NdisStatisticsInfo.SIZE);

        NdisOidRequest filter = query(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 0);
        assertThat(request(filter)).isEqualTo(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT);
        assertThat(filter.bytesNeeded).isEqualTo(4);
    }

    @Test
    public void theLookaheadStartsAt1500AndTakesASetFrom1To1500() {
        NdisOidRequest q = query(NdisOid.OID_GEN_CURRENT_LOOKAHEAD, 4);
        request(q);
        assertThat(q.informationBuffer()).containsExactly(le32(1500));

        assertThat(request(NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_LOOKAHEAD, 1, le32(256))))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(adapter.lookahead).isEqualTo(256);
        assertThat(request(NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_LOOKAHEAD, 2, le32(0))))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_DATA);
        assertThat(request(NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_LOOKAHEAD, 3, le32(1501))))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_DATA);
        assertThat(request(NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_LOOKAHEAD, 4, new byte[2])))
                .isEqualTo(NdisStatus.NDIS_STATUS_INVALID_LENGTH);
        assertThat(adapter.lookahead).isEqualTo(256);
    }
}
