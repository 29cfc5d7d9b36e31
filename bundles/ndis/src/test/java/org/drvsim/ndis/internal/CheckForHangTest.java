package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.nt.Irql;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * NDIS's check-for-hang timer and the resets it issues (spec/ndis-lifecycle.md section 9 and oracle 7; docs
 * miniport-adapter-check-for-hang-and-reset-operations, nc-ndis-miniport_check_for_hang, nc-ndis-miniport_reset,
 * nf-ndis-ndismresetcomplete), on NdisPort with the real kernel scheduler, trace and verifier and no OSGi framework.
 * One second of CheckForHangTimeInSeconds lasts {@value #MILLIS_PER_SECOND} ms here.
 */
public class CheckForHangTest {
    static final long MILLIS_PER_SECOND = 25;
    static final Duration WAIT = Duration.ofSeconds(10);
    static final List<String> START = List.of("DriverEntry", "MiniportInitializeEx", "MiniportDevicePnPEventNotify",
            "MiniportRestart");

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private NdisPort ndis;
    private final MiniportRulesTest.TestDriver driver = new MiniportRulesTest.TestDriver();
    private final DeviceNode node = new MiniportRulesTest.Node();
    private final DriverObject driverObject = new DriverObject() {
        @Override public String name() { return "test.driver/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "ndis"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    };
    /** CheckForHangTimeInSeconds the fixture miniport sets in its registration attributes. */
    private volatile int checkForHangTimeInSeconds = 2;
    /** What each MiniportCheckForHangEx returns, in turn; FALSE once they are used up. */
    private final List<Boolean> hangAnswers = new CopyOnWriteArrayList<>();
    private final AtomicInteger resets = new AtomicInteger();

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        ndis = new NdisPort(trace, verifier, scheduler, MILLIS_PER_SECOND);
        driver.chars.initializeHandlerEx = (h, p) -> {
            driver.handle.set(h);
            h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, checkForHangTimeInSeconds,
                    NdisInterfaceType.NdisInterfacePci));
            byte[] mac = {2, 0, 0, 0, 0, 1};
            return h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3,
                    1500, 1, 1, NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, 0x2F, 32, List.of()));
        };
        driver.chars.checkForHangHandlerEx = h -> hangAnswers.isEmpty() ? false : hangAnswers.remove(0);
        driver.chars.resetHandlerEx = (h, addressingReset) -> {
            resets.incrementAndGet();
            return NdisStatus.NDIS_STATUS_SUCCESS;
        };
    }

    @After
    public void tearDown() {
        scheduler.close();
    }

    private void load() {
        PortStatus s = ndis.driverEntry(driverObject, driver);
        assertThat(s.isSuccess()).as(s.toString()).isTrue();
        assertThat(ndis.startDevice(driverObject, node, DeviceResources.NONE).isSuccess()).isTrue();
    }

    private MiniportBlock adapter() {
        return ndis.adapter(MiniportRulesTest.DEV).orElseThrow();
    }

    private List<String> callbacks() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).stream().map(TraceEvent::name).toList();
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    private List<TraceEvent> named(String name) {
        return trace.events(e -> e.name().equals(name));
    }

    /** Waits until the n-th event with this name has been recorded (and, for a callback, has returned). */
    private TraceEvent awaitNth(String name, int n) throws Exception {
        return trace.await(e -> e.name().equals(name) && named(name).indexOf(e) == n - 1, WAIT);
    }

    private static String result(TraceEvent e) {
        return String.valueOf(e.returnValue());
    }

    /** Lets {@code intervals} check-for-hang intervals of {@code seconds} pass on a kernel timer: no sleeping. */
    private void letIntervalsPass(int intervals, int seconds) throws InterruptedException {
        CountDownLatch passed = new CountDownLatch(1);
        scheduler.setTimer(0, "test: " + intervals + " intervals", Duration.ofMillis(intervals * seconds * MILLIS_PER_SECOND),
                passed::countDown);
        assertThat(passed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    public void checkForHangTimeInSecondsRoundsUpToAMultipleOfTwoAndZeroIsTwo() {
        assertThat(CheckForHangTimer.intervalSeconds(0)).isEqualTo(2);
        assertThat(CheckForHangTimer.intervalSeconds(1)).isEqualTo(2);
        assertThat(CheckForHangTimer.intervalSeconds(2)).isEqualTo(2);
        assertThat(CheckForHangTimer.intervalSeconds(3)).isEqualTo(4);
        assertThat(CheckForHangTimer.intervalSeconds(4)).isEqualTo(4);
        assertThat(CheckForHangTimer.intervalSeconds(9)).isEqualTo(10);
    }

    @Test
    public void checkForHangIsCalledEveryIntervalWhileRunningAndNeverAfterThePauseAndHaltEx() throws Exception {
        checkForHangTimeInSeconds = 3; // rounded up to 4 s
        AtomicReference<Boolean> timerArmedAtHalt = new AtomicReference<>();
        driver.chars.haltHandlerEx = (h, a) -> timerArmedAtHalt.set(adapter().checkForHang.armed());
        load();
        long restarted = named("MiniportRestart").get(0).timeNanos();
        awaitNth("MiniportCheckForHangEx", 3);
        ndis.removeDevice(driverObject, node);
        letIntervalsPass(3, 4);

        List<TraceEvent> checks = named("MiniportCheckForHangEx");
        assertThat(callbacks()).containsExactlyElementsOf(concat(START, repeat("MiniportCheckForHangEx", checks.size()),
                List.of("MiniportPause", "MiniportHaltEx")));
        long interval = TimeUnit.MILLISECONDS.toNanos(4 * MILLIS_PER_SECOND);
        assertThat(checks.get(0).timeNanos() - restarted).isGreaterThanOrEqualTo(interval);
        for (int i = 1; i < checks.size(); i++) {
            assertThat(checks.get(i).timeNanos() - checks.get(i - 1).timeNanos()).as("gap before check " + (i + 1))
                    .isGreaterThanOrEqualTo(interval);
        }
        assertThat(checks).allSatisfy(e -> {
            assertThat(e.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
            assertThat(result(e)).isEqualTo("FALSE");
        });
        assertThat(timerArmedAtHalt.get()).as("the check-for-hang timer is cancelled before MiniportHaltEx").isFalse();
        assertThat(rules()).isEmpty();
    }

    @Test
    public void anAdapterThatStaysPausedIsNeverChecked() throws Exception {
        driver.chars.restartHandler = (h, p) -> NdisStatus.NDIS_STATUS_FAILURE; // stays Paused
        load();
        assertThat(adapter().state()).isEqualTo(AdapterState.Paused);
        letIntervalsPass(3, 2);
        assertThat(adapter().checkForHang.armed()).isFalse();
        assertThat(callbacks()).containsExactlyElementsOf(START);
    }

    @Test
    public void withoutCheckForHangExNdisRunsNoCheckForHangTimer() throws Exception {
        driver.chars.checkForHangHandlerEx = null;
        driver.chars.resetHandlerEx = null;
        load();
        letIntervalsPass(3, 2);
        assertThat(adapter().checkForHang.armed()).isFalse();
        assertThat(callbacks()).containsExactlyElementsOf(START);
    }

    @Test
    public void checkForHangReturningTrueMakesNdisCallResetExAndTheAdapterStaysRunning() throws Exception {
        hangAnswers.addAll(List.of(false, true));
        load();
        awaitNth("MiniportCheckForHangEx", 3);
        ndis.removeDevice(driverObject, node);

        assertThat(callbacks()).startsWith(concat(START, List.of("MiniportCheckForHangEx", "MiniportCheckForHangEx",
                "MiniportResetEx", "MiniportCheckForHangEx")).toArray(String[]::new)).endsWith("MiniportPause", "MiniportHaltEx");
        assertThat(result(named("MiniportCheckForHangEx").get(1))).isEqualTo("TRUE");
        TraceEvent reset = named("MiniportResetEx").get(0);
        assertThat(result(reset)).isEqualTo("NDIS_STATUS_SUCCESS");
        assertThat(reset.arg("reason")).isEqualTo("MiniportCheckForHangEx returned TRUE");
        assertThat(resets).hasValue(1);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void aPendedResetIsCompletedByNdisMResetCompleteAndNoCheckRunsUntilThen() throws Exception {
        hangAnswers.add(true);
        CountDownLatch resetCalled = new CountDownLatch(1);
        driver.chars.resetHandlerEx = (h, addressingReset) -> {
            resetCalled.countDown();
            return NdisStatus.NDIS_STATUS_PENDING;
        };
        load();
        assertThat(resetCalled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        letIntervalsPass(3, 2); // a reset in progress: no check
        assertThat(named("MiniportCheckForHangEx")).hasSize(1);
        // the miniport completes the reset from a DPC, as a real one does after its hardware reset
        CompletableFuture<Void> completed = new CompletableFuture<>();
        driver.handle.get().dpcExecutor().execute(() -> {
            driver.handle.get().ndisMResetComplete(NdisStatus.NDIS_STATUS_SUCCESS, false);
            completed.complete(null);
        });
        completed.get(10, TimeUnit.SECONDS);
        awaitNth("MiniportCheckForHangEx", 2);
        ndis.removeDevice(driverObject, node);

        List<String> names = trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && !e.name().equals("CustomDpc")
                || e.name().equals("NdisMResetComplete")).stream().map(TraceEvent::name).toList();
        assertThat(names).startsWith(concat(START, List.of("MiniportCheckForHangEx", "MiniportResetEx",
                "NdisMResetComplete", "MiniportCheckForHangEx")).toArray(String[]::new));
        assertThat(result(named("MiniportResetEx").get(0))).isEqualTo("NDIS_STATUS_PENDING");
        TraceEvent complete = named("NdisMResetComplete").get(0);
        assertThat(complete.arg("status")).isEqualTo("NDIS_STATUS_SUCCESS");
        assertThat(complete.arg("addressingReset")).isEqualTo("FALSE");
        assertThat(complete.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void removalWaitsForAPendedResetBeforeMiniportPause() throws Exception {
        hangAnswers.add(true);
        CountDownLatch resetCalled = new CountDownLatch(1);
        driver.chars.resetHandlerEx = (h, addressingReset) -> {
            resetCalled.countDown();
            return NdisStatus.NDIS_STATUS_PENDING;
        };
        load();
        assertThat(resetCalled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> ndis.removeDevice(driverObject, node));
        letIntervalsPass(2, 2);
        assertThat(callbacks()).doesNotContain("MiniportPause");
        driver.handle.get().ndisMResetComplete(NdisStatus.NDIS_STATUS_SUCCESS, false);
        removal.get(10, TimeUnit.SECONDS);
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK || e.name().equals("NdisMResetComplete"))
                .stream().map(TraceEvent::name).toList()).containsExactlyElementsOf(concat(START,
                List.of("MiniportCheckForHangEx", "MiniportResetEx", "NdisMResetComplete", "MiniportPause", "MiniportHaltEx")));
        assertThat(rules()).isEmpty();
    }

    @Test
    public void anOidRequestStillWithTheMiniportAfterTwoIntervalsMakesNdisResetTheAdapter() throws Exception {
        AtomicReference<NdisOidRequest> held = new AtomicReference<>();
        driver.chars.oidRequestHandler = (h, r) -> {
            held.set(r);
            return NdisStatus.NDIS_STATUS_PENDING; // and never completed until the reset
        };
        driver.chars.resetHandlerEx = (h, addressingReset) -> {
            // a reset aborts the request the NIC lost
            driver.handle.get().ndisMOidRequestComplete(held.get(), NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
            return NdisStatus.NDIS_STATUS_SUCCESS;
        };
        load();
        MiniportBlock a = adapter();
        CompletableFuture<NdisStatus> oid = CompletableFuture.supplyAsync(
                () -> a.oidRequest(NdisOidRequest.query(NdisOid.OID_GEN_LINK_STATE, 41, 64)));
        assertThat(oid.get(10, TimeUnit.SECONDS)).isEqualTo(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
        ndis.removeDevice(driverObject, node);

        List<String> names = callbacks();
        int request = names.indexOf("MiniportOidRequest");
        int reset = names.indexOf("MiniportResetEx");
        assertThat(names.subList(request, reset)).containsExactly("MiniportOidRequest", "MiniportCheckForHangEx",
                "MiniportCheckForHangEx");
        assertThat(named("MiniportResetEx").get(0).arg("reason")).isEqualTo(
                "OID_GEN_LINK_STATE (requestId 41) still with the miniport after 2 check-for-hang intervals");
        assertThat(named("NdisMOidRequestComplete")).hasSize(1);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void ndisMResetCompleteWithoutAPendingResetIsAViolation() {
        load();
        driver.handle.get().ndisMResetComplete(NdisStatus.NDIS_STATUS_SUCCESS, false);
        assertThat(rules()).containsExactly("ResetCompleteWithoutPendingReset");
    }

    @Test
    public void theClockPropertyMustBeAPositiveNumber() {
        assertThat(NdisPort.millisPerSecond(null)).isEqualTo(1000);
        assertThat(NdisPort.millisPerSecond(" 20 ")).isEqualTo(20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NdisPort.millisPerSecond("0"))
                .hasMessage("framework property drvsim.ndis.checkForHangMillisPerSecond='0' is not a positive number "
                        + "of milliseconds");
    }

    static List<String> repeat(String s, int n) {
        return java.util.Collections.nCopies(n, s);
    }

    @SafeVarargs
    static List<String> concat(List<String>... lists) {
        List<String> out = new java.util.ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
