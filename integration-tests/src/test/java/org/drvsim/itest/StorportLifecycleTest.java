package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.inject.Inject;
import org.drvsim.itest.fixtures.FailingFindAdapterMiniport;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The ramdisk driver bundle's lifecycle under Storport (spec/storport-lifecycle.md section 9, oracles 1, 4 and
 * 6; spec/seeds/storport-HW_FREE_ADAPTER_RESOURCES.md: HwStorFreeAdapterResources is the last callback).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class StorportLifecycleTest extends DrvsimTestSupport {
    @Inject
    protected ClassDriverHarness disk;

    static final List<String> START = List.of(
            "DriverEntry",
            "StorPortInitialize",
            "VirtualHwStorFindAdapter",
            "HwStorInitialize",
            "HwStorAdapterControl ScsiQuerySupportedControlTypes",
            "HwStorStartIo SCSIOP_REPORT_LUNS 0:0:0",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
            "HwStorStartIo SCSIOP_INQUIRY 0:0:0",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
            // disk.sys claims the LUN (* ClassClaimDevice) and reads its capacity
            "HwStorStartIo SCSIOP_READ_CAPACITY 0:0:0",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS");

    static final List<String> STOP = List.of(
            "HwStorStartIo SRB_FUNCTION_PNP StorRemoveDevice 0:0:0",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
            "HwStorStartIo SRB_FUNCTION_PNP StorRemoveDevice SRB_PNP_FLAGS_ADAPTER_REQUEST",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
            "HwStorStartIo SRB_FUNCTION_FLUSH",
            "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
            "HwStorAdapterControl ScsiStopAdapter",
            "HwStorFreeAdapterResources");

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            storportFixtureBundle("fixture.failing.findadapter",
                    "org.drvsim.itest.fixtures.FailingFindAdapterMiniport;model=storport;hardware-ids=\"ROOT\\RAMDISK\"",
                    FailingFindAdapterMiniport.class)
        };
    }

    @Override
    public void platformIsUp() throws Exception {
        super.platformIsUp();
        await(e -> e.name().equals("HwStorStartIo") && "SCSIOP_INQUIRY".equals(e.arg("cdb")) && e.completed());
        disk.awaitBusScan();
    }

    /** The driver's calls as "Name detail", the detail being what tells the documented steps apart. */
    List<String> storCalls(String bsn) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : trace.events(x -> x.kind() != TraceEvent.Kind.PNP && x.driver().startsWith(bsn + "/"))) {
            String d = switch (e.name()) {
                case "HwStorStartIo" -> e.arg("cdb") != null ? e.arg("cdb") + " " + e.arg("address")
                        : e.arg("pnpAction") != null ? e.arg("srbFunction") + " " + e.arg("pnpAction") + " "
                        + ("0".equals(e.arg("srbPnPFlags")) ? e.arg("address") : e.arg("srbPnPFlags"))
                        : e.arg("srbFunction");
                case "HwStorAdapterControl" -> e.arg("controlType");
                case "StorPortNotification" -> e.arg("notificationType")
                        + (e.arg("srbStatus") != null ? " " + e.arg("srbStatus") : "");
                default -> "";
            };
            out.add(d.isEmpty() ? e.name() : e.name() + " " + d);
        }
        return out;
    }

    @Test
    public void startingTheRamdiskRunsFindAdapterInitializeQueryControlTypesThenScansTheBus() {
        assertThat(storCalls(RAMDISK)).containsExactlyElementsOf(START);
        assertThat(disk.luns()).extracting(ClassDriverHarness.LunInfo::address).containsExactly("0:0:0");
        assertThat(trace.events(e -> e.name().equals("HwStorStartIo")))
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("DISPATCH_LEVEL"));
        assertThat(trace.events(e -> e.name().startsWith("HwStor") && !e.name().equals("HwStorStartIo")))
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("PASSIVE_LEVEL"));
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void stoppingTheDriverRemovesTheLunThenTheAdapterAndFreeAdapterResourcesIsTheLastCallback() throws Exception {
        trace.clear();
        installedBundle(RAMDISK).stop();
        assertThat(storCalls(RAMDISK)).containsExactlyElementsOf(STOP);
        TraceEvent free = trace.events(e -> e.name().equals("HwStorFreeAdapterResources")).get(0);
        assertThat(free.irql().name()).isEqualTo("PASSIVE_LEVEL");
        assertThat(trace.events(e -> e.seq() > free.seq() && e.kind() == TraceEvent.Kind.CALLBACK)).isEmpty();
        assertThat(pnp.node(RD0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeUninitialized);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void restartingTheDriverBringsTheLunBackWithTheSameSequence() throws Exception {
        Bundle b = installedBundle(RAMDISK);
        b.stop();
        trace.clear();
        b.start();
        disk.awaitBusScan();
        assertThat(storCalls(RAMDISK)).containsExactlyElementsOf(START);
        assertThat(disk.readCapacity(RD0, "0:0:0")).containsExactly(131072L, 512L);
    }

    @Test
    public void updatingThenUninstallingAndReinstallingTheDriverLeavesNoStateBehind() throws Exception {
        trace.clear();
        Bundle b = installedBundle(RAMDISK);
        b.update();
        disk.awaitBusScan();
        List<String> expected = new ArrayList<>(STOP);
        expected.addAll(START);
        assertThat(storCalls(RAMDISK)).containsExactlyElementsOf(expected);
        String location = b.getLocation();
        b.uninstall();
        assertThat(pnp.drivers()).noneMatch(d -> d.model().equals("storport"));
        assertThat(disk.adapters()).isEmpty();
        trace.clear();
        bundleContext.installBundle(location).start();
        disk.awaitBusScan();
        assertThat(storCalls(RAMDISK)).containsExactlyElementsOf(START);
        assertThat(disk.luns()).extracting(ClassDriverHarness.LunInfo::address).containsExactly("0:0:0");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void surpriseRemovalSendsStorSurpriseRemovalThenStopsAndFreesTheAdapter() throws Exception {
        trace.clear();
        bundleContext.getService(bundleContext.getServiceReference(org.drvsim.hw.HardwareBus.class)).surpriseRemove(RD0);
        awaitCallback("HwStorFreeAdapterResources", RD0);
        assertThat(storCalls(RAMDISK)).containsExactly(
                "HwStorStartIo SRB_FUNCTION_PNP StorSurpriseRemoval SRB_PNP_FLAGS_ADAPTER_REQUEST",
                "StorPortNotification RequestComplete SRB_STATUS_SUCCESS",
                "HwStorAdapterControl ScsiStopAdapter",
                "HwStorFreeAdapterResources");
    }

    @Test
    public void aFindAdapterErrorLeavesCode10AndNoFurtherCallback() throws Exception {
        installedBundle(RAMDISK).stop();
        trace.clear();
        Bundle f = installedBundle("fixture.failing.findadapter");
        f.start();
        DeviceNode n = pnp.node(RD0).orElseThrow();
        assertThat(n.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(n.problemStatus()).contains("VirtualHwStorFindAdapter returned SP_RETURN_ERROR");
        f.stop();
        assertThat(storCalls("fixture.failing.findadapter")).containsExactly(
                "DriverEntry", "StorPortInitialize", "VirtualHwStorFindAdapter");
    }

    @Test
    public void requestsInFlightWhileTheDriverStopsAreEachCompletedExactlyOnceAndNothingFollowsFreeAdapterResources()
            throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 4; round++) {
                String why = "seed " + seed + ", round " + round;
                trace.clear();
                AtomicInteger noDevice = new AtomicInteger();
                List<Future<?>> io = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    int thread = t;
                    io.add(pool.submit(() -> {
                        byte[] block = new byte[4096];
                        for (int i = 0; i < 400; i++) {
                            long lba = (thread * 1000L + i) * 8;
                            byte[] cdb = new byte[10];
                            cdb[0] = (byte) (i % 2 == 0 ? ScsiOp.SCSIOP_WRITE : ScsiOp.SCSIOP_READ);
                            cdb[2] = (byte) (lba >>> 24); cdb[3] = (byte) (lba >>> 16); cdb[4] = (byte) (lba >>> 8); cdb[5] = (byte) lba;
                            cdb[8] = 8;
                            try {
                                ClassDriverHarness.SrbResult r = disk.executeScsi(RD0, "0:0:0", cdb, block, i % 2 != 0, 4096);
                                if (!r.success()) {
                                    assertThat(SrbStatus.status(r.srbStatus())).isEqualTo(SrbStatus.SRB_STATUS_NO_DEVICE);
                                    noDevice.incrementAndGet();
                                }
                            } catch (IllegalArgumentException gone) {
                                return null; // the adapter or LUN is gone: the class driver stops
                            }
                        }
                        return null;
                    }));
                }
                await(e -> e.name().equals("HwStorStartIo") && e.seq() > 5 + random.nextInt(200));
                Bundle b = installedBundle(RAMDISK);
                b.stop();
                for (Future<?> f : io) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(verifier.violations()).as(why).isEmpty();
                long started = trace.events(e -> e.name().equals("HwStorStartIo")).size();
                long completed = trace.events(e -> e.name().equals("StorPortNotification")
                        && "RequestComplete".equals(e.arg("notificationType"))).size();
                assertThat(completed).as(why + ": every SRB handed to the miniport came back exactly once").isEqualTo(started);
                long free = trace.events(e -> e.name().equals("HwStorFreeAdapterResources")).get(0).seq();
                assertThat(trace.events(e -> e.seq() > free && e.driver().startsWith(RAMDISK)
                        && e.kind() != TraceEvent.Kind.PNP)).as(why).isEmpty();
                long stop = trace.events(e -> "ScsiStopAdapter".equals(e.arg("controlType"))).get(0).seq();
                long lastIo = trace.events(e -> e.name().equals("HwStorStartIo")).stream().mapToLong(TraceEvent::seq).max().orElse(0);
                assertThat(lastIo).as(why + ": no HwStorStartIo after the adapter stopped").isLessThan(stop);
                b.start();
                disk.awaitBusScan();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aLunAttachedFromAnImageIsAnnouncedByBusChangeDetectedAndFoundByTheRescan() throws Exception {
        File image = File.createTempFile("drvsim-", ".img");
        image.deleteOnExit();
        byte[] content = new byte[1 << 20];
        new Random(7).nextBytes(content);
        Files.write(image.toPath(), content);
        trace.clear();
        String out = gogo("ramdisk:attach ramdisk0 " + image);
        assertThat(out).contains("as 0:0:1");
        List<String> calls = storCalls(RAMDISK);
        assertThat(calls).containsSubsequence("HwStorStartIo SRB_FUNCTION_IO_CONTROL",
                "StorPortNotification RequestComplete SRB_STATUS_SUCCESS", "StorPortNotification BusChangeDetected",
                "HwStorStartIo SCSIOP_REPORT_LUNS 0:0:0", "HwStorStartIo SCSIOP_INQUIRY 0:0:1");
        assertThat(disk.read(RD0, "0:0:1", 0, 2048)).isEqualTo(content);
        // ADAPTER  ADDRESS  VENDOR  PRODUCT  BLOCKS  BLOCK SIZE  CAPACITY  ACCESS
        assertThat(gogo("storport:luns")).containsPattern("(?m)^ROOT\\\\RAMDISK\\\\0000 +0:0:1 .* 2048 +512 +1\\.0 MiB +read-write$");
        trace.clear();
        assertThat(gogo("ramdisk:detach ramdisk0 0:0:1")).contains("detached 0:0:1");
        assertThat(storCalls(RAMDISK)).contains("HwStorStartIo SRB_FUNCTION_PNP StorRemoveDevice 0:0:1");
        assertThat(disk.luns()).extracting(ClassDriverHarness.LunInfo::address).containsExactly("0:0:0");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aReadOnlyLunRefusesWritesWithDataProtectAndTheImageIsUnchanged() throws Exception {
        Path image = Files.createTempFile("drvsim-ro-", ".img");
        image.toFile().deleteOnExit();
        byte[] content = new byte[64 * 4096];
        new Random(11).nextBytes(content);
        Files.write(image, content);
        assertThat(gogo("ramdisk:attach --read-only --block-size 4096 ramdisk0 " + image)).contains("(read-only)");
        byte[] cdb = {(byte) ScsiOp.SCSIOP_WRITE, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        ClassDriverHarness.SrbResult r = disk.executeScsi(RD0, "0:0:1", cdb, new byte[4096], false, 4096);
        assertThat(r.srbStatus()).isEqualTo(SrbStatus.SRB_STATUS_ERROR | SrbStatus.SRB_STATUS_AUTOSENSE_VALID);
        assertThat(r.scsiStatus()).isEqualTo(0x02);
        assertThat(r.sense()[2] & 0x0F).isEqualTo(0x07);
        assertThat(r.sense()[12] & 0xFF).isEqualTo(0x27);
        assertThat(r.describe()).contains("DATA PROTECT");
        assertThat(disk.writeProtected(RD0, "0:0:1")).isTrue();
        assertThat(Files.readAllBytes(image)).isEqualTo(content);
    }

    @Test
    public void badRequestsGetTheDocumentedScsiOrSrbStatusAndWriteNothing() throws Exception {
        byte[] before = disk.read(RD0, "0:0:0", 0, 8);
        byte[] unknown = {(byte) 0xFF, 0, 0, 0, 0, 0};
        ClassDriverHarness.SrbResult r = disk.executeScsi(RD0, "0:0:0", unknown, null, true, 0);
        assertThat(r.describe()).contains("CHECK CONDITION").contains("ILLEGAL REQUEST").contains("asc 0x20");
        byte[] past = {(byte) ScsiOp.SCSIOP_WRITE, 0, 0, 2, 0, 0, 0, 0, 1, 0}; // LBA 131072: one past the end
        r = disk.executeScsi(RD0, "0:0:0", past, new byte[512], false, 512);
        assertThat(r.describe()).contains("ILLEGAL REQUEST").contains("asc 0x21");
        byte[] mismatch = {(byte) ScsiOp.SCSIOP_WRITE, 0, 0, 0, 0, 0, 0, 0, 2, 0}; // 2 blocks, 512 bytes of data
        byte[] ones = new byte[512];
        java.util.Arrays.fill(ones, (byte) 1);
        r = disk.executeScsi(RD0, "0:0:0", mismatch, ones, false, 512);
        assertThat(SrbStatus.status(r.srbStatus())).isEqualTo(SrbStatus.SRB_STATUS_INVALID_REQUEST);
        assertThat(disk.read(RD0, "0:0:0", 0, 8)).isEqualTo(before);
        assertThat(gogoError("ramdisk:attach ramdisk0 /no/such/image.img")).contains("cannot read image /no/such/image.img: folder /no/such does not exist");
        Path odd = Files.createTempFile("drvsim-odd-", ".img");
        odd.toFile().deleteOnExit();
        Files.write(odd, new byte[1000]);
        assertThat(gogoError("ramdisk:attach ramdisk0 " + odd)).contains("not a multiple");
        assertThat(disk.luns()).hasSize(1);
    }

    String gogoError(String line) {
        try {
            gogo(line);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
        throw new AssertionError(line + " did not fail");
    }
}
