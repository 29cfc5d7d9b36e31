package org.drvsim.wdf.internal;

import org.drvsim.wdf.WdfIoQueueDispatchType;
import org.drvsim.wdf.WdfRequestType;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfRequest;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** Queue dispatch (spec/wdf-lifecycle.md) on a started device of the test driver. */
public class QueueDispatchTest {
    private final WdfSequencesTest fixture = new WdfSequencesTest();
    private FxDeviceImpl device;
    private final List<WdfRequest> delivered = new CopyOnWriteArrayList<>();

    @Before
    public void setUp() throws Exception {
        fixture.setUp();
        fixture.loadForQueueTests();
        device = fixture.device();
    }

    @After
    public void tearDown() {
        fixture.tearDown();
    }

    private FxQueueImpl queue(WdfIoQueueDispatchType type, boolean powerManaged) {
        WdfIoQueueConfig c = new WdfIoQueueConfig();
        c.dispatchType = type;
        c.powerManaged = powerManaged;
        c.evtIoRead = (q, r, length) -> delivered.add(r);
        return (FxQueueImpl) device.wdfIoQueueCreate(c, null).value();
    }

    private FxRequestImpl read(FxQueueImpl q) {
        FxRequestImpl r = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeRead, 1, new byte[0], new byte[1]);
        q.submit(r);
        return r;
    }

    private void awaitDelivered(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delivered.size() < n && System.nanoTime() < deadline) {
            fixture.trace().await(e -> e.name().equals("EvtIoRead"), Duration.ofSeconds(5));
            Thread.onSpinWait();
        }
        assertThat(delivered).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    public void aSequentialQueueDeliversTheNextRequestOnlyAfterTheCurrentCompletes() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential, true);
        read(q);
        read(q);
        awaitDelivered(1);
        assertThat(q.inDriverCount()).isEqualTo(1);
        assertThat(q.waitingCount()).isEqualTo(1);
        delivered.get(0).wdfRequestComplete(NtStatus.STATUS_SUCCESS);
        awaitDelivered(2);
        assertThat(q.waitingCount()).isZero();
    }

    @Test
    public void aParallelQueueDeliversEveryRequestAtOnce() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchParallel, true);
        for (int i = 0; i < 5; i++) {
            read(q);
        }
        awaitDelivered(5);
        assertThat(q.inDriverCount()).isEqualTo(5);
    }

    @Test
    public void aManualQueueDeliversNothingAndHandsRequestsOutWhenRetrieved() {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchManual, true);
        FxRequestImpl r = read(q);
        assertThat(q.waitingCount()).isEqualTo(1);
        assertThat(q.wdfIoQueueRetrieveNextRequest()).isSameAs(r);
        assertThat(q.wdfIoQueueRetrieveNextRequest()).isNull();
        assertThat(fixture.trace().events(e -> e.name().equals("EvtIoRead"))).isEmpty();
    }

    @Test
    public void removalCancelsWhatIsStillQueuedWithStatusCancelled() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchManual, true);
        FxRequestImpl r = read(q);
        fixture.removeDevice();
        assertThat(r.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
    }

    @Test
    public void aRequestToAPurgedQueueIsCancelledWithoutReachingTheDriver() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchParallel, true);
        fixture.removeDevice();
        FxRequestImpl r = read(q);
        assertThat(r.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(fixture.trace().events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.name().equals("EvtIoRead")))
                .isEmpty();
    }

    @Test
    public void cancellingAMarkedRequestCallsEvtRequestCancelAndAQueuedOneIsCancelledByTheFramework() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential, true);
        FxRequestImpl first = read(q);
        FxRequestImpl second = read(q);
        awaitDelivered(1);
        WdfRequest held = delivered.get(0);
        assertThat(held.wdfRequestMarkCancelableEx(r -> r.wdfRequestComplete(NtStatus.STATUS_CANCELLED)))
                .isEqualTo(NtStatus.STATUS_SUCCESS);
        second.cancel();
        assertThat(second.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        first.cancel();
        assertThat(first.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(fixture.trace().events(e -> e.name().equals("EvtRequestCancel"))).hasSize(1);
        assertThat(held.wdfRequestIsCanceled()).isTrue();
    }

    @Test
    public void markingAnAlreadyCancelledRequestCancelableReturnsStatusCancelled() throws Exception {
        FxQueueImpl q = queue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential, true);
        FxRequestImpl r = read(q);
        awaitDelivered(1);
        r.cancel();
        assertThat(delivered.get(0).wdfRequestMarkCancelableEx(x -> { })).isEqualTo(NtStatus.STATUS_CANCELLED);
        delivered.get(0).wdfRequestComplete(NtStatus.STATUS_CANCELLED);
        assertThat(r.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
    }
}
