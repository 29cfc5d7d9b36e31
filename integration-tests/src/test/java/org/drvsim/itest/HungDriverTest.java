package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.drvsim.itest.fixtures.FaultyKmdfDriver;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.Hang;
import org.drvsim.itest.fixtures.HangInDriverEntryDriver;
import org.drvsim.itest.fixtures.HangInD0ExitKmdf;
import org.drvsim.itest.fixtures.HangInDriverUnloadDriver;
import org.drvsim.itest.fixtures.HangInDriverUnloadKmdf;
import org.drvsim.itest.fixtures.HangInFindAdapterMiniport;
import org.drvsim.itest.fixtures.HangInIoWriteKmdf;
import org.drvsim.itest.fixtures.HangInFreeAdapterResourcesMiniport;
import org.drvsim.itest.fixtures.HangInOidDriver;
import org.drvsim.itest.fixtures.HangInPauseDriver;
import org.drvsim.itest.fixtures.HangInResetBusMiniport;
import org.drvsim.itest.fixtures.HangInStartIoMiniport;
import org.drvsim.itest.fixtures.HangInStopAdapterMiniport;
import org.drvsim.itest.fixtures.HangingStorportMiniport;
import org.drvsim.itest.fixtures.ThrowInFreeAdapterResourcesMiniport;
import org.drvsim.nt.NtStatus;
import org.drvsim.ndis.NdisOid;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.drvsim.itest.fixtures.HangInHaltExDriver;
import org.drvsim.itest.fixtures.HangInInitializeExDriver;
import org.drvsim.itest.fixtures.HangInReleaseHardwareKmdf;
import org.drvsim.itest.fixtures.HangInSendDriver;
import org.drvsim.itest.fixtures.HangInTimerDriver;
import org.drvsim.itest.fixtures.HangingNdisDriver;
import org.drvsim.itest.fixtures.ThrowInReleaseHardwareKmdf;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.test.DrvsimOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * Drivers that hang or crash: the watchdog reports a routine that overruns its limit as CallbackHung (0x9F at
 * PASSIVE_LEVEL, 0x133 at DISPATCH_LEVEL) naming the driver and the routine, isolates the driver (devices Code 43, no
 * further call into it, bundle stopped), and the command that was waiting returns; a routine that throws is reported
 * as DriverCallbackThrew and the documented sequence goes on. Either way the platform and the other drivers go on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HungDriverTest extends DrvsimTestSupport {
    static final long PASSIVE_MILLIS = 3000;
    static final long DISPATCH_MILLIS = 1500;
    /** Long past the limit: the caller was freed by the watchdog (a {@link Hang} never ends). */
    static final long RETURNS_WITHIN_MILLIS = PASSIVE_MILLIS + 8000;
    static final String FIX = "org.drvsim.itest.fixtures.";
    static final String NDIS_IDS = ";model=ndis;hardware-ids=\"ROOT\\NETVMINI\"";
    static final String WDF_IDS = ";model=wdf;hardware-ids=\"PCI\\VEN_1414&DEV_EC40\"";

    static Option ndisFixture(String bsn, Class<?> driver) {
        return fixtureBundle(bsn, FIX + driver.getSimpleName() + NDIS_IDS, FixtureDriver.class, HangingNdisDriver.class,
                Hang.class, driver);
    }

    static Option storFixture(String bsn, Class<?> miniport) {
        return storportFixtureBundle(bsn, FIX + miniport.getSimpleName() + ";model=storport;hardware-ids=\"ROOT\\RAMDISK\"",
                HangingStorportMiniport.class, Hang.class, miniport);
    }

    static Option kmdfFixture(String bsn, Class<?> driver) {
        return DrvsimOptions.driverBundle(bsn, "wdf", FIX + driver.getSimpleName() + WDF_IDS, FaultyKmdfDriver.class,
                Hang.class, driver);
    }

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            systemProperty(DriverWatchdog.PASSIVE_LIMIT_PROPERTY).value(Long.toString(PASSIVE_MILLIS)),
            systemProperty(DriverWatchdog.DISPATCH_LIMIT_PROPERTY).value(Long.toString(DISPATCH_MILLIS)),
            ndisFixture("fixture.hang.driverentry", HangInDriverEntryDriver.class),
            ndisFixture("fixture.hang.initialize", HangInInitializeExDriver.class),
            ndisFixture("fixture.hang.halt", HangInHaltExDriver.class),
            ndisFixture("fixture.hang.send", HangInSendDriver.class),
            ndisFixture("fixture.hang.timer", HangInTimerDriver.class),
            ndisFixture("fixture.hang.oid", HangInOidDriver.class),
            ndisFixture("fixture.hang.pause", HangInPauseDriver.class),
            ndisFixture("fixture.hang.unload", HangInDriverUnloadDriver.class),
            storFixture("fixture.hang.findadapter", HangInFindAdapterMiniport.class),
            storFixture("fixture.hang.startio", HangInStartIoMiniport.class),
            storFixture("fixture.hang.resetbus", HangInResetBusMiniport.class),
            storFixture("fixture.hang.stopadapter", HangInStopAdapterMiniport.class),
            storFixture("fixture.hang.freeadapter", HangInFreeAdapterResourcesMiniport.class),
            storFixture("fixture.throw.freeadapter", ThrowInFreeAdapterResourcesMiniport.class),
            kmdfFixture("fixture.hang.d0exit", HangInD0ExitKmdf.class),
            kmdfFixture("fixture.hang.iowrite", HangInIoWriteKmdf.class),
            kmdfFixture("fixture.hang.evtdriverunload", HangInDriverUnloadKmdf.class),
            kmdfFixture("fixture.hang.releasehardware", HangInReleaseHardwareKmdf.class),
            kmdfFixture("fixture.throw.releasehardware", ThrowInReleaseHardwareKmdf.class),
        };
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Waits for the isolated driver's bundle to be stopped by the PnP manager. */
    private static void awaitStopped(Bundle b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((b.getState() & (Bundle.ACTIVE | Bundle.STARTING | Bundle.STOPPING)) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(b.getState()).as(b.getSymbolicName() + " is stopped").isEqualTo(Bundle.RESOLVED);
    }

    /** The one CallbackHung the fixture caused, checked for its driver, routine, device and bug check. */
    private Verifier.Violation theHang(String bsn, String routine, String device, int bugCheck, long limit) {
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("CallbackHung");
        Verifier.Violation hang = v.get(0);
        assertThat(hang.driver()).startsWith(bsn + "/");
        assertThat(Objects.toString(hang.device(), "")).isEqualTo(device);
        assertThat(hang.bugCheckCode()).isEqualTo(bugCheck);
        assertThat(hang.message()).startsWith(routine + " did not return within " + limit + " ms")
                .contains("the driver is isolated").contains("Hang.now");
        TraceEvent isolated = trace.events(e -> e.name().equals("DriverIsolated")).get(0);
        assertThat(isolated.kind()).isEqualTo(TraceEvent.Kind.PNP);
        assertThat(isolated.driver()).isEqualTo(hang.driver());
        assertThat(isolated.arg("reason")).isEqualTo("CallbackHung in " + routine);
        assertThat(pnp.drivers()).noneMatch(d -> d.name().equals(hang.driver()));
        return hang;
    }

    /**
     * Starts a fixture whose removal hangs in {@code routine} and stops it: the stop returns once the routine's limit
     * has passed (HwStorStartIo and timer functions run at DISPATCH_LEVEL, the rest at PASSIVE_LEVEL), the bundle is
     * stopped, and the hang is reported and its driver isolated.
     */
    private void stopsDespiteAHang(String bsn, String routine, String device) throws Exception {
        boolean dispatch = routine.equals("HwStorStartIo");
        long limit = dispatch ? DISPATCH_MILLIS : PASSIVE_MILLIS;
        expectViolations();
        Bundle b = installedBundle(bsn);
        b.start();
        storport.awaitBusScan(); // a Storport fixture's bus scan; for the others PnP is idle already
        trace.clear();
        long start = System.nanoTime();
        b.stop();
        assertThat(millisSince(start)).isBetween(limit, RETURNS_WITHIN_MILLIS);
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        theHang(bsn, routine, device, dispatch ? 0x133 : 0x9F, limit);
    }

    /** netvmini takes both adapters again and carries traffic: the platform went on. */
    private void netvminiWorksAgain() throws Exception {
        trace.clear();
        installedBundle(NETVMINI).start();
        awaitCallback("MiniportRestart", A0);
        awaitCallback("MiniportRestart", A1);
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF; // broadcast
        var sent = ndis.send(A0, List.of(frame));
        assertThat(sent.framesSent()).isEqualTo(1);
        assertThat(pnp.node(A0).orElseThrow().problem()).isZero();
        assertThat(pnp.node(A1).orElseThrow().problem()).isZero();
    }

    private void freeTheAdapters() throws Exception {
        installedBundle(NETVMINI).stop();
        trace.clear();
    }

    @Test
    public void aDriverEntryThatNeverReturnsFailsTheBundleStartAtTheLimitAndLeavesNothingLoaded() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.driverentry");
        long start = System.nanoTime();
        assertThatThrownBy(b::start).hasMessageContaining("fixture.hang.driverentry")
                .hasMessageContaining("CallbackHung: DriverEntry of fixture.hang.driverentry/");
        assertThat(millisSince(start)).isBetween(PASSIVE_MILLIS, RETURNS_WITHIN_MILLIS);
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        theHang("fixture.hang.driverentry", "DriverEntry", "", 0x9F, PASSIVE_MILLIS);
        assertThat(ndisDrivers()).isEmpty();
        netvminiWorksAgain();
    }

    @Test
    public void anInitializeExThatNeverReturnsIsolatesTheDriverGivesItsAdaptersCode43AndNeverCallsItAgain() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.initialize");
        long start = System.nanoTime();
        // the start waits for the driver's devices to start: it fails when the watchdog gives up on the second one
        assertThatThrownBy(b::start).hasMessageContaining("fixture.hang.initialize")
                .hasMessageContaining("CallbackHung: MiniportInitializeEx of fixture.hang.initialize/");
        assertThat(millisSince(start)).isBetween(PASSIVE_MILLIS, RETURNS_WITHIN_MILLIS);
        awaitStopped(b);
        theHang("fixture.hang.initialize", "MiniportInitializeEx", A1, 0x9F, PASSIVE_MILLIS);
        for (String a : List.of(A0, A1)) {
            DeviceNode n = pnp.node(a).orElseThrow();
            assertThat(n.problem()).as(a).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
            assertThat(n.problemStatus()).as(a).isEqualTo("CallbackHung in MiniportInitializeEx");
        }
        assertThat(gogo("pnp:tree")).contains("Code 43");
        // isolated: stopped without MiniportPause, MiniportHaltEx or MiniportDriverUnload
        assertThat(callbacks("fixture.hang.initialize")).containsExactly("DriverEntry",
                "MiniportInitializeEx " + A0, "MiniportDevicePnPEventNotify " + A0, "MiniportRestart " + A0,
                "MiniportInitializeEx " + A1);
        netvminiWorksAgain();
    }

    @Test
    public void aHaltExThatNeverReturnsLetsTheBundleStopReturnAndTheAdaptersGoToTheNextDriver() throws Exception {
        freeTheAdapters();
        stopsDespiteAHang("fixture.hang.halt", "MiniportHaltEx", A1);
        assertThat(callbacks("fixture.hang.halt")).containsExactly(
                "MiniportPause " + A0, "MiniportHaltEx " + A0, "MiniportPause " + A1, "MiniportHaltEx " + A1);
        netvminiWorksAgain();
    }

    @Test
    public void aSendThatNeverReturnsIsReportedAndTheSenderGetsAnErrorNamingTheRoutine() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.send");
        b.start();
        long start = System.nanoTime();
        assertThatThrownBy(() -> ndis.send(A0, List.of(new byte[60]))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("MiniportSendNetBufferLists of fixture.hang.send/")
                .hasMessageEndingWith(" on " + A0 + " did not return: the watchdog isolated the driver (CallbackHung)");
        assertThat(millisSince(start)).isBetween(PASSIVE_MILLIS, RETURNS_WITHIN_MILLIS);
        awaitStopped(b);
        // the protocol sends at PASSIVE_LEVEL (MiniportSendNetBufferLists runs at IRQL <= DISPATCH_LEVEL)
        theHang("fixture.hang.send", "MiniportSendNetBufferLists", A0, 0x9F, PASSIVE_MILLIS);
        assertThat(pnp.node(A0).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(pnp.node(A1).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(callbacks("fixture.hang.send")).doesNotContain("MiniportHaltEx " + A1, "MiniportDriverUnload");
        netvminiWorksAgain();
    }

    @Test
    public void anOidRequestThatNeverReturnsFailsTheRequestNamingTheRoutine() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.oid");
        b.start();
        assertThatThrownBy(() -> ndis.queryOid(A0, NdisOid.OID_GEN_CURRENT_PACKET_FILTER, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("MiniportOidRequest of fixture.hang.oid/")
                .hasMessageEndingWith(" on " + A0 + " did not return: the watchdog isolated the driver (CallbackHung)");
        awaitStopped(b);
        theHang("fixture.hang.oid", "MiniportOidRequest", A0, 0x9F, PASSIVE_MILLIS);
        netvminiWorksAgain();
    }

    @Test
    public void aPauseThatNeverReturnsLetsTheStopReturnAndNeitherThatAdapterNorTheDriverIsCalledAgain() throws Exception {
        freeTheAdapters();
        stopsDespiteAHang("fixture.hang.pause", "MiniportPause", A1);
        assertThat(callbacks("fixture.hang.pause")).containsExactly(
                "MiniportPause " + A0, "MiniportHaltEx " + A0, "MiniportPause " + A1);
        netvminiWorksAgain();
    }

    @Test
    public void aMiniportDriverUnloadThatNeverReturnsLetsTheStopReturn() throws Exception {
        freeTheAdapters();
        stopsDespiteAHang("fixture.hang.unload", "MiniportDriverUnload", "");
        assertThat(callbacks("fixture.hang.unload")).containsExactly(
                "MiniportPause " + A0, "MiniportHaltEx " + A0, "MiniportPause " + A1, "MiniportHaltEx " + A1,
                "MiniportDriverUnload");
        netvminiWorksAgain();
    }

    @Test
    public void aTimerFunctionThatNeverReturnsIsADpcWatchdogViolationAtTheDispatchLimit() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.timer");
        b.start();
        awaitStopped(b);
        theHang("fixture.hang.timer", "NetTimerCallback", A1, 0x133, DISPATCH_MILLIS);
        assertThat(verifier.violations().get(0).message()).contains("DISPATCH_LEVEL").contains("thread drvsim-cpu");
        assertThat(pnp.node(A1).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(callbacks("fixture.hang.timer")).doesNotContain("MiniportHaltEx " + A0, "MiniportHaltEx " + A1,
                "MiniportDriverUnload");
        // the processor the timer hung got a fresh thread: netvmini's DPCs (its send completions) run
        netvminiWorksAgain();
    }

    /** Stops the ramdisk driver so that a fixture gets ROOT\RAMDISK\0000. */
    private void freeTheRamdisk() throws Exception {
        awaitCallback("HwStorInitialize", null);
        storport.awaitBusScan();
        installedBundle(RAMDISK).stop();
        trace.clear();
    }

    /** The ramdisk takes its adapter again and serves a write and read-back round trip. */
    private void ramdiskServesAgain() throws Exception {
        installedBundle(RAMDISK).start();
        storport.awaitBusScan();
        byte[] data = new byte[512];
        java.util.Arrays.fill(data, (byte) 0x5A);
        storport.write(RD0, "0:0:0", 7, data);
        assertThat(storport.read(RD0, "0:0:0", 7, 1)).isEqualTo(data);
        assertThat(pnp.node(RD0).orElseThrow().problem()).isZero();
    }

    /** Frees the ramdisk's adapter, then stops a Storport fixture that hangs; its adapter ends with Code 43. */
    private void storportStopsDespiteAHang(String bsn, String routine) throws Exception {
        freeTheRamdisk();
        stopsDespiteAHang(bsn, routine, RD0);
        assertThat(pnp.node(RD0).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
    }

    @Test
    public void aVirtualHwStorFindAdapterThatNeverReturnsFailsTheStartAndTheRamdiskServesAgain() throws Exception {
        freeTheRamdisk();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.findadapter");
        long start = System.nanoTime();
        assertThatThrownBy(b::start).hasMessageContaining("CallbackHung: VirtualHwStorFindAdapter of fixture.hang.findadapter/");
        assertThat(millisSince(start)).isBetween(PASSIVE_MILLIS, RETURNS_WITHIN_MILLIS);
        awaitStopped(b);
        theHang("fixture.hang.findadapter", "VirtualHwStorFindAdapter", RD0, 0x9F, PASSIVE_MILLIS);
        assertThat(callbacks("fixture.hang.findadapter")).containsExactly("DriverEntry",
                "VirtualHwStorFindAdapter " + RD0);
        ramdiskServesAgain();
    }

    @Test
    public void anHwStorStartIoThatNeverReturnsDuringRemovalIsADispatchLevelHangAndNothingIsCalledAfterIt()
            throws Exception {
        storportStopsDespiteAHang("fixture.hang.startio", "HwStorStartIo");
        List<String> after = callbacks("fixture.hang.startio");
        assertThat(after.get(after.size() - 1)).isEqualTo("HwStorStartIo " + RD0);
        assertThat(after).doesNotContain("HwStorAdapterControl " + RD0, "HwStorFreeAdapterResources " + RD0);
        ramdiskServesAgain();
    }

    @Test
    public void anHwStorResetBusThatNeverReturnsAtRemovalIsADispatchLevelHangAndTheHeldRequestIsNotLeftWaiting()
            throws Exception {
        freeTheRamdisk();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.resetbus");
        b.start();
        storport.awaitBusScan();
        trace.clear();
        // the miniport keeps this request: at removal Storport waits its TimeOutValue (10 s), then resets the bus
        java.util.concurrent.CompletableFuture<String> held = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return storport.miniportIoControl(RD0, "DRVSIMFX", 1, new byte[0], 0).describe();
            } catch (java.io.IOException e) {
                return e.getMessage();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (storport.adapters().stream().noneMatch(a -> a.instanceId().equals(RD0) && a.outstandingRequests() == 1)) {
            assertThat(System.nanoTime()).as("the request reached the miniport").isLessThan(deadline);
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        b.stop();
        assertThat(millisSince(start)).isBetween(10_000 + DISPATCH_MILLIS, 10_000 + RETURNS_WITHIN_MILLIS);
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        theHang("fixture.hang.resetbus", "HwStorResetBus", RD0, 0x133, DISPATCH_MILLIS);
        // whichever the class driver sees first: the abort of what the isolated driver held, or the isolation
        assertThat(held.get(5, TimeUnit.SECONDS)).satisfiesAnyOf(
                r -> assertThat(r).isEqualTo("SRB_STATUS_ABORTED"),
                r -> assertThat(r).isEqualTo("IOCTL_SCSI_MINIPORT DRVSIMFX 1 on " + RD0 + " did not complete: the "
                        + "watchdog isolated the driver fixture.hang.resetbus/1.0.0 (CallbackHung)"));
        assertThat(callbacks("fixture.hang.resetbus")).endsWith("HwStorResetBus " + RD0)
                .doesNotContain("HwStorAdapterControl " + RD0, "HwStorFreeAdapterResources " + RD0);
        assertThat(pnp.node(RD0).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        ramdiskServesAgain();
    }

    @Test
    public void aScsiStopAdapterThatNeverReturnsLetsTheStopReturnAndHwStorFreeAdapterResourcesIsNeverCalled()
            throws Exception {
        storportStopsDespiteAHang("fixture.hang.stopadapter", "HwStorAdapterControl");
        assertThat(callbacks("fixture.hang.stopadapter")).endsWith("HwStorAdapterControl " + RD0)
                .doesNotContain("HwStorFreeAdapterResources " + RD0);
        ramdiskServesAgain();
    }

    @Test
    public void aHwStorFreeAdapterResourcesThatNeverReturnsLetsTheStopReturnAndTheRamdiskServesAgain() throws Exception {
        storportStopsDespiteAHang("fixture.hang.freeadapter", "HwStorFreeAdapterResources");
        assertThat(callbacks("fixture.hang.freeadapter")).endsWith("HwStorFreeAdapterResources " + RD0);
        ramdiskServesAgain();
    }

    @Test
    public void anHwStorFreeAdapterResourcesThatThrowsAnUndeclaredCheckedExceptionIsReportedAndTheUnloadGoesOn()
            throws Exception {
        freeTheRamdisk();
        expectViolations();
        Bundle b = installedBundle("fixture.throw.freeadapter");
        b.start();
        storport.awaitBusScan();
        b.stop();
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("DriverCallbackThrew");
        assertThat(v.get(0).driver()).startsWith("fixture.throw.freeadapter/");
        assertThat(v.get(0).device()).isEqualTo(RD0);
        assertThat(v.get(0).message()).contains("HwStorFreeAdapterResources").contains("java.io.IOException: disk gone");
        assertThat(callbacks("fixture.throw.freeadapter")).endsWith("HwStorFreeAdapterResources " + RD0);
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith("fixture.throw.freeadapter/"));
        assertThat(pnp.node(RD0).orElseThrow().problem()).isZero();
        ramdiskServesAgain();
    }

    /** Stops the echo driver so that a fixture gets the echo device. */
    private void freeTheEchoDevice() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        installedBundle(ECHO).stop();
        trace.clear();
    }

    /** The echo driver takes its device again and echoes a write back. */
    private void echoServesAgain() throws Exception {
        installedBundle(ECHO).start();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            byte[] data = "drvsim goes on".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            IoManagerHarness.IoResult back = f.read(data.length);
            assertThat(back.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(back.data()).isEqualTo(data);
        } finally {
            f.close();
        }
    }

    @Test
    public void anEvtIoWriteThatNeverReturnsFailsTheWriteWithAClearMessage() throws Exception {
        freeTheEchoDevice();
        expectViolations();
        Bundle b = installedBundle("fixture.hang.iowrite");
        b.start();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        long start = System.nanoTime();
        assertThatThrownBy(() -> f.write(new byte[16])).isInstanceOf(java.io.IOException.class)
                .hasMessage("the WdfRequestTypeWrite request on " + ECHO0 + " was cancelled: fixture.hang.iowrite/1.0.0 "
                        + "was isolated by the watchdog (CallbackHung) while its EvtIoWrite or another routine did not "
                        + "return");
        assertThat(millisSince(start)).isBetween(PASSIVE_MILLIS, RETURNS_WITHIN_MILLIS);
        f.close();
        awaitStopped(b);
        theHang("fixture.hang.iowrite", "EvtIoWrite", ECHO0, 0x9F, PASSIVE_MILLIS);
        echoServesAgain();
    }

    @Test
    public void anEvtDeviceD0ExitThatNeverReturnsLetsTheStopReturnAndReleaseHardwareIsNeverCalled() throws Exception {
        freeTheEchoDevice();
        stopsDespiteAHang("fixture.hang.d0exit", "EvtDeviceD0Exit", ECHO0);
        assertThat(callbacks("fixture.hang.d0exit")).containsExactly("EvtDeviceD0Exit " + ECHO0);
        echoServesAgain();
    }

    @Test
    public void anEvtDriverUnloadThatNeverReturnsLetsTheStopReturn() throws Exception {
        freeTheEchoDevice();
        stopsDespiteAHang("fixture.hang.evtdriverunload", "EvtDriverUnload", "");
        assertThat(callbacks("fixture.hang.evtdriverunload")).containsSubsequence("EvtDeviceD0Exit " + ECHO0,
                "EvtDeviceReleaseHardware " + ECHO0, "EvtDriverUnload");
        echoServesAgain();
    }

    @Test
    public void anEvtDeviceReleaseHardwareThatNeverReturnsLetsTheStopReturnAndEchoServesAgain() throws Exception {
        freeTheEchoDevice();
        stopsDespiteAHang("fixture.hang.releasehardware", "EvtDeviceReleaseHardware", ECHO0);
        assertThat(callbacks("fixture.hang.releasehardware")).containsExactly(
                "EvtDeviceD0Exit " + ECHO0, "EvtDeviceReleaseHardware " + ECHO0);
        echoServesAgain();
    }

    @Test
    public void anEvtDeviceReleaseHardwareThatThrowsIsReportedAndTheRemovalGoesOnToTheObjectsCleanup() throws Exception {
        freeTheEchoDevice();
        expectViolations();
        Bundle b = installedBundle("fixture.throw.releasehardware");
        b.start();
        trace.clear();
        b.stop();
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        List<Verifier.Violation> v = verifier.violations();
        // it threw before unmapping its registers: that leak is reported too
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("DriverCallbackThrew",
                "MappingNotUnmappedInReleaseHardware");
        assertThat(v.get(0).driver()).startsWith("fixture.throw.releasehardware/");
        assertThat(v.get(0).message()).contains("EvtDeviceReleaseHardware").contains("StackOverflowError");
        // the fixture registers no EvtDriverUnload; its objects' cleanup and destroy callbacks still run (the
        // WDFOBJECT parented to the device carries the device, the WDFDRIVER none)
        assertThat(callbacks("fixture.throw.releasehardware")).containsExactly(
                "EvtDeviceD0Exit " + ECHO0, "EvtDeviceReleaseHardware " + ECHO0,
                "EvtCleanupCallback " + ECHO0, "EvtCleanupCallback " + ECHO0, "EvtDestroyCallback " + ECHO0,
                "EvtDestroyCallback " + ECHO0, "EvtCleanupCallback", "EvtDestroyCallback");
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith("fixture.throw.releasehardware/"));
        echoServesAgain();
    }
}
