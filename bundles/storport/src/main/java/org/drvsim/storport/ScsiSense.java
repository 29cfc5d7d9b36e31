package org.drvsim.storport;

/**
 * SCSI status bytes, sense keys and additional sense codes (scsi.h), and fixed-format sense data
 * (spec/storport-lifecycle.md section 5: byte 0 0x70, byte 2 the key, byte 7 the additional length 10,
 * bytes 12 and 13 ASC and ASCQ).
 */
public final class ScsiSense {
    public static final int SCSISTAT_GOOD = 0x00;
    public static final int SCSISTAT_CHECK_CONDITION = 0x02;
    public static final int SCSISTAT_BUSY = 0x08;

    public static final int SCSI_SENSE_NO_SENSE = 0x00;
    public static final int SCSI_SENSE_NOT_READY = 0x02;
    public static final int SCSI_SENSE_MEDIUM_ERROR = 0x03;
    public static final int SCSI_SENSE_ILLEGAL_REQUEST = 0x05;
    public static final int SCSI_SENSE_UNIT_ATTENTION = 0x06;
    public static final int SCSI_SENSE_DATA_PROTECT = 0x07;

    /** Invalid command operation code. */
    public static final int SCSI_ADSENSE_ILLEGAL_COMMAND = 0x20;
    /** Logical block address out of range. */
    public static final int SCSI_ADSENSE_ILLEGAL_BLOCK = 0x21;
    /** Invalid field in CDB. */
    public static final int SCSI_ADSENSE_INVALID_CDB = 0x24;
    /** Logical unit not supported. */
    public static final int SCSI_ADSENSE_INVALID_LUN = 0x25;
    /** Write protected. */
    public static final int SCSI_ADSENSE_WRITE_PROTECT = 0x27;

    /** Bytes of fixed-format sense data. */
    public static final int FIXED_SENSE_LENGTH = 18;

    private ScsiSense() {
    }

    /** @return 18 bytes of fixed-format sense data (response code 0x70, current error) */
    public static byte[] fixed(int senseKey, int asc, int ascq) {
        byte[] s = new byte[FIXED_SENSE_LENGTH];
        s[0] = 0x70;
        s[2] = (byte) (senseKey & 0x0F);
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    /** @return the sense key of fixed-format sense data */
    public static int senseKey(byte[] sense) {
        return sense[2] & 0x0F;
    }

    /** @return the additional sense code */
    public static int asc(byte[] sense) {
        return sense[12] & 0xFF;
    }

    /** @return the key's name, for example {@code DATA PROTECT} */
    public static String keyName(int key) {
        return switch (key) {
            case SCSI_SENSE_NO_SENSE -> "NO SENSE";
            case SCSI_SENSE_NOT_READY -> "NOT READY";
            case SCSI_SENSE_MEDIUM_ERROR -> "MEDIUM ERROR";
            case SCSI_SENSE_ILLEGAL_REQUEST -> "ILLEGAL REQUEST";
            case SCSI_SENSE_UNIT_ATTENTION -> "UNIT ATTENTION";
            case SCSI_SENSE_DATA_PROTECT -> "DATA PROTECT";
            default -> String.format("0x%X", key);
        };
    }
}
