package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.MiniportDriverEntry;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBufferList;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * The rules NDIS enforces on its own (spec/seeds/ndis-halting-a-miniport-adapter.md,
 * spec/seeds/ndis-MINIPORT_UNLOAD.md, spec/ndis-lifecycle.md sections 1, 2, 6-8), checked on NdisPort with
 * the real kernel scheduler, trace and verifier and no OSGi framework.
 */
public class MiniportRulesTest {
    static final String DEV = "ROOT\\TEST\\0000";

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private NdisPort ndis;
    private final TestDriver driver = new TestDriver();
    private Driver driverObject;
    private final DeviceNode node = new Node();
    private final List<NetBufferList> protocolGotBack = new CopyOnWriteArrayList<>();

    /** A miniport whose handlers the tests replace. */
    static class TestDriver implements MiniportDriverEntry {
        final NdisMiniportDriverCharacteristics<NdisMiniportAdapterHandle> chars =
                new NdisMiniportDriverCharacteristics<>(6, 30, 1, 0);
        final AtomicReference<NdisMiniportAdapterHandle> handle = new AtomicReference<>();
        volatile boolean deregister = true;

        TestDriver() {
            chars.initializeHandlerEx = (h, p) -> {
                handle.set(h);
                h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, 0, NdisInterfaceType.NdisInterfaceInternal));
                byte[] mac = {2, 0, 0, 0, 0, 1};
                return h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, 1500, 1, 1,
                        NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, 0x2F, 32, List.of()));
            };
            chars.haltHandlerEx = (h, a) -> { };
            chars.unloadHandler = d -> {
                if (deregister) {
                    d.ndisMDeregisterMiniportDriver();
                }
            };
            chars.pauseHandler = (h, p) -> NdisStatus.NDIS_STATUS_SUCCESS;
            chars.restartHandler = (h, p) -> NdisStatus.NDIS_STATUS_SUCCESS;
            chars.oidRequestHandler = (h, r) -> NdisStatus.NDIS_STATUS_NOT_SUPPORTED;
            chars.cancelOidRequestHandler = (h, id) -> { };
            chars.sendNetBufferListsHandler = (h, nbl, port, flags) -> h.ndisMSendNetBufferListsComplete(nbl, 0);
            chars.cancelSendHandler = (h, id) -> { };
            chars.returnNetBufferListsHandler = (h, nbl, flags) -> { };
            chars.devicePnPEventNotifyHandler = (h, e) -> { };
            chars.shutdownHandlerEx = (h, a) -> { };
        }

        @Override
        public NdisStatus driverEntry(org.drvsim.ndis.NdisDriverObject d) {
            return d.ndisMRegisterMiniportDriver(chars);
        }
    }

    class Driver implements DriverObject {
        @Override public String name() { return "test.driver/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "ndis"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        public Object entry() { return driver; }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    }

    static final class Node implements DeviceNode {
        @Override public String instanceId() { return DEV; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        @Override public String description() { return "test adapter"; }
        @Override public Map<String, String> properties() { return Map.of(); }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return 0; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return "test.driver/1.0.0"; }
    }

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        ndis = new NdisPort(trace, verifier, scheduler);
        driverObject = new Driver();
    }

    @After
    public void tearDown() {
        scheduler.close();
    }

    private PortStatus load() {
        PortStatus s = ndis.driverEntry(driverObject, driverObject.entry());
        assertThat(s.isSuccess()).as(s.toString()).isTrue();
        return ndis.startDevice(driverObject, node, DeviceResources.NONE);
    }

    private MiniportBlock adapter() {
        MiniportBlock a = ndis.adapter(DEV).orElseThrow();
        a.bind(new ProtocolBinding() {
            @Override
            public void receiveNetBufferLists(MiniportBlock adapter, NetBufferList nbls, int count) {
            }

            @Override
            public void sendNetBufferListsComplete(MiniportBlock adapter, NetBufferList nbl) {
                protocolGotBack.add(nbl);
            }
        });
        return a;
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    private List<String> callbacks() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).stream().map(TraceEvent::name).toList();
    }

    @Test
    public void registrationWithoutARequiredHandlerFailsWithBadCharacteristics() {
        driver.chars.pauseHandler = null;
        assertThat(ndis.driverEntry(driverObject, driverObject.entry()).name()).isEqualTo("NDIS_STATUS_BAD_CHARACTERISTICS");
    }

    /** Each required handler, by field, with the WDK routine the failure must name. */
    static final Map<String, String> REQUIRED = new java.util.LinkedHashMap<>();

    static {
        REQUIRED.put("initializeHandlerEx", "MiniportInitializeEx");
        REQUIRED.put("haltHandlerEx", "MiniportHaltEx");
        REQUIRED.put("unloadHandler", "MiniportDriverUnload");
        REQUIRED.put("pauseHandler", "MiniportPause");
        REQUIRED.put("restartHandler", "MiniportRestart");
        REQUIRED.put("oidRequestHandler", "MiniportOidRequest");
        REQUIRED.put("cancelOidRequestHandler", "MiniportCancelOidRequest");
        REQUIRED.put("sendNetBufferListsHandler", "MiniportSendNetBufferLists");
        REQUIRED.put("cancelSendHandler", "MiniportCancelSend");
        REQUIRED.put("returnNetBufferListsHandler", "MiniportReturnNetBufferLists");
        REQUIRED.put("devicePnPEventNotifyHandler", "MiniportDevicePnPEventNotify");
        REQUIRED.put("shutdownHandlerEx", "MiniportShutdownEx");
    }

    @Test
    public void aFailedRegistrationNamesEachMissingRequiredHandler() throws Exception {
        for (Map.Entry<String, String> e : REQUIRED.entrySet()) {
            TestDriver d = new TestDriver();
            NdisMiniportDriverCharacteristics.class.getField(e.getKey()).set(d.chars, null);
            Driver o = new Driver() {
                @Override public Object entry() { return d; }
            };
            PortStatus s = new NdisPort(trace, verifier, scheduler).driverEntry(o, d);
            assertThat(s.name()).as(e.getKey()).isEqualTo("NDIS_STATUS_BAD_CHARACTERISTICS");
            assertThat(s.detail()).as(e.getKey()).isEqualTo("NdisMRegisterMiniportDriver: required handler(s) missing: "
                    + e.getValue() + " (" + e.getKey() + ")");
        }
        TraceEvent last = trace.events(e -> e.name().equals("NdisMRegisterMiniportDriver")).get(REQUIRED.size() - 1);
        assertThat(last.arg("reason")).isEqualTo("required handler(s) missing: MiniportShutdownEx (shutdownHandlerEx)");
    }

    @Test
    public void checkForHangWithoutResetIsNamedAndAllMissingHandlersAreListedTogether() {
        driver.chars.checkForHangHandlerEx = h -> false;
        driver.chars.haltHandlerEx = null;
        assertThat(ndis.driverEntry(driverObject, driverObject.entry()).detail()).isEqualTo("NdisMRegisterMiniportDriver: required handler(s) "
                + "missing: MiniportHaltEx (haltHandlerEx), MiniportResetEx (resetHandlerEx), required with "
                + "MiniportCheckForHangEx");
    }

    @Test
    public void aWrongMajorVersionIsNamed() {
        TestDriver d = new TestDriver() {
            @Override
            public NdisStatus driverEntry(org.drvsim.ndis.NdisDriverObject o) {
                var c = new NdisMiniportDriverCharacteristics<NdisMiniportAdapterHandle>(5, 0, 1, 0);
                return o.ndisMRegisterMiniportDriver(c);
            }
        };
        PortStatus s = ndis.driverEntry(new Driver(), d);
        assertThat(s.name()).isEqualTo("NDIS_STATUS_BAD_VERSION");
        assertThat(s.detail()).contains("MajorNdisVersion 5 is not 6");
    }

    @Test
    public void registrationWithAMajorVersionOtherThan6FailsWithBadVersion() {
        TestDriver v5 = new TestDriver() {
            @Override
            public NdisStatus driverEntry(org.drvsim.ndis.NdisDriverObject d) {
                NdisMiniportDriverCharacteristics<NdisMiniportAdapterHandle> c = new NdisMiniportDriverCharacteristics<>(5, 1, 1, 0);
                return d.ndisMRegisterMiniportDriver(c);
            }
        };
        Driver o = new Driver() {
            @Override public Object entry() { return v5; }
        };
        assertThat(ndis.driverEntry(o, o.entry()).name()).isEqualTo("NDIS_STATUS_BAD_VERSION");
    }

    @Test
    public void initializeWithoutGeneralAttributesIsFailedByNdisWithHaltInitializationFailed() {
        driver.chars.initializeHandlerEx = (h, p) -> {
            h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, 0, NdisInterfaceType.NdisInterfaceInternal));
            return NdisStatus.NDIS_STATUS_SUCCESS;
        };
        ndis.driverEntry(driverObject, driverObject.entry());
        PortStatus s = ndis.startDevice(driverObject, node, DeviceResources.NONE);
        assertThat(s.name()).isEqualTo("NDIS_STATUS_FAILURE");
        assertThat(rules()).containsExactly("MiniportInitializeExWithoutAttributes");
        assertThat(callbacks()).containsExactly("DriverEntry", "MiniportInitializeEx", "MiniportHaltEx");
        assertThat(trace.events(e -> e.name().equals("MiniportHaltEx")).get(0).arg("haltAction"))
                .isEqualTo("NdisHaltDeviceInitializationFailed");
    }

    @Test
    public void haltExWaitsForTheOutstandingOidRequestToComplete() throws Exception {
        AtomicReference<NdisOidRequest> held = new AtomicReference<>();
        driver.chars.oidRequestHandler = (h, r) -> {
            held.set(r);
            return NdisStatus.NDIS_STATUS_PENDING;
        };
        load();
        MiniportBlock a = adapter();
        CompletableFuture<NdisStatus> oid = CompletableFuture.supplyAsync(() -> a.oidRequest(NdisOidRequest.query(0x0001010E, 7, 4)));
        trace.await(e -> e.name().equals("MiniportOidRequest"), java.time.Duration.ofSeconds(10));
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> ndis.removeDevice(driverObject, node));
        trace.await(e -> e.name().equals("MiniportPause"), java.time.Duration.ofSeconds(10));
        assertThat(trace.events(e -> e.name().equals("MiniportHaltEx"))).isEmpty();
        driver.handle.get().ndisMOidRequestComplete(held.get(), NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(oid.get(10, TimeUnit.SECONDS)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        removal.get(10, TimeUnit.SECONDS);
        long completed = trace.events(e -> e.name().equals("NdisMOidRequestComplete")).get(0).seq();
        long halted = trace.events(e -> e.name().equals("MiniportHaltEx")).get(0).seq();
        assertThat(completed).isLessThan(halted);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void completingTheSameSendTwiceIsAViolationAndReachesTheProtocolOnce() {
        AtomicReference<NetBufferList> sent = new AtomicReference<>();
        driver.chars.sendNetBufferListsHandler = (h, nbl, port, flags) -> {
            sent.set(nbl);
            h.ndisMSendNetBufferListsComplete(nbl, 0);
        };
        load();
        MiniportBlock a = adapter();
        a.send(NetBufferList.of(new byte[60]));
        driver.handle.get().ndisMSendNetBufferListsComplete(sent.get(), 0);
        assertThat(rules()).containsExactly("SendCompleteOfUnknownNbl");
        assertThat(protocolGotBack).hasSize(1);
    }

    @Test
    public void sendsWhileTheAdapterIsPausedAreCompletedByNdisWithPausedAndNeverReachTheMiniport() {
        driver.chars.restartHandler = (h, p) -> NdisStatus.NDIS_STATUS_FAILURE; // stays Paused
        load();
        MiniportBlock a = adapter();
        assertThat(a.state()).isEqualTo(AdapterState.Paused);
        NetBufferList nbl = NetBufferList.of(new byte[60]);
        a.send(nbl);
        assertThat(protocolGotBack).containsExactly(nbl);
        assertThat(nbl.status).isEqualTo(NdisStatus.NDIS_STATUS_PAUSED);
        assertThat(callbacks()).doesNotContain("MiniportSendNetBufferLists");
    }

    @Test
    public void aReceiveIndicationWhileTheAdapterIsPausedIsAViolation() {
        driver.chars.restartHandler = (h, p) -> NdisStatus.NDIS_STATUS_FAILURE;
        load();
        adapter();
        driver.handle.get().ndisMIndicateReceiveNetBufferLists(NetBufferList.of(new byte[60]), 0, 1, 0);
        assertThat(rules()).containsExactly("IndicateReceiveWhenNotRunning");
    }

    @Test
    public void anNdisCallAfterHaltExIsAViolationAndIgnored() {
        load();
        adapter();
        ndis.removeDevice(driverObject, node);
        driver.handle.get().ndisMIndicateReceiveNetBufferLists(NetBufferList.of(new byte[60]), 0, 1, 0);
        assertThat(rules()).containsExactly("NdisCallAfterHalt");
        assertThat(callbacks()).doesNotContain("MiniportReturnNetBufferLists");
    }

    @Test
    public void aTimerAllocatedOrSetAfterHaltExIsOneViolationPerCallAndItsFunctionNeverRuns() throws Exception {
        load();
        adapter();
        ndis.removeDevice(driverObject, node);
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        org.drvsim.ndis.NdisTimer t = driver.handle.get().ndisAllocateTimerObject("after halt", ran::incrementAndGet);
        Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
        try {
            assertThat(t.ndisSetTimerObject(java.time.Duration.ZERO)).isFalse();
        } finally {
            Irql.lower(old);
        }
        // the same with a CustomDpc queued through the adapter's DPC executor
        driver.handle.get().dpcExecutor().execute(ran::incrementAndGet);
        scheduler.callPnp("let the timer and DPC run if they were queued", () -> {
            Thread.sleep(100);
            return null;
        });
        CompletableFuture<Void> dpcsDone = new CompletableFuture<>();
        scheduler.queueDpc(0, "after", () -> dpcsDone.complete(null));
        scheduler.queueDpc(1, "after", () -> dpcsDone.complete(null));
        dpcsDone.get(5, TimeUnit.SECONDS);
        assertThat(ran).hasValue(0);
        assertThat(rules()).containsExactly("NdisCallAfterHalt", "NdisCallAfterHalt", "NdisCallAfterHalt");
        assertThat(verifier.violations()).extracting(Verifier.Violation::message).containsExactly(
                "NdisAllocateTimerObject called after MiniportHaltEx; NDIS ignores it",
                "NdisSetTimerObject called after MiniportHaltEx; NDIS ignores it",
                "KeInsertQueueDpc called after MiniportHaltEx; NDIS ignores it");
        assertThat(callbacks()).doesNotContain("NetTimerCallback", "CustomDpc");
    }

    @Test
    public void aTimerThatFiresAfterItsAdapterHaltedDoesNotRunItsFunction() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        driver.chars.initializeHandlerEx = (h, p) -> {
            NdisStatus s = new TestDriver().chars.initializeHandlerEx.initializeEx(h, p);
            driver.handle.set(h);
            Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
            try {
                h.ndisAllocateTimerObject("fires late", ran::incrementAndGet)
                        .ndisSetTimerObject(java.time.Duration.ofMillis(300));
            } finally {
                Irql.lower(old);
            }
            return s;
        };
        load();
        ndis.removeDevice(driverObject, node); // HaltEx forgets the timer: reported, and NDIS cancels it
        Thread.sleep(500);
        assertThat(ran).hasValue(0);
        assertThat(callbacks()).doesNotContain("NetTimerCallback");
    }

    @Test
    public void aTimerStillAllocatedAfterHaltExIsAViolation() {
        driver.chars.initializeHandlerEx = (h, p) -> {
            NdisStatus s = new TestDriver().chars.initializeHandlerEx.initializeEx(h, p);
            driver.handle.set(h);
            h.ndisAllocateTimerObject("leaked", () -> { });
            return s;
        };
        load();
        ndis.removeDevice(driverObject, node);
        assertThat(rules()).containsExactly("NdisTimerNotFreed");
    }

    @Test
    public void anNdisFunctionCalledAboveItsIrqlIsReported() {
        driver.chars.initializeHandlerEx = (h, p) -> {
            Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
            try {
                return new TestDriver().chars.initializeHandlerEx.initializeEx(h, p);
            } finally {
                Irql.lower(old);
            }
        };
        load();
        assertThat(rules()).containsExactly("IrqlTooHigh", "IrqlTooHigh");
        assertThat(verifier.violations().get(0).message()).contains("NdisMSetMiniportAttributes called at DISPATCH_LEVEL");
    }

    @Test
    public void miniportDriverUnloadWithoutDeregisterIsReported() {
        driver.deregister = false;
        load();
        ndis.removeDevice(driverObject, node);
        ndis.driverUnload(driverObject);
        assertThat(rules()).containsExactly("MiniportDriverUnloadWithoutDeregister");
        List<String> names = new ArrayList<>(callbacks());
        assertThat(names).endsWith("MiniportHaltEx", "MiniportDriverUnload");
    }

    /** Throws {@code t} from code that declares nothing, as a driver written in another JVM language can. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    public void anErrorOrAnUndeclaredCheckedExceptionInInitializeExIsAFailedStartWithoutHaltEx() {
        for (Throwable thrown : List.of(new Error("boom"), new StackOverflowError(), new java.io.IOException("disk gone"))) {
            TestDriver d = new TestDriver();
            boolean[] halted = {false};
            d.chars.initializeHandlerEx = (h, p) -> {
                throw sneaky(thrown);
            };
            d.chars.haltHandlerEx = (h, a) -> halted[0] = true;
            NdisPort port = new NdisPort(trace, verifier, scheduler);
            Driver o = new Driver() {
                @Override public Object entry() { return d; }
            };
            assertThat(port.driverEntry(o, o.entry()).isSuccess()).isTrue();
            verifier.clear();
            PortStatus s = port.startDevice(o, node, DeviceResources.NONE);
            assertThat(s.isSuccess()).as(thrown.toString()).isFalse();
            assertThat(rules()).as(thrown.toString()).containsExactly("DriverCallbackThrew");
            assertThat(verifier.violations().get(0).message()).contains("MiniportInitializeEx threw " + thrown.getClass().getName());
            assertThat(port.adapter(DEV)).isEmpty();
            port.driverUnload(o);
            assertThat(halted[0]).as("no MiniportHaltEx after a failed MiniportInitializeEx").isFalse();
        }
    }

    @Test
    public void aThrowingHaltExStillLeavesTheAdapterHaltedAndTheUnloadFollows() {
        driver.chars.haltHandlerEx = (h, a) -> {
            throw new Error("halt failed");
        };
        assertThat(load().isSuccess()).isTrue();
        ndis.removeDevice(driverObject, node);
        assertThat(ndis.adapter(DEV)).isEmpty();
        ndis.driverUnload(driverObject);
        assertThat(rules()).containsExactly("DriverCallbackThrew");
        assertThat(callbacks()).endsWith("MiniportHaltEx", "MiniportDriverUnload");
    }

    @Test
    public void aThrowingSendIsContainedWhetherOrNotPerRequestTracingIsOn() throws Exception {
        driver.chars.sendNetBufferListsHandler = (h, nbl, port, flags) -> {
            throw new Error("send failed");
        };
        assertThat(load().isSuccess()).isTrue();
        MiniportBlock a = adapter();
        for (boolean io : new boolean[] {true, false}) {
            trace.setIoTracing(io);
            verifier.clear();
            a.send(NetBufferList.of(new byte[60]));
            assertThat(rules()).as("io tracing " + io).containsExactly("DriverCallbackThrew");
        }
    }
}
