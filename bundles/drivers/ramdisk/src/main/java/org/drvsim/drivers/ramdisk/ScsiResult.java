package org.drvsim.drivers.ramdisk;

import org.drvsim.storport.ScsiSense;
import org.drvsim.storport.SrbStatus;

/**
 * How {@link ScsiDisk} completed one SCSI command: the values the miniport copies into the SRB before
 * {@code StorPortNotification(RequestComplete)} (spec/storport-lifecycle.md section 5).
 *
 * @param srbStatus          {@code SRB_STATUS_*} value for SrbStatus, with {@code SRB_STATUS_AUTOSENSE_VALID} set
 *                           when {@code sense} is not empty
 * @param scsiStatus         {@code SCSISTAT_*} value for ScsiStatus
 * @param sense              18 bytes of fixed-format sense data for the SenseInfoBuffer, or empty. The glue
 *                           copies it only when the SRB has a SenseInfoBuffer of at least 18 bytes and
 *                           autosense is enabled; otherwise it reports plain {@code SRB_STATUS_ERROR}.
 * @param dataTransferLength bytes actually moved to or from the DataBuffer, for DataTransferLength
 */
record ScsiResult(int srbStatus, int scsiStatus, byte[] sense, int dataTransferLength) {
    private static final byte[] NO_SENSE = new byte[0];

    /** @return GOOD status with {@code bytes} transferred */
    static ScsiResult good(int bytes) {
        return new ScsiResult(SrbStatus.SRB_STATUS_SUCCESS, ScsiSense.SCSISTAT_GOOD, NO_SENSE, bytes);
    }

    /** @return CHECK CONDITION with fixed-format sense data, nothing transferred */
    static ScsiResult checkCondition(int senseKey, int asc, int ascq) {
        return new ScsiResult(SrbStatus.SRB_STATUS_ERROR | SrbStatus.SRB_STATUS_AUTOSENSE_VALID,
                ScsiSense.SCSISTAT_CHECK_CONDITION, ScsiSense.fixed(senseKey, asc, ascq), 0);
    }

    /** @return {@code SRB_STATUS_INVALID_REQUEST}: the SRB itself is unusable; no SCSI status, no sense */
    static ScsiResult invalidRequest() {
        return new ScsiResult(SrbStatus.SRB_STATUS_INVALID_REQUEST, ScsiSense.SCSISTAT_GOOD, NO_SENSE, 0);
    }

    /** @return true if sense data is present */
    boolean hasSense() {
        return sense.length > 0;
    }

    /** @return for example {@code SRB_STATUS_ERROR|SRB_STATUS_AUTOSENSE_VALID scsi=0x02 sense=05/21/00 moved=0} */
    @Override
    public String toString() {
        String s = SrbStatus.name(srbStatus) + String.format(" scsi=0x%02X", scsiStatus);
        if (hasSense()) {
            s += String.format(" sense=%02X/%02X/%02X", ScsiSense.senseKey(sense), ScsiSense.asc(sense),
                    sense[13] & 0xFF);
        }
        return s + " moved=" + dataTransferLength;
    }
}
