package org.drvsim.drivers.netvmini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.junit.Test;

/** netvmini's receive filter (datapath.c; spec/ndis-lifecycle.md section 10), set through its OIDs. */
public class NetvminiDataPathTest {
    private static final int DIRECTED = 0x1;
    private static final int MULTICAST = 0x2;
    private static final int ALL_MULTICAST = 0x4;
    private static final int BROADCAST = 0x8;
    private static final int PROMISCUOUS = 0x20;

    private static final byte[] OWN = {0x02, 0x50, (byte) 0xF2, 0x00, 0x00, 0x03};
    private static final byte[] OTHER = {0x02, 0x50, (byte) 0xF2, 0x00, 0x00, 0x04};
    private static final byte[] BROADCAST_ADDRESS = {-1, -1, -1, -1, -1, -1};
    private static final byte[] LISTED_GROUP = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01};
    private static final byte[] UNLISTED_GROUP = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x02};

    private final NetvminiAdapter adapter = FakeAdapterHandle.initializedAdapter(3, Map.of());

    /** A 60-byte frame to {@code destination} from another adapter. */
    private static byte[] frameTo(byte[] destination) {
        byte[] frame = new byte[60];
        System.arraycopy(destination, 0, frame, 0, 6);
        System.arraycopy(OTHER, 0, frame, 6, 6);
        frame[12] = 0x08;
        return frame;
    }

    private boolean accepts(byte[] destination) {
        return NetvminiDataPath.accepts(adapter, frameTo(destination));
    }

    private void setFilter(int filter) {
        byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(filter).array();
        assertThat(NetvminiOids.oidRequest(adapter, NdisOidRequest.set(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 1, value)))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
    }

    private void setMulticastList(byte[]... groups) {
        byte[] list = new byte[6 * groups.length];
        for (int i = 0; i < groups.length; i++) {
            System.arraycopy(groups[i], 0, list, 6 * i, 6);
        }
        assertThat(NetvminiOids.oidRequest(adapter, NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 2, list)))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
    }

    @Test
    public void withFilter0EveryFrameIsDropped() {
        setMulticastList(LISTED_GROUP);

        assertThat(accepts(OWN)).isFalse();
        assertThat(accepts(OTHER)).isFalse();
        assertThat(accepts(BROADCAST_ADDRESS)).isFalse();
        assertThat(accepts(LISTED_GROUP)).isFalse();
        assertThat(accepts(UNLISTED_GROUP)).isFalse();
    }

    @Test
    public void promiscuousTakesEveryFrame() {
        setFilter(PROMISCUOUS);

        assertThat(accepts(OWN)).isTrue();
        assertThat(accepts(OTHER)).isTrue();
        assertThat(accepts(BROADCAST_ADDRESS)).isTrue();
        assertThat(accepts(UNLISTED_GROUP)).isTrue();
    }

    @Test
    public void aBroadcastFrameIsTakenWithBroadcast() {
        setFilter(BROADCAST);

        assertThat(accepts(BROADCAST_ADDRESS)).isTrue();
    }

    @Test
    public void aBroadcastFrameNeedsBroadcastEvenWithEveryOtherBitButPromiscuous() {
        setFilter(DIRECTED | MULTICAST | ALL_MULTICAST);
        setMulticastList(BROADCAST_ADDRESS);

        assertThat(accepts(BROADCAST_ADDRESS)).isFalse();
    }

    @Test
    public void aMulticastFrameIsTakenWithAllMulticastWhateverTheList() {
        setFilter(ALL_MULTICAST);

        assertThat(accepts(UNLISTED_GROUP)).isTrue();
        assertThat(accepts(LISTED_GROUP)).isTrue();
    }

    @Test
    public void aMulticastFrameIsTakenWithMulticastWhenItsGroupIsInTheList() {
        setFilter(MULTICAST);
        setMulticastList(LISTED_GROUP);

        assertThat(accepts(LISTED_GROUP)).isTrue();
        assertThat(accepts(UNLISTED_GROUP)).isFalse();
    }

    @Test
    public void aNewMulticastListReplacesTheOldOne() {
        setFilter(MULTICAST);
        setMulticastList(UNLISTED_GROUP);

        setMulticastList(LISTED_GROUP);

        assertThat(accepts(LISTED_GROUP)).isTrue();
        assertThat(accepts(UNLISTED_GROUP)).isFalse();
    }

    @Test
    public void aMulticastFrameIsDroppedWithMulticastAndAnEmptyList() {
        setFilter(MULTICAST);

        assertThat(accepts(LISTED_GROUP)).isFalse();
    }

    @Test
    public void aListedMulticastFrameIsDroppedWithoutMulticastOrAllMulticast() {
        setFilter(DIRECTED | BROADCAST);
        setMulticastList(LISTED_GROUP);

        assertThat(accepts(LISTED_GROUP)).isFalse();
    }

    @Test
    public void aUnicastFrameIsTakenWithDirectedWhenItIsToTheCurrentAddress() {
        setFilter(DIRECTED);

        assertThat(accepts(OWN)).isTrue();
        assertThat(accepts(OTHER)).isFalse();
    }

    @Test
    public void aUnicastFrameToTheCurrentAddressIsDroppedWithoutDirected() {
        setFilter(MULTICAST | ALL_MULTICAST | BROADCAST);

        assertThat(accepts(OWN)).isFalse();
    }

    @Test
    public void directedComparesTheWholeDestinationAddress() {
        setFilter(DIRECTED);
        byte[] firstByteDiffers = OWN.clone();
        firstByteDiffers[0] = 0x06;

        assertThat(accepts(firstByteDiffers)).isFalse();
    }

    @Test
    public void directedUsesTheConfiguredCurrentAddress() {
        NetvminiAdapter configured = FakeAdapterHandle.initializedAdapter(3,
                Map.of("NetvminiMacAddress", "00-15-5D-01-02-03"));
        configured.packetFilter = DIRECTED;

        assertThat(NetvminiDataPath.accepts(configured, frameTo(new byte[] {0x00, 0x15, 0x5D, 0x01, 0x02, 0x03})))
                .isTrue();
        assertThat(NetvminiDataPath.accepts(configured, frameTo(OWN))).isFalse();
    }

    @Test
    public void theFrameClassesFollowTheDestinationAddress() {
        assertThat(NetvminiDataPath.isBroadcast(frameTo(BROADCAST_ADDRESS))).isTrue();
        assertThat(NetvminiDataPath.isMulticast(frameTo(BROADCAST_ADDRESS))).isTrue();
        assertThat(NetvminiDataPath.isBroadcast(frameTo(LISTED_GROUP))).isFalse();
        assertThat(NetvminiDataPath.isMulticast(frameTo(LISTED_GROUP))).isTrue();
        assertThat(NetvminiDataPath.isMulticast(frameTo(OWN))).isFalse();
    }
}
