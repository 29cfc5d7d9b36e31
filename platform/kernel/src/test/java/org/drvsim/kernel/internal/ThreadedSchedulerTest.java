package org.drvsim.kernel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.Scheduler;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The threaded {@link Scheduler}: which thread and IRQL each kind of work runs at. */
public class ThreadedSchedulerTest {
    private static final long WAIT_SECONDS = 5;
    /** Held strongly so that the level set here sticks; failing work is logged at SEVERE by design. */
    private static final Logger SCHEDULER_LOG = Logger.getLogger(ThreadedScheduler.class.getName());

    private ThreadedScheduler scheduler;
    private Level logLevel;

    /** Where and how a routine ran. */
    private record Ran(Thread thread, Irql irql, int processor, boolean onPnpWorker) {
        static Ran here(Scheduler s) {
            return new Ran(Thread.currentThread(), Irql.current(), s.currentProcessor(), s.onPnpWorker());
        }
    }

    @Before
    public void startTwoProcessors() {
        logLevel = SCHEDULER_LOG.getLevel();
        SCHEDULER_LOG.setLevel(Level.OFF);
        scheduler = new ThreadedScheduler(2);
    }

    @After
    public void close() {
        scheduler.close();
        SCHEDULER_LOG.setLevel(logLevel);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    public void theProcessorCountIsTheOneGiven() {
        assertThat(scheduler.processorCount()).isEqualTo(2);
    }

    @Test
    public void aProcessorCountOutside1To64IsRefused() {
        assertThatThrownBy(() -> new ThreadedScheduler(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor count 0 is not in 1..64");
        assertThatThrownBy(() -> new ThreadedScheduler(65))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor count 65 is not in 1..64");
    }

    @Test
    public void theProcessorsPropertyDefaultsTo2AndMustBeANumber() {
        assertThat(ThreadedScheduler.parseProcessors(null)).isEqualTo(2);
        assertThat(ThreadedScheduler.parseProcessors(" ")).isEqualTo(2);
        assertThat(ThreadedScheduler.parseProcessors(" 4 ")).isEqualTo(4);
        assertThatThrownBy(() -> ThreadedScheduler.parseProcessors("four"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("framework property drvsim.processors='four' is not a number of processors");
    }

    @Test
    public void aThreadTheSchedulerDoesNotOwnIsProcessor0AndNotThePnpWorker() {
        assertThat(scheduler.currentProcessor()).isEqualTo(0);
        assertThat(scheduler.onPnpWorker()).isFalse();
    }

    @Test
    public void aDpcRunsAtDispatchLevelOnTheProcessorItWasQueuedOn() throws Exception {
        for (int cpu = 0; cpu < 2; cpu++) {
            CompletableFuture<Ran> ran = new CompletableFuture<>();
            scheduler.queueDpc(cpu, "TestDpc", () -> ran.complete(Ran.here(scheduler)));

            Ran r = await(ran);
            assertThat(r.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
            assertThat(r.processor()).isEqualTo(cpu);
            assertThat(r.onPnpWorker()).isFalse();
        }
    }

    @Test
    public void dpcsQueuedOnOneProcessorRunInTheOrderQueued() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            int n = i;
            scheduler.queueDpc(1, "TestDpc" + n, () -> order.add(n));
        }
        scheduler.queueDpc(1, "LastDpc", done::countDown);

        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add(i);
        }
        assertThat(order).containsExactlyElementsOf(expected);
    }

    @Test
    public void anInterruptRunsItsIsrAtDirqlOnTheNamedProcessor() throws Exception {
        CompletableFuture<Ran> ran = new CompletableFuture<>();
        scheduler.requestInterrupt(1, "TestIsr", () -> ran.complete(Ran.here(scheduler)));

        Ran r = await(ran);
        assertThat(r.irql()).isEqualTo(Irql.DIRQL);
        assertThat(r.processor()).isEqualTo(1);
    }

    @Test
    public void anIsrAndTheDpcItQueuesRunOnTheSameProcessorThread() throws Exception {
        CompletableFuture<Ran> isr = new CompletableFuture<>();
        CompletableFuture<Ran> dpc = new CompletableFuture<>();
        scheduler.requestInterrupt(1, "TestIsr", () -> {
            isr.complete(Ran.here(scheduler));
            scheduler.queueDpc(scheduler.currentProcessor(), "TestDpc", () -> dpc.complete(Ran.here(scheduler)));
        });

        assertThat(await(dpc).thread()).isSameAs(await(isr).thread());
        assertThat(await(dpc).irql()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void aWorkItemRunsAtPassiveLevelOnASystemWorkerThread() throws Exception {
        CompletableFuture<Ran> ran = new CompletableFuture<>();
        scheduler.queueWorkItem("TestWorkItem", () -> ran.complete(Ran.here(scheduler)));

        Ran r = await(ran);
        assertThat(r.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(r.onPnpWorker()).isFalse();
        assertThat(r.thread()).isNotSameAs(Thread.currentThread());
        assertThat(r.thread().getName()).startsWith("drvsim-worker-");
    }

    @Test
    public void callPnpRunsTheWorkAtPassiveLevelOnThePnpWorkerAndReturnsItsResult() throws Exception {
        Ran r = scheduler.callPnp("TestPnp", () -> Ran.here(scheduler));

        assertThat(r.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(r.onPnpWorker()).isTrue();
        assertThat(r.thread()).isNotSameAs(Thread.currentThread());
        assertThat(scheduler.onPnpWorker()).isFalse();
    }

    @Test
    public void callPnpOnThePnpWorkerRunsTheWorkInline() throws Exception {
        CompletableFuture<Ran> outer = new CompletableFuture<>();
        CompletableFuture<Ran> inner = new CompletableFuture<>();
        // queuePnp, so that a callPnp that does not run inline deadlocks the PnP worker and not this test.
        scheduler.queuePnp("Outer", () -> {
            outer.complete(Ran.here(scheduler));
            try {
                inner.complete(scheduler.callPnp("Inner", () -> Ran.here(scheduler)));
            } catch (Exception e) {
                inner.completeExceptionally(e);
            }
        });

        assertThat(await(inner).thread()).isSameAs(await(outer).thread());
        assertThat(await(inner).onPnpWorker()).isTrue();
        assertThat(await(inner).irql()).isEqualTo(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void queuedPnpWorkRunsOnThePnpWorkerAfterEverythingQueuedBeforeIt() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Ran> first = new CompletableFuture<>();
        scheduler.queuePnp("A", () -> {
            order.add("A");
            first.complete(Ran.here(scheduler));
        });
        scheduler.queuePnp("B", () -> order.add("B"));
        scheduler.callPnp("C", () -> order.add("C"));

        assertThat(order).containsExactly("A", "B", "C");
        assertThat(await(first).onPnpWorker()).isTrue();
        assertThat(await(first).irql()).isEqualTo(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void anExceptionThrownByPnpWorkIsRethrownToTheCaller() {
        IOException failure = new IOException("device did not answer");

        assertThatThrownBy(() -> scheduler.callPnp("Failing", () -> {
            throw failure;
        })).isSameAs(failure);
    }

    @Test
    public void anErrorThrownByPnpWorkIsRethrownAsIllegalStateExceptionNamingTheStep() {
        AssertionError failure = new AssertionError("broken");

        assertThatThrownBy(() -> scheduler.callPnp("StartDevice", () -> {
            throw failure;
        })).isInstanceOf(IllegalStateException.class)
                .hasMessage("PnP step 'StartDevice' failed")
                .hasCause(failure);
    }

    @Test
    public void thePnpWorkerGoesOnAfterWorkThatThrew() throws Exception {
        assertThatThrownBy(() -> scheduler.callPnp("Failing", () -> {
            throw new IllegalStateException("x");
        })).hasMessage("x");
        scheduler.queuePnp("FailingQueued", () -> {
            throw new IllegalStateException("y");
        });

        assertThat(scheduler.callPnp("Next", () -> Ran.here(scheduler)).onPnpWorker()).isTrue();
    }

    @Test
    public void pnpWorkRunsAtPassiveLevelEvenAfterEarlierWorkThrewAtARaisedIrql() throws Exception {
        scheduler.queuePnp("RaisesAndThrows", () -> {
            Irql.raise(Irql.DISPATCH_LEVEL);
            throw new IllegalStateException("driver bug");
        });

        assertThat(scheduler.callPnp("Next", Irql::current)).isEqualTo(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void aThrowingDpcDoesNotKillItsProcessorThreadAndTheNextDpcRuns() throws Exception {
        CompletableFuture<Thread> failing = new CompletableFuture<>();
        CompletableFuture<Ran> next = new CompletableFuture<>();
        scheduler.queueDpc(0, "FailingDpc", () -> {
            failing.complete(Thread.currentThread());
            throw new IllegalStateException("driver bug");
        });
        scheduler.queueDpc(0, "NextDpc", () -> next.complete(Ran.here(scheduler)));

        Ran r = await(next);
        assertThat(r.thread()).isSameAs(await(failing));
        assertThat(r.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(r.processor()).isEqualTo(0);
    }

    @Test
    public void aDpcThatThrowsAtARaisedIrqlDoesNotChangeTheIrqlOfTheNextDpc() throws Exception {
        CompletableFuture<Ran> next = new CompletableFuture<>();
        scheduler.queueDpc(1, "RaisesAndThrows", () -> {
            Irql.raise(Irql.HIGH_LEVEL);
            throw new IllegalStateException("driver bug");
        });
        scheduler.queueDpc(1, "NextDpc", () -> next.complete(Ran.here(scheduler)));

        assertThat(await(next).irql()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void aTimerQueuesItsDpcOnTheNamedProcessorNoEarlierThanItsDueTime() throws Exception {
        CompletableFuture<Ran> ran = new CompletableFuture<>();
        CompletableFuture<Long> firedAt = new CompletableFuture<>();
        long setAt = System.nanoTime();
        scheduler.setTimer(1, "TestTimerDpc", Duration.ofMillis(20), () -> {
            firedAt.complete(System.nanoTime());
            ran.complete(Ran.here(scheduler));
        });

        Ran r = await(ran);
        assertThat(r.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(r.processor()).isEqualTo(1);
        assertThat(await(firedAt) - setAt).isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
    }

    @Test
    public void cancellingATimerBeforeItExpiresPreventsItsDpc() throws Exception {
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CountDownLatch laterRan = new CountDownLatch(1);
        Scheduler.Timer cancelled = scheduler.setTimer(0, "CancelledDpc", Duration.ofMillis(20),
                () -> cancelledRan.set(true));
        // Expires later on the same processor: its DPC would run after the cancelled timer's.
        scheduler.setTimer(0, "LaterDpc", Duration.ofMillis(40), laterRan::countDown);

        assertThat(cancelled.cancel()).isTrue();

        assertThat(laterRan.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRan).isFalse();
    }

    @Test
    public void cancellingATimerThatAlreadyFiredReturnsFalse() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Scheduler.Timer timer = scheduler.setTimer(0, "TestTimerDpc", Duration.ZERO, ran::countDown);
        assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(timer.cancel()).isFalse();
    }

    @Test
    public void cancellingATimerTwiceReturnsFalseTheSecondTime() {
        Scheduler.Timer timer = scheduler.setTimer(0, "TestTimerDpc", Duration.ofHours(1), () -> { });

        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
    }

    @Test
    public void aProcessorThatDoesNotExistIsRefused() {
        Runnable nothing = () -> { };
        assertThatThrownBy(() -> scheduler.queueDpc(2, "Dpc", nothing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor 2 does not exist (0..1)");
        assertThatThrownBy(() -> scheduler.queueDpc(-1, "Dpc", nothing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor -1 does not exist (0..1)");
        assertThatThrownBy(() -> scheduler.requestInterrupt(2, "Isr", nothing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor 2 does not exist (0..1)");
        assertThatThrownBy(() -> scheduler.setTimer(7, "Timer", Duration.ZERO, nothing))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processor 7 does not exist (0..1)");
    }
    @Test
    public void aHungPnpWorkerIsReplacedItsCallerFailsAndTheQueueGoesOnOnAFreshThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> hungThread = new CompletableFuture<>();
        CompletableFuture<Object> hungCaller = CompletableFuture.supplyAsync(() -> {
            try {
                return scheduler.callPnp("hangs", () -> {
                    hungThread.complete(Thread.currentThread());
                    release.await();
                    return "late";
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread hung = await(hungThread);
        CompletableFuture<Ran> next = new CompletableFuture<>();
        scheduler.queuePnp("next", () -> next.complete(Ran.here(scheduler)));
        assertThat(next).isNotDone(); // queued behind the hung work
        assertThat(scheduler.replaceHungThread(Thread.currentThread(), new IllegalStateException("not hung"))).isFalse();

        assertThat(scheduler.replaceHungThread(hung, new IllegalStateException("CallbackHung: test"))).isTrue();

        assertThatThrownBy(() -> await(hungCaller)).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("CallbackHung: test");
        Ran ran = await(next);
        assertThat(ran.thread()).isNotSameAs(hung);
        assertThat(ran.thread().getName()).isEqualTo("drvsim-pnp-2");
        assertThat(ran.onPnpWorker()).isTrue();
        assertThat(scheduler.replaceHungThread(hung, new IllegalStateException("again"))).isFalse();
        release.countDown();
        hung.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(hung.isAlive()).as("the replaced thread ends once its work returns").isFalse();
        assertThat(scheduler.callPnp("after", () -> Thread.currentThread())).isSameAs(ran.thread());
    }

    @Test
    public void aHungProcessorIsReplacedAndLaterDpcsOnThatProcessorStillRunThere() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Thread> hungThread = new CompletableFuture<>();
        scheduler.queueDpc(1, "hangs", () -> {
            hungThread.complete(Thread.currentThread());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread hung = await(hungThread);
        CompletableFuture<Ran> next = new CompletableFuture<>();
        scheduler.queueDpc(1, "next", () -> next.complete(Ran.here(scheduler)));

        assertThat(scheduler.replaceHungThread(hung, new IllegalStateException("CallbackHung"))).isTrue();

        Ran ran = await(next);
        assertThat(ran.thread()).isNotSameAs(hung);
        assertThat(ran.processor()).isEqualTo(1);
        assertThat(ran.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        release.countDown();
    }
}
