package org.drvsim.storport;

import java.util.Map;
import java.util.TreeMap;

/**
 * SCSI operation codes (scsi.h {@code SCSIOP_*}), with their names for the trace and the shell.
 * READ CAPACITY(16) is {@link #SCSIOP_SERVICE_ACTION_IN16} with service action
 * {@link #SERVICE_ACTION_READ_CAPACITY16}.
 */
public final class ScsiOp {
    public static final int SCSIOP_TEST_UNIT_READY = 0x00;
    public static final int SCSIOP_REQUEST_SENSE = 0x03;
    public static final int SCSIOP_READ6 = 0x08;
    public static final int SCSIOP_WRITE6 = 0x0A;
    public static final int SCSIOP_INQUIRY = 0x12;
    public static final int SCSIOP_MODE_SELECT = 0x15;
    public static final int SCSIOP_MODE_SENSE = 0x1A;
    public static final int SCSIOP_START_STOP_UNIT = 0x1B;
    public static final int SCSIOP_READ_CAPACITY = 0x25;
    public static final int SCSIOP_READ = 0x28;
    public static final int SCSIOP_WRITE = 0x2A;
    public static final int SCSIOP_VERIFY = 0x2F;
    public static final int SCSIOP_SYNCHRONIZE_CACHE = 0x35;
    public static final int SCSIOP_MODE_SENSE10 = 0x5A;
    public static final int SCSIOP_READ16 = 0x88;
    public static final int SCSIOP_WRITE16 = 0x8A;
    public static final int SCSIOP_SYNCHRONIZE_CACHE16 = 0x91;
    public static final int SCSIOP_SERVICE_ACTION_IN16 = 0x9E;
    public static final int SCSIOP_REPORT_LUNS = 0xA0;
    /** Service action of SCSIOP_SERVICE_ACTION_IN16 for READ CAPACITY(16). */
    public static final int SERVICE_ACTION_READ_CAPACITY16 = 0x10;

    private static final Map<Integer, String> NAMES = new TreeMap<>();

    static {
        for (var f : ScsiOp.class.getFields()) {
            if (f.getName().startsWith("SCSIOP_")) {
                try {
                    NAMES.put(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private ScsiOp() {
    }

    /**
     * @return the name of the CDB's operation ({@code SCSIOP_READ}), {@code SCSIOP_READ_CAPACITY16} for a
     *         SERVICE ACTION IN(16) READ CAPACITY, or {@code 0x..} for an unknown code
     */
    public static String name(byte[] cdb) {
        if (cdb == null || cdb.length == 0) {
            return "(no CDB)";
        }
        int op = cdb[0] & 0xFF;
        if (op == SCSIOP_SERVICE_ACTION_IN16 && cdb.length > 1 && (cdb[1] & 0x1F) == SERVICE_ACTION_READ_CAPACITY16) {
            return "SCSIOP_READ_CAPACITY16";
        }
        String n = NAMES.get(op);
        return n != null ? n : String.format("0x%02X", op);
    }
}
