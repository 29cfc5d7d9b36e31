package org.drvsim.drivers.ramdisk;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.storport.StorPortAdapter;
import org.drvsim.storport.StorPortDriverObject;
import org.drvsim.storport.StorportMiniportEntry;
import org.drvsim.storport.VirtualHwInitializationData;
import org.drvsim.storport.internal.StorClassDriver;
import org.drvsim.storport.internal.StorPort;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The machine under measurement, built without an OSGi framework (as the ports' unit tests do): the kernel's
 * scheduler, trace and verifier, storport.sys ({@link StorPort}) with its class-driver harness
 * ({@link StorClassDriver}), and the ramdisk miniport started on one root-enumerated adapter
 * {@value #INSTANCE_ID} whose LUN 0 is a 64 MiB memory disk of 512-byte blocks, filled with random data.
 *
 * <p>It sits in the ramdisk's package (a split package, fine on a plain classpath) because the ramdisk's
 * device extension ({@link RamdiskAdapter}) and its {@link BackingStore} are package-private: the raw baseline
 * reads that very store, the memory behind the SRB path.
 *
 * <p>{@link #ioTracing} is {@code Trace.setIoTracing}: with {@code true} every SRB is recorded (HwStorStartIo
 * and StorPortNotification), as drvsim does by default; with {@code false} (the framework property
 * {@code drvsim.trace.io=false}) only lifecycle events are.
 */
@State(Scope.Benchmark)
public class RamdiskPlatform {
    /** The adapter's device instance ID. */
    public static final String INSTANCE_ID = "ROOT\\RAMDISK\\0000";
    /** The hardware ID the ramdisk claims. */
    public static final String HARDWARE_ID = "ROOT\\RAMDISK";
    /** The SCSI address of the memory LUN: path 0, target 0, LUN 0. */
    public static final String LUN = "0:0:0";
    /** Capacity of the memory LUN: 64 MiB. */
    public static final long SIZE_BYTES = 64L << 20;
    /** Logical block size of the memory LUN. */
    public static final int BLOCK_SIZE = 512;
    /** Bytes per benchmarked read: 4 KiB. */
    public static final int READ_BYTES = 4096;
    /** Logical blocks per benchmarked read: 8. */
    public static final int READ_BLOCKS = READ_BYTES / BLOCK_SIZE;
    /** How many 4 KiB-aligned reads fit on the LUN: 16384. */
    public static final long READ_SLOTS = SIZE_BYTES / READ_BYTES;
    private static final long FILL_SEED = 0x0D15C_5EEDL;
    private static final String DRIVER_NAME = "org.drvsim.drivers.ramdisk/0.1.0.benchmark";

    /** Whether per-request (SRB) events are recorded in the trace. */
    @Param({"true", "false"})
    public boolean ioTracing;

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private StorPort storport;
    private StorClassDriver classDriver;
    private Driver driverObject;
    private DeviceNode node;
    private RamdiskAdapter adapter;
    private BackingStore store;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        storport = new StorPort(trace, verifier, scheduler);
        classDriver = new StorClassDriver(storport, scheduler);

        AtomicReference<RamdiskAdapter> captured = new AtomicReference<>();
        node = new Node();
        driverObject = new Driver(new CapturingEntry(captured), node);
        PortStatus entry = storport.driverEntry(driverObject, driverObject.entry());
        check(entry.isSuccess(), "DriverEntry: " + entry);
        PortStatus start = storport.startDevice(driverObject, node, DeviceResources.NONE);
        check(start.isSuccess(), "start of " + INSTANCE_ID + ": " + start);
        adapter = captured.get();
        check(adapter != null, "no RamdiskAdapter was created for " + INSTANCE_ID);
        ScsiDisk lun0 = adapter.luns.get(0);
        check(lun0 != null, "the ramdisk has no LUN 0");
        store = lun0.store();
        check(store.blockSize() == BLOCK_SIZE && store.blockCount() * BLOCK_SIZE == SIZE_BYTES,
                "LUN 0 is " + store.describe() + " of " + store.blockSize() + "-byte blocks");
        check(classDriver.luns().stream().anyMatch(l -> l.address().equals(LUN)), "the bus scan found no " + LUN);
        long[] capacity = classDriver.readCapacity(INSTANCE_ID, LUN);
        check(capacity[0] * capacity[1] == SIZE_BYTES && capacity[1] == BLOCK_SIZE,
                "READ CAPACITY says " + capacity[0] + " blocks of " + capacity[1] + " bytes");

        // Fill the whole LUN with random data through the SRB path (WRITE(10), 256 KiB per SRB).
        SplittableRandom fill = new SplittableRandom(FILL_SEED);
        byte[] piece = new byte[1 << 20];
        byte[] firstPiece = null;
        for (long lba = 0; lba < SIZE_BYTES / BLOCK_SIZE; lba += piece.length / BLOCK_SIZE) {
            fill.nextBytes(piece);
            classDriver.write(INSTANCE_ID, LUN, lba, piece);
            if (firstPiece == null) {
                firstPiece = piece.clone();
            }
        }
        // The SRB path and the raw store must see the same bytes, and what was written.
        byte[] viaSrb = classDriver.read(INSTANCE_ID, LUN, 24, READ_BLOCKS);
        byte[] viaStore = new byte[READ_BYTES];
        store.read(24, READ_BLOCKS, viaStore, 0);
        check(Arrays.equals(viaSrb, viaStore), "the SRB path and the backing store disagree at LBA 24");
        check(Arrays.equals(viaStore, Arrays.copyOfRange(firstPiece, 24 * BLOCK_SIZE, 24 * BLOCK_SIZE + READ_BYTES)),
                "LBA 24 does not hold what was written");
        checkNoViolations("setup");

        trace.clear();
        trace.setIoTracing(ioTracing);
    }

    /**
     * The trace records every SRB while {@link #ioTracing} is on; forget them after each iteration so the trace
     * does not grow across iterations (TraceRecorder also caps itself at 1,000,000 events). Also fails the run
     * if the verifier found anything.
     */
    @TearDown(Level.Iteration)
    public void afterIteration() {
        trace.clear();
        checkNoViolations("iteration");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (driverObject != null) {
                trace.setIoTracing(true);
                storport.removeDevice(driverObject, node);
                storport.driverUnload(driverObject);
                checkNoViolations("removal");
            }
        } finally {
            scheduler.close();
        }
    }

    /** @return the class-driver harness (disk.sys's view of the LUNs) */
    public StorClassDriver classDriver() {
        return classDriver;
    }

    /** @return a random 4 KiB-aligned LBA (a multiple of {@link #READ_BLOCKS}) on the LUN */
    public static long randomLba(SplittableRandom random) {
        return random.nextLong(READ_SLOTS) * READ_BLOCKS;
    }

    /** The raw baseline: copies {@link #READ_BLOCKS} blocks at {@code lba} straight from LUN 0's backing store. */
    public void rawRead(long lba, byte[] dst) {
        store.read(lba, READ_BLOCKS, dst, 0);
    }

    private void checkNoViolations(String when) {
        List<Verifier.Violation> v = verifier.violations();
        check(v.isEmpty(), "verifier violations after " + when + ": " + v);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /**
     * The ramdisk's DriverEntry, with a StorPortDriverObject in between that wraps the device extension factory
     * so the benchmark gets hold of the RamdiskAdapter Storport creates for the adapter.
     */
    private static final class CapturingEntry implements StorportMiniportEntry {
        private final AtomicReference<RamdiskAdapter> captured;

        CapturingEntry(AtomicReference<RamdiskAdapter> captured) {
            this.captured = captured;
        }

        @Override
        public NtStatus driverEntry(StorPortDriverObject real) {
            return new RamdiskDriver().driverEntry(new StorPortDriverObject() {
                @Override
                public String driverName() {
                    return real.driverName();
                }

                @Override
                @SuppressWarnings("unchecked")
                public NtStatus storPortInitialize(VirtualHwInitializationData<?> data) {
                    VirtualHwInitializationData<RamdiskAdapter> init = ((VirtualHwInitializationData<RamdiskAdapter>) data).copy();
                    Function<StorPortAdapter, RamdiskAdapter> create = init.deviceExtension;
                    init.deviceExtension = handle -> {
                        RamdiskAdapter a = create.apply(handle);
                        captured.set(a);
                        return a;
                    };
                    return real.storPortInitialize(init);
                }
            });
        }
    }

    /** DRIVER_OBJECT of the ramdisk, without a bundle. */
    private static final class Driver implements DriverObject {
        private final Object entry;
        private final DeviceNode node;

        Driver(Object entry, DeviceNode node) {
            this.entry = entry;
            this.node = node;
        }

        @Override public String name() { return DRIVER_NAME; }
        @Override public org.osgi.framework.Bundle bundle() { return null; }
        @Override public String model() { return "storport"; }
        @Override public List<String> hardwareIds() { return List.of(HARDWARE_ID); }
        public Object entry() { return entry; }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    }

    /** The root-enumerated ramdisk device node; its properties become HwFindAdapter's ArgumentString. */
    private static final class Node implements DeviceNode {
        @Override public String instanceId() { return INSTANCE_ID; }
        @Override public List<String> hardwareIds() { return List.of(HARDWARE_ID); }
        @Override public String description() { return "drvsim RAM disk (benchmark)"; }
        @Override public Map<String, String> properties() {
            return Map.of("ramdisk.sizeBytes", Long.toString(SIZE_BYTES), "ramdisk.blockSize", Integer.toString(BLOCK_SIZE));
        }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return CM_PROB_NONE; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return DRIVER_NAME; }
    }
}
