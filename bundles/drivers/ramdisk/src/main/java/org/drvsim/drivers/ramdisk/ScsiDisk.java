package org.drvsim.drivers.ramdisk;

import static org.drvsim.storport.ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK;
import static org.drvsim.storport.ScsiSense.SCSI_ADSENSE_ILLEGAL_COMMAND;
import static org.drvsim.storport.ScsiSense.SCSI_ADSENSE_INVALID_CDB;
import static org.drvsim.storport.ScsiSense.SCSI_ADSENSE_WRITE_PROTECT;
import static org.drvsim.storport.ScsiSense.SCSI_SENSE_DATA_PROTECT;
import static org.drvsim.storport.ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST;
import static org.drvsim.storport.ScsiSense.SCSI_SENSE_MEDIUM_ERROR;
import static org.drvsim.storport.ScsiSense.SCSI_SENSE_NOT_READY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.drvsim.storport.ScsiOp;

/**
 * One SCSI direct-access logical unit (an SBC disk) in front of a {@link BackingStore}: the command set a disk
 * LUN needs (spec/storport-lifecycle.md section 6), executed synchronously on the caller's thread. This is the
 * device half of the ramdisk's HwStartIo for {@code SRB_FUNCTION_EXECUTE_SCSI}; the Storport glue copies the
 * {@link ScsiResult} into the SRB and completes it.
 *
 * <p>Units: LBAs and transfer lengths in CDBs are in logical blocks of {@code store.blockSize()} bytes;
 * allocation lengths, buffers and {@link ScsiResult#dataTransferLength()} are in bytes. Multi-byte CDB fields
 * and returned parameter data are big-endian, as SCSI is.
 *
 * <p>Threads: any thread, concurrently. It runs in HwStartIo (DISPATCH_LEVEL in Windows), which may run
 * concurrently (section 5), so it never waits for anything but the store. Commands share only the store,
 * which is safe for concurrent use, and the started state.
 *
 * <p>Failures are values, in this order of precedence:
 * <ol>
 * <li>An SRB that cannot describe a transfer (empty CDB, negative DataTransferLength, or DataTransferLength
 * beyond the DataBuffer) gives {@code SRB_STATUS_INVALID_REQUEST} without sense.</li>
 * <li>An unsupported operation code gives CHECK CONDITION ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE
 * (05/20); REPORT LUNS is one of them, because the driver answers it for the target
 * ({@link #reportLunsData}).</li>
 * <li>A CDB shorter than its operation code's group length, or a CDB field this model does not support, gives
 * 05/24 (INVALID FIELD IN CDB).</li>
 * <li>A medium access (READ, WRITE, VERIFY) or TEST UNIT READY while the unit is stopped by START STOP UNIT gives
 * NOT READY / INITIALIZING COMMAND REQUIRED (02/04/02).</li>
 * <li>Blocks beyond the last LBA give 05/21 (LOGICAL BLOCK ADDRESS OUT OF RANGE); a WRITE to a read-only store
 * gives DATA PROTECT / WRITE PROTECTED (07/27). Nothing is moved.</li>
 * <li>A transfer of 0 blocks succeeds with 0 bytes moved.</li>
 * <li>A READ or WRITE whose DataTransferLength is not exactly blocks times block size gives
 * {@code SRB_STATUS_INVALID_REQUEST} without sense and moves nothing. A real disk would transfer what fits
 * and report an underrun or overrun; the class driver never builds such an SRB, so a mismatch here means the
 * glue or a test built the SRB wrong, and ClassPnP maps INVALID_REQUEST to STATUS_INVALID_DEVICE_REQUEST
 * without retrying (section 5).</li>
 * <li>An I/O failure of the store gives MEDIUM ERROR: 03/11 (UNRECOVERED READ ERROR) for reads, 03/0C (WRITE
 * ERROR) for writes and SYNCHRONIZE CACHE.</li>
 * </ol>
 * Every CHECK CONDITION is {@code SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID} (0x84) with SCSI status 0x02,
 * 18 bytes of fixed sense and nothing transferred. Commands that return parameter data (INQUIRY, READ
 * CAPACITY, MODE SENSE) return min(allocation length, DataTransferLength, data length) bytes with
 * {@code SRB_STATUS_SUCCESS}: ClassPnP treats their underrun as success (section 5).
 *
 * <p>Using the disk after its store is closed throws {@link IllegalStateException}: that is a teardown-order
 * bug in the caller, not a SCSI outcome.
 */
final class ScsiDisk {
    /** VERIFY(16); {@link ScsiOp} has only VERIFY(10). */
    static final int SCSIOP_VERIFY16 = 0x8F;

    static final int VPD_SUPPORTED_PAGES = 0x00;
    static final int VPD_SERIAL_NUMBER = 0x80;
    static final int VPD_DEVICE_IDENTIFIERS = 0x83;
    static final int MODE_PAGE_CACHING = 0x08;
    static final int MODE_PAGE_ALL = 0x3F;

    /** ASC 04h with ASCQ 02h: logical unit not ready, initializing command required. */
    private static final int ASC_LUN_NOT_READY = 0x04;
    private static final int ASCQ_INITIALIZING_COMMAND_REQUIRED = 0x02;
    private static final int ASC_WRITE_ERROR = 0x0C;
    private static final int ASC_UNRECOVERED_READ_ERROR = 0x11;
    private static final int ASC_SAVING_PARAMETERS_NOT_SUPPORTED = 0x39;

    private static final int STANDARD_INQUIRY_LENGTH = 36;
    private static final int CACHING_PAGE_LENGTH = 20;
    private static final String REVISION = "0001";

    /** A command handler: the CDB has at least its group's length; {@code length <= buffer.length}. */
    @FunctionalInterface
    private interface Command {
        ScsiResult execute(ScsiDisk disk, byte[] cdb, byte[] buffer, int length);
    }

    private static final Map<Integer, Command> COMMANDS = Map.ofEntries(
            Map.entry(ScsiOp.SCSIOP_TEST_UNIT_READY, (d, c, b, l) -> d.testUnitReady()),
            Map.entry(ScsiOp.SCSIOP_INQUIRY, ScsiDisk::inquiry),
            Map.entry(ScsiOp.SCSIOP_READ_CAPACITY, ScsiDisk::readCapacity10),
            Map.entry(ScsiOp.SCSIOP_SERVICE_ACTION_IN16, ScsiDisk::serviceActionIn16),
            Map.entry(ScsiOp.SCSIOP_READ6, (d, c, b, l) -> d.transfer(false, lba6(c), blocks6(c), b, l)),
            Map.entry(ScsiOp.SCSIOP_WRITE6, (d, c, b, l) -> d.transfer(true, lba6(c), blocks6(c), b, l)),
            Map.entry(ScsiOp.SCSIOP_READ, (d, c, b, l) -> d.transfer(false, u32(c, 2), u16(c, 7), b, l)),
            Map.entry(ScsiOp.SCSIOP_WRITE, (d, c, b, l) -> d.transfer(true, u32(c, 2), u16(c, 7), b, l)),
            Map.entry(ScsiOp.SCSIOP_READ16, (d, c, b, l) -> d.transfer(false, u64(c, 2), u32(c, 10), b, l)),
            Map.entry(ScsiOp.SCSIOP_WRITE16, (d, c, b, l) -> d.transfer(true, u64(c, 2), u32(c, 10), b, l)),
            Map.entry(ScsiOp.SCSIOP_VERIFY, (d, c, b, l) -> d.verify(c, u32(c, 2), u16(c, 7))),
            Map.entry(SCSIOP_VERIFY16, (d, c, b, l) -> d.verify(c, u64(c, 2), u32(c, 10))),
            Map.entry(ScsiOp.SCSIOP_SYNCHRONIZE_CACHE, (d, c, b, l) -> d.synchronizeCache(u32(c, 2), u16(c, 7))),
            Map.entry(ScsiOp.SCSIOP_SYNCHRONIZE_CACHE16,
                    (d, c, b, l) -> d.synchronizeCache(u64(c, 2), u32(c, 10))),
            Map.entry(ScsiOp.SCSIOP_MODE_SENSE, (d, c, b, l) -> d.modeSense(c, false, b, l)),
            Map.entry(ScsiOp.SCSIOP_MODE_SENSE10, (d, c, b, l) -> d.modeSense(c, true, b, l)),
            Map.entry(ScsiOp.SCSIOP_START_STOP_UNIT, ScsiDisk::startStopUnit));

    private final BackingStore store;
    private final int lun;
    private final byte[] standardInquiry;
    private final byte[] supportedPages;
    private final byte[] serialNumberPage;
    private final byte[] deviceIdentifiersPage;
    /** Cleared by START STOP UNIT with START=0; a new unit is started. */
    private volatile boolean started = true;

    /**
     * @param store   the medium; the disk does not close it
     * @param vendor  T10 vendor identification, 1 to 8 printable ASCII characters (space-padded in INQUIRY)
     * @param product product identification, 1 to 16 printable ASCII characters (space-padded)
     * @param serial  unit serial number, 1 to 231 printable ASCII characters (so that the T10 vendor ID
     *                designator of 8 + 16 + serial bytes fits its one-byte length)
     * @param lun     the logical unit number, 0 to 255 (Storport's UCHAR Lun); for the owner's bookkeeping
     * @throws IllegalArgumentException if a string or the LUN is out of range
     */
    ScsiDisk(BackingStore store, String vendor, String product, String serial, int lun) {
        this.store = Objects.requireNonNull(store, "store");
        byte[] vendorField = asciiField("vendor", vendor, 8);
        byte[] productField = asciiField("product", product, 16);
        byte[] serialBytes = ascii("serial", serial, 255 - 8 - 16);
        if (lun < 0 || lun > 255) {
            throw new IllegalArgumentException("LUN " + lun + " is not in 0..255");
        }
        this.lun = lun;

        // SPC-4 6.4.2 standard INQUIRY data.
        standardInquiry = new byte[STANDARD_INQUIRY_LENGTH];
        standardInquiry[0] = 0x00; // peripheral qualifier 0 (connected), device type 0 (direct access block)
        standardInquiry[2] = 0x06; // VERSION: SPC-4
        standardInquiry[3] = 0x02; // RESPONSE DATA FORMAT 2
        standardInquiry[4] = STANDARD_INQUIRY_LENGTH - 5; // ADDITIONAL LENGTH: 31
        standardInquiry[7] = 0x02; // CMDQUE: commands may be queued (Storport runs HwStartIo concurrently)
        System.arraycopy(vendorField, 0, standardInquiry, 8, 8);
        System.arraycopy(productField, 0, standardInquiry, 16, 16);
        System.arraycopy(REVISION.getBytes(StandardCharsets.US_ASCII), 0, standardInquiry, 32, 4);

        // SPC-4 7.8.14: the pages listed are exactly those inquiry() answers.
        supportedPages = vpdPage(VPD_SUPPORTED_PAGES,
                new byte[] {VPD_SUPPORTED_PAGES, (byte) VPD_SERIAL_NUMBER, (byte) VPD_DEVICE_IDENTIFIERS});
        // SPC-4 7.8.15 unit serial number.
        serialNumberPage = vpdPage(VPD_SERIAL_NUMBER, serialBytes);
        // SPC-4 7.8.6: one T10 vendor ID based designator whose vendor-specific part is the PRODUCT
        // IDENTIFICATION field followed by the serial number, as SPC-4 7.8.6.4 recommends.
        byte[] identifier = new byte[8 + 16 + serialBytes.length];
        System.arraycopy(vendorField, 0, identifier, 0, 8);
        System.arraycopy(productField, 0, identifier, 8, 16);
        System.arraycopy(serialBytes, 0, identifier, 24, serialBytes.length);
        byte[] designator = new byte[4 + identifier.length];
        designator[0] = 0x02; // PROTOCOL IDENTIFIER 0, CODE SET 2 (ASCII)
        designator[1] = 0x01; // PIV 0, ASSOCIATION 0 (the logical unit), DESIGNATOR TYPE 1 (T10 vendor ID)
        designator[3] = (byte) identifier.length;
        System.arraycopy(identifier, 0, designator, 4, identifier.length);
        deviceIdentifiersPage = vpdPage(VPD_DEVICE_IDENTIFIERS, designator);
    }

    /** @return the medium */
    BackingStore store() {
        return store;
    }

    /** @return the logical unit number given at construction */
    int lun() {
        return lun;
    }

    /** @return false after START STOP UNIT with START=0, until one with START=1 */
    boolean started() {
        return started;
    }

    /**
     * Executes one CDB, as HwStartIo does for {@code SRB_FUNCTION_EXECUTE_SCSI}. Never blocks except on the
     * store's I/O. The class Javadoc lists the failures, all returned as values.
     *
     * @param cdb                the CDB (at least as long as its command; longer is fine)
     * @param dataBuffer         the SRB's DataBuffer: written by data-in commands, read by data-out commands;
     *                           may be null when {@code dataTransferLength} is 0
     * @param dataTransferLength the SRB's DataTransferLength in bytes, at most {@code dataBuffer.length}
     * @return the completion for the SRB
     */
    ScsiResult execute(byte[] cdb, byte[] dataBuffer, int dataTransferLength) {
        Objects.requireNonNull(cdb, "cdb");
        byte[] buffer = dataBuffer != null ? dataBuffer : new byte[0];
        if (cdb.length == 0 || dataTransferLength < 0 || dataTransferLength > buffer.length) {
            return ScsiResult.invalidRequest();
        }
        Command command = COMMANDS.get(cdb[0] & 0xFF);
        if (command == null) {
            return ScsiResult.checkCondition(SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ADSENSE_ILLEGAL_COMMAND, 0);
        }
        if (cdb.length < groupLength(cdb[0] & 0xFF)) {
            return invalidFieldInCdb();
        }
        return command.execute(this, cdb, buffer, dataTransferLength);
    }

    /**
     * Builds the parameter data of REPORT LUNS (SPC-4 6.33), which the driver answers for the target: LUN LIST
     * LENGTH (4 bytes, 8 per LUN), 4 reserved bytes, then one 8-byte LUN per entry in the given order. LUNs
     * below 256 use single-level peripheral device addressing (byte 1 = LUN); 256 to 16383 use flat space
     * addressing (byte 0 = 0x40 | LUN bits 13..8, byte 1 = LUN bits 7..0).
     *
     * @throws IllegalArgumentException if a LUN is negative or above 16383
     */
    static byte[] reportLunsData(List<Integer> luns) {
        byte[] data = new byte[8 + 8 * luns.size()];
        put32(data, 0, 8L * luns.size());
        for (int i = 0; i < luns.size(); i++) {
            int lun = luns.get(i);
            int at = 8 + 8 * i;
            if (lun < 0 || lun > 0x3FFF) {
                throw new IllegalArgumentException("LUN " + lun + " is not in 0..16383");
            }
            if (lun >= 256) {
                data[at] = (byte) (0x40 | (lun >>> 8));
            }
            data[at + 1] = (byte) lun;
        }
        return data;
    }

    // ---- commands ----

    /** TEST UNIT READY (SBC-3 / SPC-4 6.37): GOOD while started, NOT READY 02/04/02 while stopped. */
    private ScsiResult testUnitReady() {
        return started ? ScsiResult.good(0) : notReady();
    }

    /** INQUIRY (SPC-4 6.4): standard data, or the VPD page cdb[2] when EVPD is set. */
    private ScsiResult inquiry(byte[] cdb, byte[] buffer, int length) {
        boolean evpd = (cdb[1] & 0x01) != 0;
        int pageCode = cdb[2] & 0xFF;
        int allocationLength = (int) u16(cdb, 3);
        byte[] data;
        if (!evpd) {
            // A page code without EVPD is an invalid field (SPC-4 6.4.1).
            data = pageCode == 0 ? standardInquiry : null;
        } else {
            data = switch (pageCode) {
                case VPD_SUPPORTED_PAGES -> supportedPages;
                case VPD_SERIAL_NUMBER -> serialNumberPage;
                case VPD_DEVICE_IDENTIFIERS -> deviceIdentifiersPage;
                default -> null;
            };
        }
        return data == null ? invalidFieldInCdb() : returnData(data, allocationLength, buffer, length);
    }

    /** READ CAPACITY(10) (SBC-3 5.15): last LBA (FFFFFFFFh when it does not fit) and block length. */
    private ScsiResult readCapacity10(byte[] cdb, byte[] buffer, int length) {
        byte[] data = new byte[8];
        put32(data, 0, Math.min(store.blockCount() - 1, 0xFFFF_FFFFL));
        put32(data, 4, store.blockSize());
        return returnData(data, data.length, buffer, length);
    }

    /** SERVICE ACTION IN(16): only READ CAPACITY(16) (SBC-3 5.16), allocation length in cdb[10..13]. */
    private ScsiResult serviceActionIn16(byte[] cdb, byte[] buffer, int length) {
        if ((cdb[1] & 0x1F) != ScsiOp.SERVICE_ACTION_READ_CAPACITY16) {
            return invalidFieldInCdb();
        }
        byte[] data = new byte[32];
        put64(data, 0, store.blockCount() - 1);
        put32(data, 8, store.blockSize());
        // Bytes 12..31: no protection, one logical block per physical block, no thin provisioning.
        return returnData(data, (int) Math.min(u32(cdb, 10), Integer.MAX_VALUE), buffer, length);
    }

    /** READ and WRITE (6), (10) and (16) (SBC-3 5.7 to 5.9, 5.29 to 5.31); FUA and DPO are ignored. */
    private ScsiResult transfer(boolean write, long lba, long blocks, byte[] buffer, int length) {
        if (!started) {
            return notReady();
        }
        if (outOfRange(lba, blocks)) {
            return lbaOutOfRange();
        }
        if (write && store.readOnly()) {
            return writeProtected();
        }
        if (blocks == 0) {
            return ScsiResult.good(0);
        }
        long bytes = blocks * store.blockSize();
        if (bytes != length) {
            return ScsiResult.invalidRequest();
        }
        try {
            if (write) {
                store.write(lba, (int) blocks, buffer, 0);
            } else {
                store.read(lba, (int) blocks, buffer, 0);
            }
        } catch (UncheckedIOException e) {
            return ScsiResult.checkCondition(SCSI_SENSE_MEDIUM_ERROR,
                    write ? ASC_WRITE_ERROR : ASC_UNRECOVERED_READ_ERROR, 0);
        } catch (IllegalStateException e) {
            // The write-protect switch was thrown after the check above.
            if (write && store.readOnly()) {
                return writeProtected();
            }
            throw e;
        }
        return ScsiResult.good((int) bytes);
    }

    /** VERIFY(10) and (16) (SBC-3 5.33, 5.35) without byte check: GOOD if the blocks exist. */
    private ScsiResult verify(byte[] cdb, long lba, long blocks) {
        if ((cdb[1] & 0x06) != 0) {
            return invalidFieldInCdb(); // BYTCHK: comparing data out is not modelled
        }
        if (!started) {
            return notReady();
        }
        return outOfRange(lba, blocks) ? lbaOutOfRange() : ScsiResult.good(0);
    }

    /** SYNCHRONIZE CACHE(10) and (16) (SBC-3 5.22, 5.23): flushes the whole store; 0 blocks means to the end. */
    private ScsiResult synchronizeCache(long lba, long blocks) {
        if (outOfRange(lba, blocks)) {
            return lbaOutOfRange();
        }
        try {
            store.flush();
        } catch (IOException | UncheckedIOException e) {
            return ScsiResult.checkCondition(SCSI_SENSE_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
        }
        return ScsiResult.good(0);
    }

    /**
     * START STOP UNIT (SBC-3 5.25): with POWER CONDITION 0, START sets the started state and LOEJ is ignored
     * (the medium is not removable); with another power condition START is ignored, as SBC-3 says, and nothing
     * changes.
     */
    private ScsiResult startStopUnit(byte[] cdb, byte[] buffer, int length) {
        if ((cdb[4] & 0xF0) == 0) {
            started = (cdb[4] & 0x01) != 0;
        }
        return ScsiResult.good(0);
    }

    /**
     * MODE SENSE(6) and (10) (SPC-4 6.11, 6.12): header, block descriptor unless DBD, then the caching page
     * (for page 08h or 3Fh; subpage 00h or FFh). The header's DEVICE-SPECIFIC PARAMETER has WP (80h) set when
     * the store is read-only. The block descriptor is SBC-3's short LBA one (4-byte block count, capped at
     * FFFFFFFFh, and 3-byte block length), or the 16-byte long LBA one when MODE SENSE(10) sets LLBAA. Current,
     * changeable and default values are the same (nothing is changeable, WCE is 0); saved values are not
     * supported (05/39).
     */
    private ScsiResult modeSense(byte[] cdb, boolean ten, byte[] buffer, int length) {
        boolean dbd = (cdb[1] & 0x08) != 0;
        boolean llbaa = ten && (cdb[1] & 0x10) != 0;
        int pageControl = (cdb[2] & 0xC0) >>> 6;
        int pageCode = cdb[2] & 0x3F;
        int subpageCode = cdb[3] & 0xFF;
        int allocationLength = ten ? (int) u16(cdb, 7) : cdb[4] & 0xFF;
        if (pageControl == 3) {
            return ScsiResult.checkCondition(SCSI_SENSE_ILLEGAL_REQUEST, ASC_SAVING_PARAMETERS_NOT_SUPPORTED, 0);
        }
        if ((pageCode != MODE_PAGE_CACHING && pageCode != MODE_PAGE_ALL)
                || (subpageCode != 0x00 && subpageCode != 0xFF)) {
            return invalidFieldInCdb();
        }
        int headerLength = ten ? 8 : 4;
        int descriptorLength = dbd ? 0 : llbaa ? 16 : 8;
        byte[] data = new byte[headerLength + descriptorLength + CACHING_PAGE_LENGTH];
        byte deviceSpecific = (byte) (store.readOnly() ? 0x80 : 0x00);
        if (ten) {
            put16(data, 0, data.length - 2); // MODE DATA LENGTH excludes itself
            data[3] = deviceSpecific;
            data[4] = (byte) (llbaa && !dbd ? 0x01 : 0x00); // LONGLBA
            put16(data, 6, descriptorLength);
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = deviceSpecific;
            data[3] = (byte) descriptorLength;
        }
        if (descriptorLength == 8) {
            put32(data, headerLength, Math.min(store.blockCount(), 0xFFFF_FFFFL));
            put32(data, headerLength + 4, store.blockSize()); // byte 4 reserved, 5..7 block length
        } else if (descriptorLength == 16) {
            put64(data, headerLength, store.blockCount());
            put32(data, headerLength + 12, store.blockSize());
        }
        int page = headerLength + descriptorLength;
        data[page] = MODE_PAGE_CACHING; // PS 0
        data[page + 1] = CACHING_PAGE_LENGTH - 2; // PAGE LENGTH: 12h
        // Byte 2: WCE 0 and RCD 0 (no volatile write cache is reported); all else 0.
        return returnData(data, allocationLength, buffer, length);
    }

    // ---- helpers ----

    private boolean outOfRange(long lba, long blocks) {
        // lba < 0 is an LBA of 2^63 or more from a 16-byte CDB.
        return lba < 0 || lba > store.blockCount() - blocks;
    }

    private static ScsiResult returnData(byte[] data, int allocationLength, byte[] buffer, int length) {
        int n = Math.min(data.length, Math.min(allocationLength, length));
        System.arraycopy(data, 0, buffer, 0, n);
        return ScsiResult.good(n);
    }

    private static ScsiResult notReady() {
        return ScsiResult.checkCondition(SCSI_SENSE_NOT_READY, ASC_LUN_NOT_READY,
                ASCQ_INITIALIZING_COMMAND_REQUIRED);
    }

    private static ScsiResult lbaOutOfRange() {
        return ScsiResult.checkCondition(SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ADSENSE_ILLEGAL_BLOCK, 0);
    }

    private static ScsiResult writeProtected() {
        return ScsiResult.checkCondition(SCSI_SENSE_DATA_PROTECT, SCSI_ADSENSE_WRITE_PROTECT, 0);
    }

    private static ScsiResult invalidFieldInCdb() {
        return ScsiResult.checkCondition(SCSI_SENSE_ILLEGAL_REQUEST, SCSI_ADSENSE_INVALID_CDB, 0);
    }

    /** @return the CDB length of the operation code's group (SPC-4 4.2.5.1): 6, 10, 12 or 16 bytes */
    private static int groupLength(int operationCode) {
        return switch (operationCode >>> 5) {
            case 0 -> 6;
            case 1, 2 -> 10;
            case 4 -> 16;
            case 5 -> 12;
            default -> 16; // groups 3, 6 and 7 are variable or vendor specific; none is supported
        };
    }

    /** READ(6)/WRITE(6): 21-bit LBA in cdb[1..3]. */
    private static long lba6(byte[] cdb) {
        return ((cdb[1] & 0x1FL) << 16) | ((cdb[2] & 0xFFL) << 8) | (cdb[3] & 0xFFL);
    }

    /** READ(6)/WRITE(6): TRANSFER LENGTH cdb[4], where 0 means 256 blocks. */
    private static long blocks6(byte[] cdb) {
        int n = cdb[4] & 0xFF;
        return n == 0 ? 256 : n;
    }

    private static long u16(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 8) | (b[at + 1] & 0xFFL);
    }

    private static long u32(byte[] b, int at) {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }

    private static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }

    private static void put16(byte[] b, int at, long value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    private static void put32(byte[] b, int at, long value) {
        put16(b, at, value >>> 16);
        put16(b, at + 2, value);
    }

    private static void put64(byte[] b, int at, long value) {
        put32(b, at, value >>> 32);
        put32(b, at + 4, value);
    }

    private static byte[] vpdPage(int pageCode, byte[] payload) {
        byte[] page = new byte[4 + payload.length];
        page[1] = (byte) pageCode; // byte 0: peripheral qualifier 0, device type 0
        put16(page, 2, payload.length);
        System.arraycopy(payload, 0, page, 4, payload.length);
        return page;
    }

    private static byte[] asciiField(String what, String value, int width) {
        byte[] field = new byte[width];
        Arrays.fill(field, (byte) ' ');
        byte[] text = ascii(what, value, width);
        System.arraycopy(text, 0, field, 0, text.length);
        return field;
    }

    private static byte[] ascii(String what, String value, int maxLength) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > maxLength || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(what + " \"" + value + "\" must be 1 to " + maxLength
                    + " printable ASCII characters");
        }
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
