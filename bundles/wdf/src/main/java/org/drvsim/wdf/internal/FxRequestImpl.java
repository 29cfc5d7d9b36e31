package org.drvsim.wdf.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfRequest;
import org.drvsim.wdf.WdfRequestType;

/**
 * WDFREQUEST: completed exactly once (spec/wdf-lifecycle.md Q-8); its completion reaches the submitter's future.
 * Its state (completed, cancelled, the cancel routine) is guarded by {@link #lock}, the simulation's request lock,
 * which any thread may take at IRQL &lt;= DISPATCH_LEVEL: the driver completing it on its own thread, the framework
 * purging or cancelling it, and the queue checking it is still uncompleted right up to the moment EvtIoStop starts
 * ({@link FxQueueImpl}), so EvtIoStop never reaches a request whose WdfRequestComplete has returned. Whether the
 * request reached the driver ({@link #delivered}) is written by its queue under the queue's lock.
 */
final class FxRequestImpl extends FxObject implements WdfRequest {
    /** What the submitter gets back. */
    record Completion(NtStatus status, long information, byte[] output) {
    }

    final FxQueueImpl queue;
    final WdfRequestType requestType;
    final long length;
    final byte[] input;
    final byte[] output;
    final CompletableFuture<Completion> done = new CompletableFuture<>();
    /** The request lock; never held while the driver runs, except from the framework's check to EvtIoStop's entry. */
    final ReentrantLock lock = new ReentrantLock();
    private boolean completed;
    /** Set by the queue when EvtIoRead/Write/DeviceControl is about to run, or WdfIoQueueRetrieveNextRequest returns it. */
    volatile boolean delivered;
    /** The driver called WdfRequestStopAcknowledge since the queue's last EvtIoStop for it. */
    volatile boolean stopAcknowledged;
    private boolean cancelled;
    private EvtRequestCancel cancelRoutine;

    /** The I/O control code of a device-control request (IOCTL), else 0. */
    final int ioControlCode;

    FxRequestImpl(FxQueueImpl queue, WdfRequestType type, long length, byte[] input, byte[] output) {
        this(queue, type, length, input, output, 0);
    }

    FxRequestImpl(FxQueueImpl queue, WdfRequestType type, long length, byte[] input, byte[] output, int ioControlCode) {
        super(queue.drv(), "WDFREQUEST", null, null, false);
        this.ioControlCode = ioControlCode;
        this.queue = queue;
        this.requestType = type;
        this.length = length;
        this.input = input;
        this.output = output;
    }

    @Override
    String deviceId() {
        return queue.device.instanceId();
    }

    @Override public WdfRequestType requestType() { return requestType; }
    @Override public long length() { return length; }
    @Override public byte[] wdfRequestRetrieveInputBuffer() { return input; }
    @Override public byte[] wdfRequestRetrieveOutputBuffer() { return output; }

    @Override
    public void wdfRequestComplete(NtStatus status) {
        wdfRequestCompleteWithInformation(status, 0);
    }

    @Override
    public void wdfRequestCompleteWithInformation(NtStatus status, long information) {
        FxDriverImpl d = drv();
        d.port.callbacks.checkIrql(d.name, deviceId(), "WdfRequestComplete", Irql.DISPATCH_LEVEL);
        if (d.port.trace.ioTracing()) {
            d.port.trace.ddi(d.name, deviceId(), "WdfRequestComplete", TraceEvent.argMap("request", label(),
                    "status", status, "information", information));
        }
        lock.lock();
        try {
            if (completed) {
                d.port.verifier.report("WdfRequestCompletedTwice", 0x10D, d.name, deviceId(),
                        "WdfRequestComplete on " + label() + ", which is already completed");
                return;
            }
            completed = true;
        } finally {
            lock.unlock();
        }
        queue.requestCompleted(this);
        done.complete(new Completion(status, information, output));
    }

    /** The framework completes a request that never reached the driver (purge, removal). */
    void frameworkComplete(NtStatus status) {
        lock.lock();
        try {
            if (completed) {
                return;
            }
            completed = true;
        } finally {
            lock.unlock();
        }
        done.complete(new Completion(status, 0, output));
    }

    boolean completed() {
        lock.lock();
        try {
            return completed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NtStatus wdfRequestMarkCancelableEx(EvtRequestCancel routine) {
        FxDriverImpl d = drv();
        NtStatus s;
        lock.lock();
        try {
            s = cancelled ? NtStatus.STATUS_CANCELLED : NtStatus.STATUS_SUCCESS;
            if (!cancelled) {
                cancelRoutine = routine;
            }
        } finally {
            lock.unlock();
        }
        d.port.trace.ddi(d.name, deviceId(), "WdfRequestMarkCancelableEx", TraceEvent.argMap("request", label(), "status", s));
        return s;
    }

    @Override
    public NtStatus wdfRequestUnmarkCancelable() {
        FxDriverImpl d = drv();
        NtStatus s;
        lock.lock();
        try {
            s = cancelRoutine == null && cancelled ? NtStatus.STATUS_CANCELLED : NtStatus.STATUS_SUCCESS;
            cancelRoutine = null;
        } finally {
            lock.unlock();
        }
        d.port.trace.ddi(d.name, deviceId(), "WdfRequestUnmarkCancelable", TraceEvent.argMap("request", label(), "status", s));
        return s;
    }

    @Override
    public boolean wdfRequestIsCanceled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The I/O is cancelled from above (CancelIoEx): a request still queued is completed by the framework with
     * STATUS_CANCELLED (also one already dispatched to a delivery work item that has not yet reached the driver);
     * one the driver marked cancelable gets EvtRequestCancel (on a worker, at PASSIVE_LEVEL); one the driver holds
     * unmarked is only flagged ({@link #wdfRequestIsCanceled()}).
     */
    void cancel() {
        EvtRequestCancel routine;
        lock.lock();
        try {
            if (completed || cancelled) {
                return;
            }
            cancelled = true;
            routine = cancelRoutine;
            cancelRoutine = null;
        } finally {
            lock.unlock();
        }
        if (!delivered) {
            if (queue.removeUndelivered(this)) {
                frameworkComplete(NtStatus.STATUS_CANCELLED);
            }
            return;
        }
        if (routine != null) {
            FxDriverImpl d = drv();
            d.port.scheduler.queueWorkItem("EvtRequestCancel", () -> d.port.callbacks.callVoid(d.name, deviceId(),
                    "EvtRequestCancel", TraceEvent.argMap("request", label()), () -> routine.evtRequestCancel(this)));
        }
    }

    @Override
    public void wdfRequestStopAcknowledge(boolean requeue) {
        FxDriverImpl d = drv();
        d.port.trace.ddi(d.name, deviceId(), "WdfRequestStopAcknowledge", TraceEvent.argMap("request", label(),
                "requeue", requeue));
        queue.stopAcknowledged(this, requeue);
    }
}
