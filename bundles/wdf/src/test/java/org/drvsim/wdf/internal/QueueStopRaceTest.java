package org.drvsim.wdf.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.KmdfDriverEntry;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfIoQueueDispatchType;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfRequest;
import org.drvsim.wdf.WdfRequestType;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * A power-managed queue stopped with I/O in flight (spec/wdf-lifecycle.md; oracle (ii) steps 2
 * and 8), run many times with randomised timing: writes arrive on one thread while the PnP side removes the device
 * (orderly or surprise) on another, and the driver completes each write at once, later on its own thread, or only
 * when EvtIoStop asks. Whatever the interleaving: no EvtIo* callback after the queue stopped, EvtIoStop only for a
 * delivered request the driver has not completed, at most once per request, and every request completed exactly
 * once (by the driver if it was delivered, else cancelled by the framework's purge).
 */
public class QueueStopRaceTest {
    static final String DEV = "ROOT\\WDFRACE\\0000";
    static final int ITERATIONS = 200;

    /** What the driver does with a write when EvtIoWrite gets it. */
    enum Behaviour { COMPLETE_AT_ONCE, COMPLETE_LATER, HOLD_UNTIL_STOP }

    /** What the driver saw of one request. */
    static final class Seen {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        /** Set once the driver's WdfRequestComplete returned: the framework knows it is completed. */
        volatile boolean completeReturned;
        /** When WdfRequestComplete returned (System.nanoTime). */
        volatile long completeReturnedNanos;
        volatile NtStatus driverStatus;
        /** The driver's own rule: whoever claims the request (EvtIoStop or the late completer) completes it. */
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile Behaviour behaviour;
    }

    /** The race's driver: one power-managed default queue with EvtIoWrite and EvtIoStop. */
    static final class RaceDriver implements KmdfDriverEntry {
        final Random random;
        final WdfIoQueueDispatchType dispatchType;
        final ExecutorService completer = Executors.newSingleThreadExecutor();
        final Map<WdfRequest, Seen> seen = new ConcurrentHashMap<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        /** Set when the framework showed the driver that the queue stopped (first EvtIoStop, or leaving D0). */
        volatile boolean queueStopped;

        RaceDriver(Random random, WdfIoQueueDispatchType dispatchType) {
            this.random = random;
            this.dispatchType = dispatchType;
        }

        Seen seen(WdfRequest r) {
            return seen.computeIfAbsent(r, k -> new Seen());
        }

        private synchronized Behaviour nextBehaviour() {
            return Behaviour.values()[random.nextInt(Behaviour.values().length)];
        }

        private synchronized long nextDelayNanos() {
            return random.nextInt(300_000);
        }

        private void complete(WdfRequest r, NtStatus status) {
            Seen s = seen(r);
            s.completions.incrementAndGet();
            s.driverStatus = status;
            r.wdfRequestComplete(status);
            s.completeReturnedNanos = System.nanoTime();
            s.completeReturned = true;
        }

        @Override
        public NtStatus driverEntry(WdfDriverObject d) {
            return d.wdfDriverCreate(null, WdfDriverConfig.init((drv, init) -> {
                WdfPnpPowerEventCallbacks cb = new WdfPnpPowerEventCallbacks();
                cb.evtDeviceSelfManagedIoSuspend = dev -> NtStatus.STATUS_SUCCESS;
                cb.evtDeviceD0ExitPreInterruptsDisabled = (dev, t) -> {
                    queueStopped = true;
                    return NtStatus.STATUS_SUCCESS;
                };
                init.wdfDeviceInitSetPnpPowerEventCallbacks(cb);
                var dev = init.wdfDeviceCreate(null);
                WdfIoQueueConfig q = WdfIoQueueConfig.defaultQueue(dispatchType);
                q.evtIoWrite = (queue, r, length) -> {
                    Seen s = seen(r);
                    s.writes.incrementAndGet();
                    if (queueStopped) {
                        problems.add("EvtIoWrite for " + r + " after the queue stopped");
                    }
                    Behaviour b = nextBehaviour();
                    s.behaviour = b;
                    switch (b) {
                        case COMPLETE_AT_ONCE -> {
                            if (s.claimed.compareAndSet(false, true)) {
                                complete(r, NtStatus.STATUS_SUCCESS);
                            }
                        }
                        case COMPLETE_LATER -> {
                            long delay = nextDelayNanos();
                            completer.execute(() -> {
                                LockSupport.parkNanos(delay);
                                if (s.claimed.compareAndSet(false, true)) {
                                    complete(r, NtStatus.STATUS_SUCCESS);
                                }
                            });
                        }
                        case HOLD_UNTIL_STOP -> { }
                    }
                };
                q.evtIoStop = (queue, r, action) -> {
                    queueStopped = true;
                    Seen s = seen(r);
                    s.stops.incrementAndGet();
                    if (s.writes.get() == 0) {
                        problems.add("EvtIoStop for " + r + ", which was never delivered");
                    }
                    // The framework checks under the request's lock and calls EvtIoStop without it (the driver may
                    // complete the request in EvtIoStop or wait for nothing): a completion on another thread may
                    // slip in between the check and the driver's first line, as in KMDF, where the driver's own
                    // claim (s.claimed) settles who completes. Only a request completed well before is a bug.
                    if (s.completeReturned && System.nanoTime() - s.completeReturnedNanos > 50_000_000L) {
                        problems.add("EvtIoStop for " + r + ", which the driver already completed");
                    }
                    if (s.claimed.compareAndSet(false, true)) {
                        complete(r, NtStatus.STATUS_CANCELLED);
                    }
                };
                dev.value().wdfIoQueueCreate(q, null);
                return NtStatus.STATUS_SUCCESS;
            })).status();
        }
    }

    static final class Driver implements DriverObject {
        @Override public String name() { return "test.race/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "wdf"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\WDFRACE"); }
        @Override public List<DeviceNode> devices() { return List.of(); }
    }

    static final class Node implements DeviceNode {
        @Override public String instanceId() { return DEV; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\WDFRACE"); }
        @Override public String description() { return "race device"; }
        @Override public Map<String, String> properties() { return Map.of(); }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return 0; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return "test.race/1.0.0"; }
    }

    @Test
    public void stoppingAQueueWithIoInFlightDeliversNothingAfterTheStopAndCompletesEveryRequestOnce() throws Exception {
        long seed = Long.getLong("drvsim.race.seed", System.nanoTime());
        Random master = new Random(seed);
        // one machine for every iteration (closing a scheduler takes a while); a fresh port, trace and driver each time
        try (ThreadedScheduler scheduler = new ThreadedScheduler(2)) {
            for (int i = 0; i < ITERATIONS; i++) {
                runOnce(scheduler, new Random(master.nextLong()), "seed " + seed + ", iteration " + i);
            }
        }
    }

    private void runOnce(ThreadedScheduler scheduler, Random random, String where) throws Exception {
        RaceDriver driver = new RaceDriver(random, random.nextBoolean() ? WdfIoQueueDispatchType.WdfIoQueueDispatchParallel
                : WdfIoQueueDispatchType.WdfIoQueueDispatchSequential);
        try {
            TraceRecorder trace = new TraceRecorder(scheduler::currentProcessor);
            KernelVerifier verifier = new KernelVerifier(trace);
            WdfPort wdf = new WdfPort(trace, verifier, scheduler, false);
            Driver driverObject = new Driver();
            Node node = new Node();
            assertThat(wdf.driverEntry(driverObject, driver).isSuccess()).as(where).isTrue();
            assertThat(wdf.startDevice(driverObject, node, DeviceResources.NONE).isSuccess()).as(where).isTrue();
            FxQueueImpl queue = wdf.device(DEV).orElseThrow().queues.get(0);

            int count = 1 + random.nextInt(8);
            long[] gaps = new long[count];
            for (int k = 0; k < count; k++) {
                gaps[k] = random.nextInt(150_000);
            }
            long removeAfter = random.nextInt(600_000);
            boolean surprise = random.nextInt(4) == 0;
            List<FxRequestImpl> requests = new CopyOnWriteArrayList<>();
            Thread submitter = new Thread(() -> {
                for (int k = 0; k < count; k++) {
                    FxRequestImpl r = new FxRequestImpl(queue, WdfRequestType.WdfRequestTypeWrite, 4, new byte[4], new byte[0]);
                    requests.add(r);
                    queue.submit(r);
                    LockSupport.parkNanos(gaps[k]);
                }
            }, "race submitter");
            submitter.start();
            LockSupport.parkNanos(removeAfter);
            if (surprise) {
                wdf.surpriseRemoveDevice(driverObject, node);
            } else {
                wdf.removeDevice(driverObject, node);
            }
            submitter.join(TimeUnit.SECONDS.toMillis(10));
            // a work item that delivers late would call EvtIoWrite now: give it the chance to show itself
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));

            String context = where + " (" + driver.dispatchType + ", " + count + " write(s), "
                    + (surprise ? "surprise removal" : "orderly removal") + ")";
            assertThat(driver.problems).as(context).isEmpty();
            List<String> wrong = new ArrayList<>();
            for (FxRequestImpl r : requests) {
                FxRequestImpl.Completion c = r.done.get(5, TimeUnit.SECONDS);
                Seen s = driver.seen.get(r);
                if (s == null || s.writes.get() == 0) {
                    if (c.status() != NtStatus.STATUS_CANCELLED) {
                        wrong.add(r + " never delivered but completed with " + c.status());
                    }
                    if (s != null && s.completions.get() != 0) {
                        wrong.add(r + " never delivered but completed by the driver");
                    }
                    continue;
                }
                if (s.writes.get() != 1) {
                    wrong.add(r + " delivered " + s.writes.get() + " times");
                }
                if (s.stops.get() > 1) {
                    wrong.add(r + " got EvtIoStop " + s.stops.get() + " times");
                }
                if (s.behaviour == Behaviour.HOLD_UNTIL_STOP && s.stops.get() != 1) {
                    wrong.add(r + ", held by the driver, got EvtIoStop " + s.stops.get() + " times");
                }
                if (s.completions.get() != 1) {
                    wrong.add(r + " completed " + s.completions.get() + " times by the driver");
                }
                if (c.status() != s.driverStatus) {
                    wrong.add(r + " reached its submitter as " + c.status() + ", the driver completed it with "
                            + s.driverStatus);
                }
            }
            assertThat(wrong).as(context).isEmpty();
            // the trace tells the same story: the framework's queue stop comes after every delivery, before EvtIoStop
            List<String> order = trace.events(e -> e.name().startsWith("EvtIo") || e.name().startsWith("WdfIoQueue"))
                    .stream().map(e -> e.name()).toList();
            int stop = order.indexOf("WdfIoQueueStop");
            assertThat(stop).as(context + ": " + order).isNotNegative();
            assertThat(order.subList(0, stop)).as(context + ": " + order).doesNotContain("EvtIoStop");
            assertThat(order.subList(stop, order.size())).as(context + ": " + order).doesNotContain("EvtIoWrite");
            assertThat(verifier.violations()).extracting(Verifier.Violation::rule).as(context).isEmpty();
        } finally {
            driver.completer.shutdownNow();
        }
    }
}
