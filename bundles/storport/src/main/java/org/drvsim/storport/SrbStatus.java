package org.drvsim.storport;

import java.util.Map;
import java.util.TreeMap;

/**
 * SRB status values (srb.h {@code SRB_STATUS_*}) and the flags OR-ed into them; {@link #name(int)} gives
 * the WDK constant name for the trace ({@code SRB_STATUS_ERROR|SRB_STATUS_AUTOSENSE_VALID}).
 * See spec/storport-lifecycle.md section 5.
 */
public final class SrbStatus {
    public static final int SRB_STATUS_PENDING = 0x00;
    public static final int SRB_STATUS_SUCCESS = 0x01;
    public static final int SRB_STATUS_ABORTED = 0x02;
    public static final int SRB_STATUS_ABORT_FAILED = 0x03;
    public static final int SRB_STATUS_ERROR = 0x04;
    public static final int SRB_STATUS_BUSY = 0x05;
    public static final int SRB_STATUS_INVALID_REQUEST = 0x06;
    public static final int SRB_STATUS_INVALID_PATH_ID = 0x07;
    public static final int SRB_STATUS_NO_DEVICE = 0x08;
    public static final int SRB_STATUS_TIMEOUT = 0x09;
    public static final int SRB_STATUS_SELECTION_TIMEOUT = 0x0A;
    public static final int SRB_STATUS_COMMAND_TIMEOUT = 0x0B;
    public static final int SRB_STATUS_BUS_RESET = 0x0E;
    public static final int SRB_STATUS_DATA_OVERRUN = 0x12;
    public static final int SRB_STATUS_REQUEST_FLUSHED = 0x16;
    public static final int SRB_STATUS_INVALID_LUN = 0x20;
    public static final int SRB_STATUS_INVALID_TARGET_ID = 0x21;
    public static final int SRB_STATUS_BAD_FUNCTION = 0x22;
    public static final int SRB_STATUS_INTERNAL_ERROR = 0x30;
    /** Flag: the LU queue is frozen. */
    public static final int SRB_STATUS_QUEUE_FROZEN = 0x40;
    /** Flag: SenseInfoBuffer holds valid sense data. */
    public static final int SRB_STATUS_AUTOSENSE_VALID = 0x80;

    private static final Map<Integer, String> NAMES = new TreeMap<>();

    static {
        for (var f : SrbStatus.class.getFields()) {
            if (f.getName().startsWith("SRB_STATUS_") && !f.getName().equals("SRB_STATUS_QUEUE_FROZEN")
                    && !f.getName().equals("SRB_STATUS_AUTOSENSE_VALID")) {
                try {
                    NAMES.put(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private SrbStatus() {
    }

    /** {@code SRB_STATUS(status)}: the status without its flags. */
    public static int status(int srbStatus) {
        return srbStatus & 0x3F;
    }

    /** @return the WDK name, with {@code |SRB_STATUS_AUTOSENSE_VALID} and {@code |SRB_STATUS_QUEUE_FROZEN} when set */
    public static String name(int srbStatus) {
        String base = NAMES.get(status(srbStatus));
        if (base == null) {
            base = String.format("0x%02X", status(srbStatus));
        }
        if ((srbStatus & SRB_STATUS_QUEUE_FROZEN) != 0) {
            base += "|SRB_STATUS_QUEUE_FROZEN";
        }
        if ((srbStatus & SRB_STATUS_AUTOSENSE_VALID) != 0) {
            base += "|SRB_STATUS_AUTOSENSE_VALID";
        }
        return base;
    }
}
