package org.drvsim.wdf.internal;

import org.drvsim.wdf.WdfIoQueueDispatchType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfRequest;

/**
 * WDFQUEUE (spec/wdf-lifecycle.md section 4): sequential, parallel or manual dispatch; a power-managed queue
 * delivers only while it is started, that is while its device is in D0 (Q-3: started at 3a-8, stopped at 3b-2,
 * purged at 3b-8; a queue that is not power-managed is purged at 3b-10, Q-7).
 *
 * <p>A request moves through the queue's states, all guarded by {@link #lock}: {@code waiting} (queued), then
 * {@code presenting} (a system work item was queued to deliver it), then {@code inDriver} (the driver owns it: its
 * EvtIoRead/EvtIoWrite/EvtIoDeviceControl was called, or WdfIoQueueRetrieveNextRequest handed it out), until the
 * driver completes it or acknowledges a stop with requeue. The delivery work item re-checks the queue under the lock
 * before it calls the driver, so a request is delivered only while its queue is started: one that is still
 * presenting when the queue stops goes back to the head of {@code waiting} (and is cancelled by a purge). A stop
 * waits for deliveries already inside the driver to return before it is traced, then calls EvtIoStop once for each
 * request the driver owns and has not completed, never for a completed one (the request's lock is held from that
 * check to EvtIoStop's entry), and waits for each to be completed or acknowledged.
 *
 * <p>Threads and IRQL: requests arrive on the submitter's thread; they are delivered on a system worker thread at
 * PASSIVE_LEVEL (within the documented "at most DISPATCH_LEVEL", Q-4); start, stop and purge run on the PnP worker
 * at PASSIVE_LEVEL, and EvtIoStop is called there; completion comes on whatever thread the driver completes on.
 * The queue's lock is never held while the driver runs. Doc pages: wdf/power-management-for-i-o-queues,
 * EVT_WDF_IO_QUEUE_IO_STOP, WdfRequestStopAcknowledge.
 */
final class FxQueueImpl extends FxObject implements WdfQueue {
    final FxDeviceImpl device;
    final WdfIoQueueConfig config;
    /** Guards every field below and each request's {@code delivered} flag. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a delivery returns, a request is completed or a stop is acknowledged. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<FxRequestImpl> waiting = new ArrayDeque<>();
    private final Set<FxRequestImpl> presenting = new LinkedHashSet<>();
    private final Set<FxRequestImpl> inDriver = new LinkedHashSet<>();
    /** Delivery callbacks (EvtIoRead/Write/DeviceControl) running now: a stop waits for them to return. */
    private int delivering;
    private boolean started;
    private boolean purged;

    FxQueueImpl(FxDeviceImpl device, WdfIoQueueConfig config, WdfObjectAttributes attributes) {
        super(device.drv(), "WDFQUEUE", attributes, attributes != null && attributes.parentObject instanceof FxObject p
                ? p : device, !config.defaultQueue);
        this.device = device;
        this.config = config;
    }

    @Override
    String deviceId() {
        return device.instanceId();
    }

    @Override
    public WdfDevice device() {
        return device;
    }

    /**
     * The watchdog isolated the driver: every request waiting, presenting or with the driver is completed by the
     * framework with STATUS_CANCELLED (the driver is not called), and the queue takes no more. Any thread.
     */
    void isolate() {
        List<FxRequestImpl> all;
        lock.lock();
        try {
            purged = true;
            started = false;
            all = new ArrayList<>(waiting);
            all.addAll(presenting);
            all.addAll(inDriver);
            waiting.clear();
            presenting.clear();
            inDriver.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (FxRequestImpl r : all) {
            r.frameworkComplete(NtStatus.STATUS_CANCELLED);
        }
    }

    /** A request arrives from above (the submitter's thread, PASSIVE_LEVEL); a purged queue cancels it. */
    void submit(FxRequestImpl r) {
        lock.lock();
        try {
            if (!purged) {
                waiting.add(r);
                r = null;
            }
        } finally {
            lock.unlock();
        }
        if (r != null) {
            r.frameworkComplete(NtStatus.STATUS_CANCELLED);
            return;
        }
        dispatch();
    }

    /** Caller holds the lock. */
    private boolean deliverable() {
        return !purged && (started || !config.powerManaged);
    }

    /**
     * Presents what the dispatch type allows to a delivery work item each; any thread. A sequential queue
     * presents the next request only when none is presenting or with the driver.
     */
    void dispatch() {
        if (config.dispatchType == WdfIoQueueDispatchType.WdfIoQueueDispatchManual) {
            return;
        }
        List<FxRequestImpl> present = new ArrayList<>();
        lock.lock();
        try {
            boolean parallel = config.dispatchType == WdfIoQueueDispatchType.WdfIoQueueDispatchParallel;
            while (deliverable() && !waiting.isEmpty() && (parallel || (inDriver.isEmpty() && presenting.isEmpty()))) {
                FxRequestImpl r = waiting.poll();
                presenting.add(r);
                present.add(r);
            }
        } finally {
            lock.unlock();
        }
        for (FxRequestImpl r : present) {
            drv().port.scheduler.queueWorkItem("WDF queue delivery", () -> deliver(r));
        }
    }

    /**
     * The delivery work item (system worker, PASSIVE_LEVEL): calls the driver only if the request is still
     * presenting and the queue still delivers; a stop in between has already put it back or cancelled it.
     */
    private void deliver(FxRequestImpl r) {
        lock.lock();
        try {
            if (!presenting.contains(r)) {
                return; // taken back by a stop, or cancelled, before it reached the driver
            }
            presenting.remove(r);
            if (!deliverable()) {
                waiting.addFirst(r); // defensive: stops take presenting requests back themselves
                return;
            }
            inDriver.add(r);
            r.delivered = true;
            delivering++;
        } finally {
            lock.unlock();
        }
        try {
            callDriver(r);
        } finally {
            lock.lock();
            try {
                delivering--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void callDriver(FxRequestImpl r) {
        FxDriverImpl d = drv();
        String name = switch (r.requestType()) {
            case WdfRequestTypeRead -> "EvtIoRead";
            case WdfRequestTypeWrite -> "EvtIoWrite";
            case WdfRequestTypeDeviceIoControl -> "EvtIoDeviceControl";
        };
        Runnable call = switch (r.requestType()) {
            case WdfRequestTypeRead -> config.evtIoRead == null ? null : () -> config.evtIoRead.evtIoRead(this, r, r.length);
            case WdfRequestTypeWrite -> config.evtIoWrite == null ? null : () -> config.evtIoWrite.evtIoWrite(this, r, r.length);
            case WdfRequestTypeDeviceIoControl -> config.evtIoDeviceControl == null ? null
                    : () -> config.evtIoDeviceControl.evtIoDeviceControl(this, r, r.output.length, r.input.length, r.ioControlCode);
        };
        if (call == null) {
            r.wdfRequestComplete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            return;
        }
        d.port.callbacks.callRequestVoid(d.name, deviceId(), name, () -> TraceEvent.argMap("queue", label(),
                "request", r.label(), "length", r.length), call);
    }

    /** WdfRequestComplete returned the request (any thread, &lt;= DISPATCH_LEVEL): the next one may be presented. */
    void requestCompleted(FxRequestImpl r) {
        lock.lock();
        try {
            inDriver.remove(r);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dispatch();
    }

    /**
     * WdfRequestStopAcknowledge from EvtIoStop: the request stays with the driver, or with {@code requeue} goes
     * back to the head of the queue, to be delivered again when the queue restarts (or cancelled by a purge).
     */
    void stopAcknowledged(FxRequestImpl r, boolean requeue) {
        lock.lock();
        try {
            r.stopAcknowledged = true;
            if (requeue && inDriver.remove(r)) {
                r.delivered = false;
                waiting.addFirst(r);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public WdfRequest wdfIoQueueRetrieveNextRequest() {
        lock.lock();
        try {
            if (!deliverable()) {
                return null;
            }
            FxRequestImpl r = waiting.poll();
            if (r != null) {
                inDriver.add(r);
                r.delivered = true;
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A power-managed queue starts when its device reaches D0 (spec 3a-8), traced as the framework action
     * {@code * WdfIoQueueStart} (the DDI with the same effect) before any request is delivered; a queue that is not
     * power-managed delivers from its creation and has nothing to start. PnP worker, PASSIVE_LEVEL.
     */
    void start() {
        if (!config.powerManaged) {
            return;
        }
        lock.lock();
        try {
            if (started || purged) {
                return;
            }
            started = true;
            FxDriverImpl d = drv();
            d.port.trace.event(TraceEvent.Kind.PNP, d.name, deviceId(), "WdfIoQueueStart", TraceEvent.argMap("queue", label()));
        } finally {
            lock.unlock();
        }
        dispatch();
    }

    /**
     * Leaving D0 (3b-2, {@code WdfRequestStopActionSuspend}; only for a power-managed queue) or removal (3b-8 and
     * 3b-10, {@code WdfRequestStopActionPurge}): the queue stops delivering; requests presenting but not yet delivered
     * go back to the head of the queue, or on purge are cancelled with everything queued; deliveries already in the
     * driver are waited for; then the framework action is traced ({@code * WdfIoQueueStop} or
     * {@code * WdfIoQueuePurge}), EvtIoStop is called once for every request the driver owns and has not completed,
     * and the framework waits (up to {@code wait}) until each is completed or acknowledged; past that the verifier
     * reports RequestsNotCompletedAtPowerDown (0x9F, as DRIVER_POWER_STATE_FAILURE). PnP worker, PASSIVE_LEVEL;
     * EvtIoStop is called there (&lt;= DISPATCH_LEVEL, Q-4).
     */
    void stop(int action, Duration wait) {
        boolean purge = action == WdfIoQueueConfig.WdfRequestStopActionPurge;
        FxDriverImpl d = drv();
        long deadline = System.nanoTime() + wait.toNanos();
        List<FxRequestImpl> cancelled = new ArrayList<>();
        List<FxRequestImpl> held;
        lock.lock();
        try {
            boolean wasDelivering = deliverable();
            started = false;
            if (purge) {
                purged = true;
                cancelled.addAll(presenting);
                cancelled.addAll(waiting);
                waiting.clear();
            } else {
                List<FxRequestImpl> back = new ArrayList<>(presenting);
                for (int k = back.size() - 1; k >= 0; k--) {
                    waiting.addFirst(back.get(k));
                }
            }
            presenting.clear();
            awaitLocked(() -> delivering == 0, deadline);
            if (purge || wasDelivering) {
                d.port.trace.event(TraceEvent.Kind.PNP, d.name, deviceId(), purge ? "WdfIoQueuePurge" : "WdfIoQueueStop",
                        TraceEvent.argMap("queue", label(), "actionFlags", actionFlags(action)));
            }
            held = new ArrayList<>(inDriver);
        } finally {
            lock.unlock();
        }
        for (FxRequestImpl r : cancelled) {
            r.frameworkComplete(NtStatus.STATUS_CANCELLED);
        }
        for (FxRequestImpl r : held) {
            r.stopAcknowledged = false;
            if (config.evtIoStop != null) {
                evtIoStop(r, action);
            }
        }
        lock.lock();
        try {
            boolean settled = awaitLocked(() -> inDriver.stream().noneMatch(r -> !r.completed() && !r.stopAcknowledged),
                    deadline);
            if (!settled) {
                d.port.verifier.report("RequestsNotCompletedAtPowerDown", 0x9F, d.name, deviceId(),
                        "requests of " + label() + " neither completed nor acknowledged when the device left D0");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * EvtIoStop for one request, unless it is completed: the request's lock is held from that check until EvtIoStop
     * starts, so a completion on another thread either comes first (no EvtIoStop) or waits until EvtIoStop runs.
     */
    private void evtIoStop(FxRequestImpl r, int action) {
        FxDriverImpl d = drv();
        r.lock.lock();
        try {
            if (r.completed()) {
                return;
            }
            // recorded in the trace and entered with the request lock held; the driver runs without it
            d.port.callbacks.callVoid(d.name, deviceId(), "EvtIoStop", TraceEvent.argMap("queue", label(),
                    "request", r.label(), "actionFlags", actionFlags(action)), () -> {
                        r.lock.unlock();
                        config.evtIoStop.evtIoStop(this, r, action);
                    });
        } finally {
            if (r.lock.isHeldByCurrentThread()) {
                r.lock.unlock(); // the driver was not called (isolated by the watchdog)
            }
        }
    }

    private static String actionFlags(int action) {
        return action == WdfIoQueueConfig.WdfRequestStopActionPurge ? "WdfRequestStopActionPurge"
                : "WdfRequestStopActionSuspend";
    }

    /** Waits on {@link #changed} until {@code done} or the deadline; caller holds the lock. @return whether done */
    private boolean awaitLocked(java.util.function.BooleanSupplier done, long deadline) {
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** The framework deletes the queue with its device: anything still queued or presenting is cancelled. */
    @Override
    void onCleanup() {
        List<FxRequestImpl> left;
        lock.lock();
        try {
            purged = true;
            started = false;
            left = new ArrayList<>(presenting);
            left.addAll(waiting);
            presenting.clear();
            waiting.clear();
        } finally {
            lock.unlock();
        }
        left.forEach(r -> r.frameworkComplete(NtStatus.STATUS_CANCELLED));
    }

    /** A cancel from above took the request before it reached the driver. @return whether it was queued or presenting */
    boolean removeUndelivered(FxRequestImpl r) {
        lock.lock();
        try {
            return waiting.remove(r) || presenting.remove(r);
        } finally {
            lock.unlock();
        }
    }

    int waitingCount() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    int inDriverCount() {
        lock.lock();
        try {
            return inDriver.size();
        } finally {
            lock.unlock();
        }
    }
}
