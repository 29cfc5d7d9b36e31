package org.drvsim.benchmarks;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.drvsim.drivers.ramdisk.RamdiskPlatform;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.harness.ClassDriverHarness.SrbResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * 4 KiB random reads from the ramdisk's 64 MiB memory LUN, single-threaded:
 * <ul>
 * <li>{@link #srbPathRead4k}: a READ(10) of 8 blocks through the whole Storport SRB path, as disk.sys would send
 * it: class driver, StorAdapter.submit, HwStorStartIo at DISPATCH_LEVEL, the ramdisk's SCSI disk, the backing
 * store, StorPortNotification(RequestComplete), completion of the request;</li>
 * <li>{@link #rawCopy4k}: the same 4 KiB copied straight from the same backing store, the floor any path to
 * that memory has to pay.</li>
 * </ul>
 * Both draw the same LBA sequence (a fixed seed per thread), 4 KiB-aligned and uniform over the LUN.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(1)
public class StorportReadBenchmark {
    /** Seed of the LBA sequence: the same for both benchmarks and every run. */
    static final long LBA_SEED = 42;

    /** What one benchmark thread owns: its data buffer, its CDB and its LBA sequence. */
    @State(Scope.Thread)
    public static class Request {
        final SplittableRandom random = new SplittableRandom(LBA_SEED);
        final byte[] buffer = new byte[RamdiskPlatform.READ_BYTES];
        /** READ(10); Storport copies the CDB into each SRB, so it can be rewritten per request. */
        final byte[] cdb = new byte[10];
    }

    @Benchmark
    public void srbPathRead4k(RamdiskPlatform platform, Request r, Blackhole bh) throws IOException {
        long lba = RamdiskPlatform.randomLba(r.random);
        byte[] cdb = r.cdb;
        cdb[0] = (byte) ScsiOp.SCSIOP_READ; // 0x28
        cdb[2] = (byte) (lba >>> 24);
        cdb[3] = (byte) (lba >>> 16);
        cdb[4] = (byte) (lba >>> 8);
        cdb[5] = (byte) lba;
        cdb[7] = 0;
        cdb[8] = (byte) RamdiskPlatform.READ_BLOCKS;
        SrbResult result = platform.classDriver().executeScsi(RamdiskPlatform.INSTANCE_ID, RamdiskPlatform.LUN, cdb,
                r.buffer, true, RamdiskPlatform.READ_BYTES);
        if (!result.success() || result.dataTransferLength() != RamdiskPlatform.READ_BYTES) {
            throw new IllegalStateException("READ(10) at LBA " + lba + ": " + result.describe() + ", "
                    + result.dataTransferLength() + " bytes");
        }
        bh.consume(r.buffer);
    }

    @Benchmark
    public void rawCopy4k(RamdiskPlatform platform, Request r, Blackhole bh) {
        long lba = RamdiskPlatform.randomLba(r.random);
        platform.rawRead(lba, r.buffer);
        bh.consume(r.buffer);
    }
}
