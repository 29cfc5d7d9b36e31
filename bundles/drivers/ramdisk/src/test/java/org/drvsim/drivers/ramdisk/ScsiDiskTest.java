package org.drvsim.drivers.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.ScsiSense;
import org.drvsim.storport.SrbStatus;
import org.junit.Test;

/** The ramdisk's SCSI direct-access logical unit (spec/storport-lifecycle.md sections 5 and 6). */
public class ScsiDiskTest {
    private static final long MIB = 1L << 20;
    /** 64 MiB of 512-byte blocks. */
    private static final long BLOCKS_512 = 131_072;

    private final MemoryBackingStore store = new MemoryBackingStore(64 * MIB, 512);
    private final ScsiDisk disk = new ScsiDisk(store, "DRVSIM", "RAMDISK", "RD0001", 0);

    // ---- CDBs and helpers ----

    private static byte[] cdb(int length, int... leading) {
        byte[] c = new byte[length];
        for (int i = 0; i < leading.length; i++) {
            c[i] = (byte) leading[i];
        }
        return c;
    }

    private static byte[] cdb10(int op, long lba, int blocks) {
        byte[] c = cdb(10, op);
        putBe(c, 2, 4, lba);
        putBe(c, 7, 2, blocks);
        return c;
    }

    private static byte[] cdb16(int op, long lba, long blocks) {
        byte[] c = cdb(16, op);
        putBe(c, 2, 8, lba);
        putBe(c, 10, 4, blocks);
        return c;
    }

    private static byte[] cdb6(int op, long lba, int blocks) {
        return cdb(6, op, (int) (lba >>> 16) & 0x1F, (int) (lba >>> 8), (int) lba, blocks);
    }

    private static byte[] inquiry(boolean evpd, int page, int allocationLength) {
        return cdb(6, ScsiOp.SCSIOP_INQUIRY, evpd ? 1 : 0, page, allocationLength >>> 8, allocationLength);
    }

    private static byte[] modeSense6(int byte1, int byte2, int allocationLength) {
        return cdb(6, ScsiOp.SCSIOP_MODE_SENSE, byte1, byte2, 0, allocationLength);
    }

    private static byte[] modeSense10(int byte1, int byte2, int allocationLength) {
        return cdb(10, ScsiOp.SCSIOP_MODE_SENSE10, byte1, byte2, 0, 0, 0, 0, allocationLength >>> 8,
                allocationLength);
    }

    private static byte[] readCapacity16(int allocationLength) {
        byte[] c = cdb(16, ScsiOp.SCSIOP_SERVICE_ACTION_IN16, ScsiOp.SERVICE_ACTION_READ_CAPACITY16);
        putBe(c, 10, 4, allocationLength);
        return c;
    }

    private static void putBe(byte[] b, int at, int width, long value) {
        for (int i = width - 1; i >= 0; i--) {
            b[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    private static ScsiResult run(ScsiDisk d, byte[] cdb, byte[] buffer) {
        return d.execute(cdb, buffer, buffer.length);
    }

    private ScsiResult run(byte[] cdb, byte[] buffer) {
        return run(disk, cdb, buffer);
    }

    /** @return the first {@code result.dataTransferLength()} bytes of {@code buffer} */
    private static byte[] moved(ScsiResult result, byte[] buffer) {
        return Arrays.copyOf(buffer, result.dataTransferLength());
    }

    private static byte[] storeBytes(BackingStore s, long lba, int blocks) {
        byte[] b = new byte[blocks * s.blockSize()];
        s.read(lba, blocks, b, 0);
        return b;
    }

    private static void assertGood(ScsiResult r, int bytes) {
        assertThat(r.srbStatus()).as("%s", r).isEqualTo(SrbStatus.SRB_STATUS_SUCCESS);
        assertThat(r.scsiStatus()).isEqualTo(ScsiSense.SCSISTAT_GOOD);
        assertThat(r.sense()).isEmpty();
        assertThat(r.dataTransferLength()).isEqualTo(bytes);
    }

    private static void assertCheckCondition(ScsiResult r, int key, int asc, int ascq) {
        assertThat(r.srbStatus()).as("%s", r).isEqualTo(0x84);
        assertThat(r.srbStatus())
                .isEqualTo(SrbStatus.SRB_STATUS_ERROR | SrbStatus.SRB_STATUS_AUTOSENSE_VALID);
        assertThat(r.scsiStatus()).isEqualTo(ScsiSense.SCSISTAT_CHECK_CONDITION);
        assertThat(r.sense()).isEqualTo(ScsiSense.fixed(key, asc, ascq));
        assertThat(r.dataTransferLength()).isZero();
    }

    private static void assertInvalidRequest(ScsiResult r) {
        assertThat(r.srbStatus()).as("%s", r).isEqualTo(SrbStatus.SRB_STATUS_INVALID_REQUEST);
        assertThat(r.sense()).isEmpty();
        assertThat(r.dataTransferLength()).isZero();
    }

    private static void assertInvalidFieldInCdb(ScsiResult r) {
        assertCheckCondition(r, ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_INVALID_CDB, 0);
    }

    /**
     * A store of any size that holds nothing (reads zeros), counts flushes and can be told to fail; for sizes
     * and failures a memory store cannot show cheaply.
     */
    private static final class FakeStore implements BackingStore {
        final int blockSize;
        final long blockCount;
        int flushes;
        boolean failIo;

        FakeStore(int blockSize, long blockCount) {
            this.blockSize = blockSize;
            this.blockCount = blockCount;
        }

        @Override
        public int blockSize() {
            return blockSize;
        }

        @Override
        public long blockCount() {
            return blockCount;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void read(long lba, int blocks, byte[] dst, int dstOffset) {
            if (failIo) {
                throw new UncheckedIOException(new IOException("armed read failure"));
            }
            Arrays.fill(dst, dstOffset, dstOffset + blocks * blockSize, (byte) 0);
        }

        @Override
        public void write(long lba, int blocks, byte[] src, int srcOffset) {
            if (failIo) {
                throw new UncheckedIOException(new IOException("armed write failure"));
            }
        }

        @Override
        public void flush() throws IOException {
            if (failIo) {
                throw new IOException("armed flush failure");
            }
            flushes++;
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "fake";
        }
    }

    // ---- TEST UNIT READY, START STOP UNIT ----

    @Test
    public void testUnitReadyReportsGoodWithNoData() {
        assertGood(disk.execute(cdb(6, ScsiOp.SCSIOP_TEST_UNIT_READY), null, 0), 0);
    }

    @Test
    public void aStoppedUnitAnswersReadsWritesVerifyAndTestUnitReadyWithNotReadyInitializingCommandRequired() {
        assertGood(disk.execute(cdb(6, ScsiOp.SCSIOP_START_STOP_UNIT, 0, 0, 0, 0x00), null, 0), 0);
        assertThat(disk.started()).isFalse();

        assertCheckCondition(run(cdb10(ScsiOp.SCSIOP_READ, 0, 1), new byte[512]), 0x02, 0x04, 0x02);
        assertCheckCondition(run(cdb10(ScsiOp.SCSIOP_WRITE, 0, 1), pattern(512, 1)), 0x02, 0x04, 0x02);
        assertCheckCondition(run(cdb10(ScsiOp.SCSIOP_VERIFY, 0, 1), new byte[0]), 0x02, 0x04, 0x02);
        assertCheckCondition(run(cdb(6, ScsiOp.SCSIOP_TEST_UNIT_READY), new byte[0]), 0x02, 0x04, 0x02);
        assertThat(storeBytes(store, 0, 1)).isEqualTo(new byte[512]);
    }

    @Test
    public void startUnitMakesAStoppedUnitReadyAgain() {
        disk.execute(cdb(6, ScsiOp.SCSIOP_START_STOP_UNIT, 0, 0, 0, 0x00), null, 0);

        assertGood(disk.execute(cdb(6, ScsiOp.SCSIOP_START_STOP_UNIT, 0, 0, 0, 0x01), null, 0), 0);

        assertThat(disk.started()).isTrue();
        assertGood(run(cdb10(ScsiOp.SCSIOP_WRITE, 0, 1), pattern(512, 1)), 512);
        assertGood(run(cdb(6, ScsiOp.SCSIOP_TEST_UNIT_READY), new byte[0]), 0);
    }

    @Test
    public void startStopUnitWithAPowerConditionIgnoresTheStartBit() {
        // POWER CONDITION 3 (STANDBY) with START 0.
        assertGood(disk.execute(cdb(6, ScsiOp.SCSIOP_START_STOP_UNIT, 0, 0, 0, 0x30), null, 0), 0);

        assertThat(disk.started()).isTrue();
    }

    // ---- INQUIRY ----

    @Test
    public void inquiryStandardDataDescribesAnSpc4DirectAccessDeviceIn36Bytes() {
        byte[] buffer = new byte[96];

        ScsiResult r = run(inquiry(false, 0, 96), buffer);

        assertGood(r, 36);
        assertThat(buffer[0]).as("peripheral qualifier 0, device type 0 (direct access)").isEqualTo((byte) 0x00);
        assertThat(buffer[1]).as("not removable").isEqualTo((byte) 0x00);
        assertThat(buffer[2]).as("VERSION SPC-4").isEqualTo((byte) 0x06);
        assertThat(buffer[3]).as("RESPONSE DATA FORMAT").isEqualTo((byte) 0x02);
        assertThat(buffer[4]).as("ADDITIONAL LENGTH").isEqualTo((byte) 31);
        assertThat(buffer[7]).as("CMDQUE").isEqualTo((byte) 0x02);
    }

    @Test
    public void inquiryStandardDataCarriesSpacePaddedVendorAndProductAndRevision0001() {
        byte[] buffer = new byte[36];

        run(inquiry(false, 0, 36), buffer);

        assertThat(Arrays.copyOfRange(buffer, 8, 16)).isEqualTo(ascii("DRVSIM  "));
        assertThat(Arrays.copyOfRange(buffer, 16, 32)).isEqualTo(ascii("RAMDISK         "));
        assertThat(Arrays.copyOfRange(buffer, 32, 36)).isEqualTo(ascii("0001"));
    }

    @Test
    public void inquiryReturnsNoMoreThanTheAllocationLengthAndThatIsSuccess() {
        byte[] buffer = new byte[96];

        ScsiResult r = run(inquiry(false, 0, 5), buffer);

        assertGood(r, 5);
        assertThat(buffer[4]).as("ADDITIONAL LENGTH still says 31").isEqualTo((byte) 31);
        assertThat(buffer[5]).isZero();
    }

    @Test
    public void inquiryReturnsNoMoreThanTheDataTransferLength() {
        byte[] buffer = new byte[96];

        ScsiResult r = disk.execute(inquiry(false, 0, 255), buffer, 20);

        assertGood(r, 20);
        assertThat(buffer[20]).isZero();
    }

    @Test
    public void inquiryVpdPage00ListsPages00And80And83() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(inquiry(true, 0x00, 255), buffer);

        assertGood(r, 7);
        assertThat(moved(r, buffer)).isEqualTo(bytes(0x00, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83));
    }

    @Test
    public void inquiryVpdPage80ReturnsTheUnitSerialNumber() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(inquiry(true, 0x80, 255), buffer);

        assertGood(r, 10);
        assertThat(moved(r, buffer)).isEqualTo(concat(bytes(0x00, 0x80, 0x00, 0x06), ascii("RD0001")));
    }

    @Test
    public void inquiryVpdPage83ReturnsOneAsciiT10VendorIdDesignatorOfVendorProductAndSerial() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(inquiry(true, 0x83, 255), buffer);

        byte[] identifier = ascii("DRVSIM  RAMDISK         RD0001");
        assertGood(r, 4 + 4 + identifier.length);
        assertThat(moved(r, buffer)).isEqualTo(concat(
                bytes(0x00, 0x83, 0x00, 4 + identifier.length),
                bytes(0x02, 0x01, 0x00, identifier.length),
                identifier));
    }

    @Test
    public void inquiryVpdPageHonoursTheAllocationLength() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(inquiry(true, 0x80, 4), buffer);

        assertGood(r, 4);
        assertThat(moved(r, buffer)).isEqualTo(bytes(0x00, 0x80, 0x00, 0x06));
    }

    @Test
    public void inquiryOfAnUnsupportedVpdPageIsIllegalRequestInvalidFieldInCdb() {
        assertInvalidFieldInCdb(run(inquiry(true, 0xB0, 255), new byte[255]));
    }

    @Test
    public void inquiryWithAPageCodeButNoEvpdIsIllegalRequestInvalidFieldInCdb() {
        assertInvalidFieldInCdb(run(inquiry(false, 0x80, 255), new byte[255]));
    }

    // ---- READ CAPACITY ----

    @Test
    public void readCapacity10ReportsTheLastLbaAnd512ByteBlocks() {
        byte[] buffer = new byte[8];

        ScsiResult r = run(cdb(10, ScsiOp.SCSIOP_READ_CAPACITY), buffer);

        assertGood(r, 8);
        assertThat(buffer).isEqualTo(bytes(0x00, 0x01, 0xFF, 0xFF, 0x00, 0x00, 0x02, 0x00));
    }

    @Test
    public void readCapacity10ReportsTheLastLbaAnd4096ByteBlocks() {
        ScsiDisk d = new ScsiDisk(new MemoryBackingStore(64 * MIB, 4096), "DRVSIM", "RAMDISK", "RD0002", 1);
        byte[] buffer = new byte[8];

        ScsiResult r = run(d, cdb(10, ScsiOp.SCSIOP_READ_CAPACITY), buffer);

        assertGood(r, 8);
        assertThat(buffer).isEqualTo(bytes(0x00, 0x00, 0x3F, 0xFF, 0x00, 0x00, 0x10, 0x00));
    }

    @Test
    public void readCapacity10ReportsFFFFFFFFWhenTheDiskHasMoreThan2To32Blocks() {
        ScsiDisk d = new ScsiDisk(new FakeStore(512, (1L << 32) + 1), "DRVSIM", "BIG", "B1", 0);
        byte[] buffer = new byte[8];

        run(d, cdb(10, ScsiOp.SCSIOP_READ_CAPACITY), buffer);

        assertThat(buffer).isEqualTo(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x02, 0x00));
    }

    @Test
    public void readCapacity16ReportsTheFullLastLbaOfADiskWithMoreThan2To32Blocks() {
        ScsiDisk d = new ScsiDisk(new FakeStore(512, (1L << 32) + 1), "DRVSIM", "BIG", "B1", 0);
        byte[] buffer = new byte[32];

        ScsiResult r = run(d, readCapacity16(32), buffer);

        assertGood(r, 32);
        assertThat(Arrays.copyOf(buffer, 12))
                .isEqualTo(bytes(0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00));
    }

    @Test
    public void readCapacity16Returns32BytesOfLastLbaAndBlockLengthAndZeros() {
        byte[] buffer = new byte[64];
        Arrays.fill(buffer, (byte) 0xEE);

        ScsiResult r = run(readCapacity16(64), buffer);

        assertGood(r, 32);
        byte[] expected = new byte[32];
        putBe(expected, 0, 8, BLOCKS_512 - 1);
        putBe(expected, 8, 4, 512);
        assertThat(moved(r, buffer)).isEqualTo(expected);
        assertThat(buffer[32]).isEqualTo((byte) 0xEE);
    }

    @Test
    public void readCapacity16HonoursTheAllocationLengthInBytes10To13() {
        byte[] buffer = new byte[32];

        ScsiResult r = run(readCapacity16(12), buffer);

        assertGood(r, 12);
    }

    @Test
    public void serviceActionIn16WithAnotherServiceActionIsIllegalRequestInvalidFieldInCdb() {
        byte[] c = readCapacity16(32);
        c[1] = 0x11;

        assertInvalidFieldInCdb(run(c, new byte[32]));
    }

    // ---- READ / WRITE ----

    @Test
    public void dataWrittenWithWrite10ReadsBackWithRead10() {
        byte[] data = pattern(3 * 512, 10);

        assertGood(run(cdb10(ScsiOp.SCSIOP_WRITE, 1000, 3), data.clone()), 3 * 512);
        byte[] back = new byte[3 * 512];
        assertGood(run(cdb10(ScsiOp.SCSIOP_READ, 1000, 3), back), 3 * 512);

        assertThat(back).isEqualTo(data);
        assertThat(storeBytes(store, 1000, 3)).isEqualTo(data);
        assertThat(storeBytes(store, 999, 1)).isEqualTo(new byte[512]);
        assertThat(storeBytes(store, 1003, 1)).isEqualTo(new byte[512]);
    }

    @Test
    public void dataWrittenWithWrite16ReadsBackWithRead16AndRead10() {
        byte[] data = pattern(8 * 512, 16);
        long lba = BLOCKS_512 - 8;

        assertGood(run(cdb16(ScsiOp.SCSIOP_WRITE16, lba, 8), data), 8 * 512);
        byte[] back16 = new byte[8 * 512];
        assertGood(run(cdb16(ScsiOp.SCSIOP_READ16, lba, 8), back16), 8 * 512);
        byte[] back10 = new byte[8 * 512];
        assertGood(run(cdb10(ScsiOp.SCSIOP_READ, lba, 8), back10), 8 * 512);

        assertThat(back16).isEqualTo(data);
        assertThat(back10).isEqualTo(data);
    }

    @Test
    public void dataWrittenWithWrite6ReadsBackWithRead6AtA21BitLba() {
        byte[] data = pattern(2 * 512, 6);
        long lba = 0x1F_FFF0;
        ScsiDisk d = new ScsiDisk(new MemoryBackingStore(2048 * MIB, 512), "DRVSIM", "RAMDISK", "RD6", 0);

        assertGood(run(d, cdb6(ScsiOp.SCSIOP_WRITE6, lba, 2), data), 2 * 512);
        byte[] back = new byte[2 * 512];
        assertGood(run(d, cdb6(ScsiOp.SCSIOP_READ6, lba, 2), back), 2 * 512);

        assertThat(back).isEqualTo(data);
        assertThat(storeBytes(d.store(), lba, 2)).isEqualTo(data);
    }

    @Test
    public void read6WithTransferLength0Reads256Blocks() {
        byte[] data = pattern(256 * 512, 256);
        store.write(0, 256, data, 0);
        byte[] back = new byte[256 * 512];

        ScsiResult r = run(cdb6(ScsiOp.SCSIOP_READ6, 0, 0), back);

        assertGood(r, 256 * 512);
        assertThat(back).isEqualTo(data);
    }

    @Test
    public void aTransferOf0BlocksSucceedsAndMovesNothing() {
        assertGood(disk.execute(cdb10(ScsiOp.SCSIOP_WRITE, 5, 0), null, 0), 0);
        assertGood(disk.execute(cdb16(ScsiOp.SCSIOP_READ16, 5, 0), null, 0), 0);

        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aWritePastTheLastLbaIsLogicalBlockAddressOutOfRangeAndWritesNothing() {
        ScsiResult r = run(cdb10(ScsiOp.SCSIOP_WRITE, BLOCKS_512 - 1, 2), pattern(2 * 512, 1));

        assertCheckCondition(r, ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK, 0);
        assertThat(storeBytes(store, BLOCKS_512 - 1, 1)).isEqualTo(new byte[512]);
        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aReadPastTheLastLbaIsLogicalBlockAddressOutOfRangeAndMovesNothing() {
        byte[] buffer = new byte[512];
        Arrays.fill(buffer, (byte) 0xEE);

        ScsiResult r = run(cdb16(ScsiOp.SCSIOP_READ16, BLOCKS_512, 1), buffer);

        assertCheckCondition(r, ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK, 0);
        byte[] untouched = new byte[512];
        Arrays.fill(untouched, (byte) 0xEE);
        assertThat(buffer).isEqualTo(untouched);
    }

    @Test
    public void a16ByteCdbLbaOf2To63OrMoreIsOutOfRange() {
        ScsiResult r = run(cdb16(ScsiOp.SCSIOP_READ16, 0x8000_0000_0000_0000L, 1), new byte[512]);

        assertCheckCondition(r, ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK, 0);
    }

    @Test
    public void aWriteToAReadOnlyStoreIsDataProtectWriteProtectedAndLeavesTheStoreUnchanged() {
        byte[] before = pattern(512, 7);
        store.write(42, 1, before, 0);
        store.setReadOnly(true);

        ScsiResult r = run(cdb10(ScsiOp.SCSIOP_WRITE, 42, 1), pattern(512, 8));

        assertCheckCondition(r, ScsiSense.SCSI_SENSE_DATA_PROTECT, ScsiSense.SCSI_ADSENSE_WRITE_PROTECT, 0);
        assertThat(storeBytes(store, 42, 1)).isEqualTo(before);
    }

    @Test
    public void aReadFromAReadOnlyStoreSucceeds() {
        byte[] data = pattern(512, 9);
        store.write(42, 1, data, 0);
        store.setReadOnly(true);
        byte[] back = new byte[512];

        assertGood(run(cdb16(ScsiOp.SCSIOP_READ16, 42, 1), back), 512);
        assertThat(back).isEqualTo(data);
    }

    @Test
    public void aWriteWhoseDataTransferLengthIsNotBlocksTimesBlockSizeIsAnInvalidRequestAndWritesNothing() {
        ScsiResult shorter = disk.execute(cdb10(ScsiOp.SCSIOP_WRITE, 0, 2), pattern(1024, 1), 512);
        ScsiResult longer = run(cdb10(ScsiOp.SCSIOP_WRITE, 0, 1), pattern(1024, 1));

        assertInvalidRequest(shorter);
        assertInvalidRequest(longer);
        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aReadWhoseDataTransferLengthIsNotBlocksTimesBlockSizeIsAnInvalidRequestAndMovesNothing() {
        store.write(0, 2, pattern(1024, 3), 0);
        byte[] buffer = new byte[1024];

        assertInvalidRequest(disk.execute(cdb10(ScsiOp.SCSIOP_READ, 0, 2), buffer, 1000));
        assertThat(buffer).isEqualTo(new byte[1024]);
    }

    @Test
    public void aDataTransferLengthBeyondTheDataBufferIsAnInvalidRequest() {
        assertInvalidRequest(disk.execute(cdb10(ScsiOp.SCSIOP_WRITE, 0, 2), new byte[512], 1024));
        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aStoreReadFailureIsMediumErrorUnrecoveredReadError() {
        FakeStore failing = new FakeStore(512, 1000);
        failing.failIo = true;
        ScsiDisk d = new ScsiDisk(failing, "DRVSIM", "RAMDISK", "F1", 0);

        assertCheckCondition(run(d, cdb10(ScsiOp.SCSIOP_READ, 0, 1), new byte[512]), 0x03, 0x11, 0);
        assertCheckCondition(run(d, cdb10(ScsiOp.SCSIOP_WRITE, 0, 1), new byte[512]), 0x03, 0x0C, 0);
    }

    @Test
    public void concurrentWritesAndReadsOfDifferentBlocksAllRoundTrip() throws Exception {
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                jobs.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        // Spread over all chunks: block numbers interleave across threads.
                        long lba = ((long) i * threads + thread) * 8 % BLOCKS_512;
                        byte[] data = pattern(4096, thread * perThread + i);
                        assertGood(run(cdb10(ScsiOp.SCSIOP_WRITE, lba, 8), data), 4096);
                        byte[] back = new byte[4096];
                        assertGood(run(cdb16(ScsiOp.SCSIOP_READ16, lba, 8), back), 4096);
                        assertThat(back).isEqualTo(data);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- VERIFY, SYNCHRONIZE CACHE ----

    @Test
    public void verify10And16SucceedForBlocksOnTheDisk() {
        assertGood(disk.execute(cdb10(ScsiOp.SCSIOP_VERIFY, BLOCKS_512 - 4, 4), null, 0), 0);
        assertGood(disk.execute(cdb16(ScsiDisk.SCSIOP_VERIFY16, 0, BLOCKS_512), null, 0), 0);
    }

    @Test
    public void verifyPastTheLastLbaIsLogicalBlockAddressOutOfRange() {
        assertCheckCondition(disk.execute(cdb16(ScsiDisk.SCSIOP_VERIFY16, BLOCKS_512 - 1, 2), null, 0),
                ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK, 0);
    }

    @Test
    public void verifyWithByteCheckIsIllegalRequestInvalidFieldInCdb() {
        byte[] c = cdb10(ScsiOp.SCSIOP_VERIFY, 0, 1);
        c[1] = 0x02;

        assertInvalidFieldInCdb(disk.execute(c, null, 0));
    }

    @Test
    public void synchronizeCache10And16FlushTheStore() {
        FakeStore fake = new FakeStore(512, 1000);
        ScsiDisk d = new ScsiDisk(fake, "DRVSIM", "RAMDISK", "S1", 0);

        assertGood(d.execute(cdb10(ScsiOp.SCSIOP_SYNCHRONIZE_CACHE, 0, 0), null, 0), 0);
        assertGood(d.execute(cdb16(ScsiOp.SCSIOP_SYNCHRONIZE_CACHE16, 0, 0), null, 0), 0);

        assertThat(fake.flushes).isEqualTo(2);
    }

    @Test
    public void aFailedCacheFlushIsMediumErrorWriteError() {
        FakeStore fake = new FakeStore(512, 1000);
        fake.failIo = true;
        ScsiDisk d = new ScsiDisk(fake, "DRVSIM", "RAMDISK", "S1", 0);

        assertCheckCondition(d.execute(cdb10(ScsiOp.SCSIOP_SYNCHRONIZE_CACHE, 0, 0), null, 0), 0x03, 0x0C, 0);
    }

    // ---- MODE SENSE ----

    @Test
    public void modeSense6OfAllPagesReturnsHeaderBlockDescriptorAndCachingPage() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(modeSense6(0, 0x3F, 255), buffer);

        assertGood(r, 32);
        byte[] caching = new byte[20];
        caching[0] = 0x08;
        caching[1] = 0x12;
        assertThat(moved(r, buffer)).isEqualTo(concat(
                bytes(31, 0x00, 0x00, 8),
                bytes(0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00),
                caching));
    }

    @Test
    public void modeSense6OfTheCachingPageReportsWriteCacheDisabled() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(modeSense6(0x08, 0x08, 255), buffer);

        assertGood(r, 24);
        assertThat(buffer[3]).as("no block descriptor with DBD").isZero();
        assertThat(buffer[4]).isEqualTo((byte) 0x08);
        assertThat(buffer[5]).isEqualTo((byte) 0x12);
        assertThat(buffer[6] & 0x04).as("WCE").isZero();
    }

    @Test
    public void modeSenseSetsTheWriteProtectBitForAReadOnlyStore() {
        byte[] six = new byte[255];
        byte[] ten = new byte[255];
        assertThat(run(modeSense6(0, 0x3F, 255), six).dataTransferLength()).isEqualTo(32);
        assertThat(six[2]).as("writable").isZero();

        store.setReadOnly(true);

        run(modeSense6(0, 0x3F, 255), six);
        run(modeSense10(0, 0x3F, 255), ten);
        assertThat(six[2]).isEqualTo((byte) 0x80);
        assertThat(ten[3]).isEqualTo((byte) 0x80);
    }

    @Test
    public void modeSense10OfAllPagesReturnsAnEightByteHeaderBlockDescriptorAndCachingPage() {
        ScsiDisk d = new ScsiDisk(new MemoryBackingStore(64 * MIB, 4096), "DRVSIM", "RAMDISK", "RD2", 0);
        byte[] buffer = new byte[255];

        ScsiResult r = run(d, modeSense10(0, 0x3F, 255), buffer);

        assertGood(r, 36);
        byte[] caching = new byte[20];
        caching[0] = 0x08;
        caching[1] = 0x12;
        assertThat(moved(r, buffer)).isEqualTo(concat(
                bytes(0x00, 34, 0x00, 0x00, 0x00, 0x00, 0x00, 8),
                bytes(0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x10, 0x00),
                caching));
    }

    @Test
    public void modeSense10WithLlbaaReturnsALongLbaBlockDescriptor() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(modeSense10(0x10, 0x08, 255), buffer);

        assertGood(r, 8 + 16 + 20);
        assertThat(Arrays.copyOf(buffer, 24)).isEqualTo(bytes(
                0x00, 42, 0x00, 0x00, 0x01, 0x00, 0x00, 16,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00));
    }

    @Test
    public void modeSenseWithDbdOmitsTheBlockDescriptor() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(modeSense10(0x08, 0x3F, 255), buffer);

        assertGood(r, 28);
        assertThat(Arrays.copyOf(buffer, 10)).isEqualTo(bytes(0x00, 26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x08, 0x12));
    }

    @Test
    public void modeSense6BlockDescriptorCapsTheBlockCountAtFFFFFFFF() {
        ScsiDisk d = new ScsiDisk(new FakeStore(512, (1L << 32) + 1), "DRVSIM", "BIG", "B1", 0);
        byte[] buffer = new byte[255];

        run(d, modeSense6(0, 0x3F, 255), buffer);

        assertThat(Arrays.copyOfRange(buffer, 4, 12))
                .isEqualTo(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x02, 0x00));
    }

    @Test
    public void modeSenseHonoursTheAllocationLengthAndStillReportsTheFullModeDataLength() {
        byte[] buffer = new byte[255];

        ScsiResult r = run(modeSense6(0, 0x3F, 4), buffer);

        assertGood(r, 4);
        assertThat(buffer[0]).isEqualTo((byte) 31);
        assertThat(buffer[4]).isZero();
    }

    @Test
    public void modeSenseOfAnUnsupportedPageIsIllegalRequestInvalidFieldInCdb() {
        assertInvalidFieldInCdb(run(modeSense6(0, 0x0A, 255), new byte[255]));
        assertInvalidFieldInCdb(run(modeSense10(0, 0x1C, 255), new byte[255]));
    }

    @Test
    public void modeSenseOfSavedValuesIsIllegalRequestSavingParametersNotSupported() {
        assertCheckCondition(run(modeSense6(0, 0xC0 | 0x3F, 255), new byte[255]),
                ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, 0x39, 0);
    }

    // ---- unsupported and malformed commands ----

    @Test
    public void anUnsupportedOperationCodeIsIllegalRequestInvalidCommandOperationCode() {
        for (int op : new int[] {ScsiOp.SCSIOP_REQUEST_SENSE, ScsiOp.SCSIOP_MODE_SELECT, 0x04, 0xA8, 0xFF}) {
            ScsiResult r = run(cdb(16, op), new byte[64]);

            assertCheckCondition(r, ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, ScsiSense.SCSI_ADSENSE_ILLEGAL_COMMAND, 0);
        }
    }

    @Test
    public void reportLunsIsLeftToTheDriverAndIsAnInvalidCommandOperationCodeHere() {
        byte[] c = cdb(12, ScsiOp.SCSIOP_REPORT_LUNS);
        putBe(c, 6, 4, 256);

        assertCheckCondition(run(c, new byte[256]), ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST,
                ScsiSense.SCSI_ADSENSE_ILLEGAL_COMMAND, 0);
    }

    @Test
    public void aCdbShorterThanItsCommandIsIllegalRequestInvalidFieldInCdb() {
        assertInvalidFieldInCdb(run(Arrays.copyOf(cdb10(ScsiOp.SCSIOP_READ, 0, 1), 6), new byte[512]));
        assertInvalidFieldInCdb(run(Arrays.copyOf(readCapacity16(32), 10), new byte[32]));
        assertInvalidFieldInCdb(run(bytes(ScsiOp.SCSIOP_INQUIRY, 0, 0), new byte[36]));
    }

    @Test
    public void anEmptyCdbIsAnInvalidRequest() {
        assertInvalidRequest(disk.execute(new byte[0], null, 0));
    }

    // ---- REPORT LUNS data, construction ----

    @Test
    public void reportLunsDataHasTheListLengthThenOneSingleLevelLunPer8Bytes() {
        byte[] data = ScsiDisk.reportLunsData(List.of(0, 1, 7));

        assertThat(data).isEqualTo(bytes(
                0x00, 0x00, 0x00, 24, 0, 0, 0, 0,
                0x00, 0x00, 0, 0, 0, 0, 0, 0,
                0x00, 0x01, 0, 0, 0, 0, 0, 0,
                0x00, 0x07, 0, 0, 0, 0, 0, 0));
    }

    @Test
    public void reportLunsDataOfNoLunsIsAnEmptyList() {
        assertThat(ScsiDisk.reportLunsData(List.of())).isEqualTo(new byte[8]);
    }

    @Test
    public void reportLunsDataUsesFlatSpaceAddressingFromLun256() {
        byte[] data = ScsiDisk.reportLunsData(List.of(0x123));

        assertThat(Arrays.copyOfRange(data, 8, 16)).isEqualTo(bytes(0x41, 0x23, 0, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> ScsiDisk.reportLunsData(List.of(0x4000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16384");
    }

    @Test
    public void aVendorLongerThan8CharactersIsRejected() {
        assertThatThrownBy(() -> new ScsiDisk(store, "TOOLONGVENDOR", "RAMDISK", "S", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vendor");
        assertThatThrownBy(() -> new ScsiDisk(store, "DRVSIM", "RAMDISK", "S\u00e9", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serial");
    }
}
