package org.drvsim.ndis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.Test;

/** NDIS_STATUS values with their real codes (ndis.h, spec/ndis-lifecycle.md section 8). */
public class NdisStatusTest {
    @Test
    public void theStatusesHaveTheirNdisCodes() {
        assertThat(NdisStatus.NDIS_STATUS_SUCCESS.code()).isEqualTo(0x00000000);
        assertThat(NdisStatus.NDIS_STATUS_PENDING.code()).isEqualTo(0x00000103);
        assertThat(NdisStatus.NDIS_STATUS_NOT_ACCEPTED.code()).isEqualTo(0x00010003);
        assertThat(NdisStatus.NDIS_STATUS_FAILURE.code()).isEqualTo(0xC0000001);
        assertThat(NdisStatus.NDIS_STATUS_BUFFER_TOO_SHORT.code()).isEqualTo(0xC0000023);
        assertThat(NdisStatus.NDIS_STATUS_NOT_SUPPORTED.code()).isEqualTo(0xC00000BB);
        assertThat(NdisStatus.NDIS_STATUS_BAD_CHARACTERISTICS.code()).isEqualTo(0xC0010005);
        assertThat(NdisStatus.NDIS_STATUS_MULTICAST_FULL.code()).isEqualTo(0xC0010009);
        assertThat(NdisStatus.NDIS_STATUS_REQUEST_ABORTED.code()).isEqualTo(0xC001000C);
        assertThat(NdisStatus.NDIS_STATUS_RESET_IN_PROGRESS.code()).isEqualTo(0xC001000D);
        assertThat(NdisStatus.NDIS_STATUS_INVALID_LENGTH.code()).isEqualTo(0xC0010014);
        assertThat(NdisStatus.NDIS_STATUS_SEND_ABORTED.code()).isEqualTo(0xC023000C); // STATUS_NDIS_REQUEST_ABORTED
        assertThat(NdisStatus.NDIS_STATUS_SOFT_ERRORS.code()).isEqualTo(0x80010003);
        assertThat(NdisStatus.NDIS_STATUS_HARD_ERRORS.code()).isEqualTo(0x80010004);
        assertThat(NdisStatus.NDIS_STATUS_PAUSED.code()).isEqualTo(0xC023002A);
        assertThat(NdisStatus.NDIS_STATUS_LOW_POWER_STATE.code()).isEqualTo(0xC023002F);
    }

    @Test
    public void successAndInformationalStatusesAreSuccessAndErrorsAreNot() {
        assertThat(NdisStatus.NDIS_STATUS_SUCCESS.isSuccess()).isTrue();
        assertThat(NdisStatus.NDIS_STATUS_PENDING.isSuccess()).isTrue();
        assertThat(NdisStatus.NDIS_STATUS_NOT_ACCEPTED.isSuccess()).isTrue();
        assertThat(NdisStatus.NDIS_STATUS_FAILURE.isSuccess()).isFalse();
        assertThat(NdisStatus.NDIS_STATUS_PAUSED.isSuccess()).isFalse();
    }

    @Test
    public void aStatusPrintsAsItsWdkConstantName() {
        assertThat(NdisStatus.NDIS_STATUS_BAD_CHARACTERISTICS).hasToString("NDIS_STATUS_BAD_CHARACTERISTICS");
    }
}
