package org.drvsim.ndis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.Test;

/** NDIS_OID_REQUEST: building queries and sets, and answering a query. */
public class NdisOidRequestTest {
    @Test
    public void aQueryCarriesItsOidIdAndBufferLengthAndAnEmptyBuffer() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_GEN_STATISTICS, 42, 104);

        assertThat(r.requestType()).isEqualTo(NdisRequestType.NdisRequestQueryInformation);
        assertThat(r.requestType().isQuery()).isTrue();
        assertThat(r.oid()).isEqualTo(NdisOid.OID_GEN_STATISTICS);
        assertThat(r.requestId()).isEqualTo(42);
        assertThat(r.informationBufferLength()).isEqualTo(104);
        assertThat(r.informationBuffer()).isEmpty();
        assertThat(r.bytesWritten).isZero();
        assertThat(r.bytesNeeded).isZero();
    }

    @Test
    public void aSetCarriesACopyOfItsValueAndItsLength() {
        byte[] value = {1, 2, 3};
        NdisOidRequest r = NdisOidRequest.set(NdisOid.OID_802_3_MULTICAST_LIST, 7, value);
        value[0] = 9;

        assertThat(r.requestType()).isEqualTo(NdisRequestType.NdisRequestSetInformation);
        assertThat(r.requestType().isQuery()).isFalse();
        assertThat(r.informationBufferLength()).isEqualTo(3);
        assertThat(r.informationBuffer()).containsExactly(1, 2, 3);
    }

    @Test
    public void informationBufferAsIntReadsALittleEndian32BitValueOr0WhenShorter() {
        assertThat(NdisOidRequest.set(1, 1, new byte[] {0x0B, 0, 0, 0}).informationBufferAsInt()).isEqualTo(0x0B);
        assertThat(NdisOidRequest.set(1, 1, new byte[] {0x04, 0x03, 0x02, 0x01}).informationBufferAsInt())
                .isEqualTo(0x01020304);
        assertThat(NdisOidRequest.set(1, 1, new byte[] {1, 2, 3}).informationBufferAsInt()).isZero();
    }

    @Test
    public void completingAQueryWithAValueThatFitsWritesItAndSetsBytesWritten() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_802_3_CURRENT_ADDRESS, 1, 8);

        assertThat(r.complete(new byte[] {2, 0x50, (byte) 0xF2, 0, 0, 1})).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(r.informationBuffer()).containsExactly(2, 0x50, 0xF2, 0, 0, 1);
        assertThat(r.bytesWritten).isEqualTo(6);
        assertThat(r.bytesNeeded).isZero();
    }

    @Test
    public void completingAQueryWithAValueThatDoesNotFitGivesBufferTooShortAndBytesNeeded() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_802_3_CURRENT_ADDRESS, 1, 5);

        assertThat(r.complete(new byte[6])).isEqualTo(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT);

        assertThat(r.bytesNeeded).isEqualTo(6);
        assertThat(r.bytesWritten).isZero();
        assertThat(r.informationBuffer()).isEmpty();
    }

    @Test
    public void aValueExactlyAsLongAsTheBufferFits() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE, 1, 4);

        assertThat(r.complete(1500)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(r.informationBuffer()).containsExactly(0xDC, 0x05, 0, 0);
        assertThat(r.bytesWritten).isEqualTo(4);
    }

    @Test
    public void completingWithALongWritesEightLittleEndianBytes() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_GEN_LINK_SPEED, 1, 8);

        assertThat(r.complete(0x0102030405060708L)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);

        assertThat(r.informationBuffer()).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(r.bytesWritten).isEqualTo(8);
    }

    @Test
    public void anIntDoesNotFitInThreeBytes() {
        NdisOidRequest r = NdisOidRequest.query(NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 1, 3);

        assertThat(r.complete(1)).isEqualTo(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT);
        assertThat(r.bytesNeeded).isEqualTo(4);
    }

    @Test
    public void theRequestTypesHaveTheirNdisValues() {
        assertThat(NdisRequestType.NdisRequestQueryInformation.value()).isEqualTo(0);
        assertThat(NdisRequestType.NdisRequestSetInformation.value()).isEqualTo(1);
        assertThat(NdisRequestType.NdisRequestQueryStatistics.value()).isEqualTo(2);
        assertThat(NdisRequestType.NdisRequestMethod.value()).isEqualTo(12);
        assertThat(NdisRequestType.NdisRequestQueryStatistics.isQuery()).isTrue();
        assertThat(NdisRequestType.NdisRequestMethod.isQuery()).isFalse();
    }
}
