package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NetBufferList;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.ndis.harness.ProtocolHarness.OidResult;
import org.drvsim.ndis.harness.ProtocolHarness.Pending;
import org.drvsim.ndis.harness.ProtocolHarness.SendResult;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * Cancellation from the protocol side through the {@link ProtocolHarness}: NdisCancelSendNetBufferLists reaches
 * MiniportCancelSend with the NBLs' cancel ID (NDIS_SET_NET_BUFFER_LIST_CANCEL_ID), NdisCancelOidRequest reaches
 * MiniportCancelOidRequest with the request's RequestId, and each cancelled request completes exactly once, with
 * NDIS_STATUS_SEND_ABORTED or NDIS_STATUS_REQUEST_ABORTED (docs nc-ndis-miniport_cancel_send,
 * nc-ndis-miniport_cancel_oid_request, nf-ndis-ndiscanceloidrequest; spec/ndis-lifecycle.md sections 7 and 8). A
 * fixture miniport holds every send and pends every OID request until it is cancelled.
 */
public class CancellationTest {
    static final String ADAPTER = "test0";

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private NdisPort ndis;
    private ProtocolHarnessImpl harness;
    private final MiniportRulesTest.TestDriver driver = new MiniportRulesTest.TestDriver();
    private final DeviceNode node = new MiniportRulesTest.Node();
    private final DriverObject driverObject = new DriverObject() {
        @Override public String name() { return "test.driver/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "ndis"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    };
    /** The sends the fixture miniport holds, and the OID request it pends. */
    private final List<NetBufferList> held = new ArrayList<>();
    private final AtomicReference<NdisOidRequest> pendedOid = new AtomicReference<>();

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        ndis = new NdisPort(trace, verifier, scheduler);
        driver.chars.sendNetBufferListsHandler = (h, nbls, port, flags) -> {
            synchronized (held) {
                held.addAll(NetBufferList.chain(nbls));
            }
        };
        // MiniportCancelSend as the WDK describes it: complete every held NBL with the cancel ID, SEND_ABORTED
        driver.chars.cancelSendHandler = (h, cancelId) -> {
            List<NetBufferList> cancelled = new ArrayList<>();
            synchronized (held) {
                for (NetBufferList nbl : List.copyOf(held)) {
                    if (NetBufferList.ndisGetNetBufferListCancelId(nbl) == cancelId) {
                        held.remove(nbl);
                        nbl.status = NdisStatus.NDIS_STATUS_SEND_ABORTED;
                        cancelled.add(nbl);
                    }
                }
            }
            if (!cancelled.isEmpty()) {
                h.ndisMSendNetBufferListsComplete(NetBufferList.link(cancelled), 0);
            }
        };
        driver.chars.oidRequestHandler = (h, r) -> {
            pendedOid.set(r);
            return NdisStatus.NDIS_STATUS_PENDING;
        };
        driver.chars.cancelOidRequestHandler = (h, requestId) -> {
            NdisOidRequest r = pendedOid.get();
            if (r != null && r.requestId() == requestId && pendedOid.compareAndSet(r, null)) {
                h.ndisMOidRequestComplete(r, NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
            }
        };
        assertThat(ndis.driverEntry(driverObject, driver).isSuccess()).isTrue();
        assertThat(ndis.startDevice(driverObject, node, DeviceResources.NONE).isSuccess()).isTrue();
        harness = new ProtocolHarnessImpl(ndis);
    }

    @After
    public void tearDown() {
        harness.deactivate();
        scheduler.close();
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    private List<TraceEvent> named(String name) {
        return trace.events(e -> e.name().equals(name));
    }

    private static List<byte[]> frames(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new byte[60]);
        }
        return out;
    }

    @Test
    public void cancelSendReachesTheMiniportWithTheCancelIdAndOnlyThoseNblsCompleteOnceWithSendAborted() throws Exception {
        Pending<SendResult> seven = harness.startSend(ADAPTER, frames(3), 7);
        Pending<SendResult> eight = harness.startSend(ADAPTER, frames(2), 8);
        assertThat(seven.id()).isEqualTo(7);
        synchronized (held) {
            assertThat(held).hasSize(5);
        }

        assertThat(harness.cancelSend(ADAPTER, 7)).isTrue();
        SendResult r = seven.completion().get(10, TimeUnit.SECONDS);
        assertThat(r.completionStatuses()).isEqualTo(Map.of(NdisStatus.NDIS_STATUS_SEND_ABORTED, 3));
        assertThat(eight.completion().isDone()).as("the sends with cancel ID 8 are still with the miniport").isFalse();

        assertThat(harness.cancelSend(ADAPTER, 7)).isTrue(); // nothing left with that ID: the miniport completes none
        assertThat(harness.cancelSend(ADAPTER, 8)).isTrue();
        assertThat(eight.completion().get(10, TimeUnit.SECONDS).completionStatuses())
                .isEqualTo(Map.of(NdisStatus.NDIS_STATUS_SEND_ABORTED, 2));

        assertThat(named("MiniportCancelSend")).extracting(e -> e.arg("cancelId")).containsExactly("7", "7", "8");
        List<String> order = trace.events(e -> e.name().startsWith("MiniportCancelSend")
                || e.name().equals("NdisMSendNetBufferListsComplete")).stream()
                .map(e -> e.name() + " " + e.args().values()).toList();
        assertThat(order).containsExactly(
                "MiniportCancelSend [7]", "NdisMSendNetBufferListsComplete [3, NDIS_STATUS_SEND_ABORTED, 0]",
                "MiniportCancelSend [7]",
                "MiniportCancelSend [8]", "NdisMSendNetBufferListsComplete [2, NDIS_STATUS_SEND_ABORTED, 0]");
        MiniportBlock a = ndis.adapter(MiniportRulesTest.DEV).orElseThrow();
        assertThat(a.sendsCompleted.get()).isEqualTo(5);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void cancelOidRequestReachesTheMiniportWithTheRequestIdAndTheRequestCompletesOnceWithRequestAborted()
            throws Exception {
        Pending<OidResult> query = harness.startQueryOid(ADAPTER, NdisOid.OID_GEN_LINK_STATE, 64);
        trace.await(e -> e.name().equals("MiniportOidRequest"), Duration.ofSeconds(10));

        assertThat(harness.cancelOidRequest(ADAPTER, query.id())).isTrue();
        assertThat(query.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
        assertThat(harness.cancelOidRequest(ADAPTER, query.id())).as("completed: not passed on again").isFalse();

        assertThat(named("MiniportOidRequest").get(0).arg("requestId")).isEqualTo(Long.toString(query.id()));
        assertThat(named("MiniportCancelOidRequest")).extracting(e -> e.arg("requestId"))
                .containsExactly(Long.toString(query.id()));
        assertThat(named("NdisMOidRequestComplete")).extracting(e -> e.arg("status"))
                .containsExactly("NDIS_STATUS_REQUEST_ABORTED");
        assertThat(rules()).isEmpty();
    }

    @Test
    public void anOidRequestCancelledWhileQueuedBehindAnotherIsCompletedByNdisAndNeverReachesTheMiniport()
            throws Exception {
        Pending<OidResult> first = harness.startQueryOid(ADAPTER, NdisOid.OID_GEN_LINK_STATE, 64);
        trace.await(e -> e.name().equals("MiniportOidRequest"), Duration.ofSeconds(10));
        Pending<OidResult> second = harness.startSetOid(ADAPTER, NdisOid.OID_GEN_CURRENT_PACKET_FILTER,
                ProtocolHarnessImpl.le32(1));

        assertThat(harness.cancelOidRequest(ADAPTER, second.id())).isFalse();
        assertThat(harness.cancelOidRequest(ADAPTER, first.id())).isTrue();
        assertThat(first.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
        assertThat(second.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);

        assertThat(named("MiniportOidRequest")).extracting(e -> e.arg("requestId"))
                .containsExactly(Long.toString(first.id()));
        assertThat(named("MiniportCancelOidRequest")).extracting(e -> e.arg("requestId"))
                .containsExactly(Long.toString(first.id()));
        assertThat(rules()).isEmpty();
    }

    @Test
    public void ndisCancelCancelsSendsByCancelIdAndWithOidAnOidRequestByRequestId() throws Exception {
        NdisCommands commands = new NdisCommands(harness, ndis);
        Pending<SendResult> send = harness.startSend(ADAPTER, frames(1), 9);
        assertThat(commands.cancel(false, ADAPTER, 9)).isEqualTo("MiniportCancelSend(cancelId 9) called on "
                + MiniportRulesTest.DEV);
        assertThat(send.completion().get(10, TimeUnit.SECONDS).completionStatuses())
                .isEqualTo(Map.of(NdisStatus.NDIS_STATUS_SEND_ABORTED, 1));
        Pending<OidResult> query = harness.startQueryOid(ADAPTER, NdisOid.OID_GEN_LINK_STATE, 64);
        trace.await(e -> e.name().equals("MiniportOidRequest"), Duration.ofSeconds(10));
        assertThat(commands.cancel(true, ADAPTER, query.id())).isEqualTo("MiniportCancelOidRequest(requestId "
                + query.id() + ") called on " + MiniportRulesTest.DEV);
        assertThat(query.completion().get(10, TimeUnit.SECONDS).status()).isEqualTo(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
    }

    @Test
    public void nothingIsCancelledOnAHaltedAdapter() throws Exception {
        MiniportBlock a = ndis.adapter(MiniportRulesTest.DEV).orElseThrow();
        ndis.removeDevice(driverObject, node);
        assertThat(a.cancelSend(7)).isFalse();
        assertThat(a.cancelOidRequest(1)).isFalse();
        assertThat(named("MiniportCancelSend")).isEmpty();
        assertThat(named("MiniportCancelOidRequest")).isEmpty();
    }
}
