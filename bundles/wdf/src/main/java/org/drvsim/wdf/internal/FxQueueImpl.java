package org.drvsim.wdf.internal;

import org.drvsim.wdf.WdfIoQueueDispatchType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfRequest;

/**
 * WDFQUEUE (spec/wdf-lifecycle.md section 4): sequential, parallel or manual dispatch; a power-managed queue
 * delivers only while its device is in D0. Requests are delivered on a system worker thread (PASSIVE_LEVEL,
 * within the documented "at most DISPATCH_LEVEL").
 */
final class FxQueueImpl extends FxObject implements WdfQueue {
    final FxDeviceImpl device;
    final WdfIoQueueConfig config;
    private final ArrayDeque<FxRequestImpl> waiting = new ArrayDeque<>();
    private final Set<FxRequestImpl> inDriver = new LinkedHashSet<>();
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
     * The watchdog isolated the driver: every request waiting or with the driver is completed by the framework with
     * STATUS_CANCELLED (the driver is not called), and the queue takes no more.
     */
    void isolate() {
        List<FxRequestImpl> all;
        synchronized (this) {
            purged = true;
            all = new ArrayList<>(waiting);
            all.addAll(inDriver);
            waiting.clear();
            inDriver.clear();
        }
        for (FxRequestImpl r : all) {
            r.frameworkComplete(NtStatus.STATUS_CANCELLED);
        }
    }

    /** A request arrives from above. */
    void submit(FxRequestImpl r) {
        synchronized (this) {
            if (purged) {
                r.frameworkComplete(NtStatus.STATUS_CANCELLED);
                return;
            }
            waiting.add(r);
        }
        dispatch();
    }

    private boolean deliverable() {
        return started || !config.powerManaged;
    }

    /** Delivers what the dispatch type allows, on a worker thread. */
    void dispatch() {
        if (config.dispatchType == WdfIoQueueDispatchType.WdfIoQueueDispatchManual) {
            return;
        }
        List<FxRequestImpl> deliver = new ArrayList<>();
        synchronized (this) {
            while (deliverable() && !purged && !waiting.isEmpty()
                    && (config.dispatchType == WdfIoQueueDispatchType.WdfIoQueueDispatchParallel || inDriver.isEmpty())) {
                FxRequestImpl r = waiting.poll();
                inDriver.add(r);
                deliver.add(r);
                if (config.dispatchType == WdfIoQueueDispatchType.WdfIoQueueDispatchSequential) {
                    break;
                }
            }
        }
        for (FxRequestImpl r : deliver) {
            drv().port.scheduler.queueWorkItem("WDF queue delivery", () -> deliver(r));
        }
    }

    private void deliver(FxRequestImpl r) {
        r.delivered = true;
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

    void requestCompleted(FxRequestImpl r) {
        synchronized (this) {
            inDriver.remove(r);
            notifyAll();
        }
        dispatch();
    }

    void stopAcknowledged(FxRequestImpl r) {
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public WdfRequest wdfIoQueueRetrieveNextRequest() {
        synchronized (this) {
            if (!deliverable() || purged) {
                return null;
            }
            FxRequestImpl r = waiting.poll();
            if (r != null) {
                inDriver.add(r);
                r.delivered = true;
            }
            return r;
        }
    }

    /** Power-managed queues start when the device reaches D0 (spec 3a-8). */
    void start() {
        synchronized (this) {
            started = true;
        }
        dispatch();
    }

    /**
     * Leaving D0 (3b-2) or removal (3b-8, Purge): EvtIoStop for every request the driver holds, then wait (up to
     * {@code wait}) until each is completed or acknowledged; on purge, waiting requests are cancelled.
     */
    void stop(int action, Duration wait) {
        List<FxRequestImpl> held;
        List<FxRequestImpl> cancelled = new ArrayList<>();
        synchronized (this) {
            started = false;
            if (action == WdfIoQueueConfig.WdfRequestStopActionPurge) {
                purged = true;
                cancelled.addAll(waiting);
                waiting.clear();
            }
            held = new ArrayList<>(inDriver);
        }
        for (FxRequestImpl r : cancelled) {
            r.frameworkComplete(NtStatus.STATUS_CANCELLED);
        }
        FxDriverImpl d = drv();
        for (FxRequestImpl r : held) {
            if (config.evtIoStop != null && !r.completed()) {
                d.port.callbacks.callVoid(d.name, deviceId(), "EvtIoStop", TraceEvent.argMap("queue", label(),
                        "request", r.label(), "actionFlags", action == WdfIoQueueConfig.WdfRequestStopActionPurge
                                ? "WdfRequestStopActionPurge" : "WdfRequestStopActionSuspend"),
                        () -> config.evtIoStop.evtIoStop(this, r, action));
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            while (inDriver.stream().anyMatch(r -> !r.completed() && !r.stopAcknowledged)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    d.port.verifier.report("RequestsNotCompletedAtPowerDown", 0x9F, d.name, deviceId(),
                            "requests of " + label() + " neither completed nor acknowledged when the device left D0");
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    /** The framework deletes the queue with its device: anything still waiting is cancelled. */
    @Override
    void onCleanup() {
        List<FxRequestImpl> left;
        synchronized (this) {
            purged = true;
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        left.forEach(r -> r.frameworkComplete(NtStatus.STATUS_CANCELLED));
    }

    /** @return whether the request was still waiting (and now is not) */
    synchronized boolean removeWaiting(FxRequestImpl r) {
        return waiting.remove(r);
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    synchronized int inDriverCount() {
        return inDriver.size();
    }
}
