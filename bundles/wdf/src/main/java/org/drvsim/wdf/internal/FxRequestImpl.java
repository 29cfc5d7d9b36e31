package org.drvsim.wdf.internal;

import java.util.concurrent.CompletableFuture;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfRequest;
import org.drvsim.wdf.WdfRequestType;

/** WDFREQUEST: completed exactly once (spec Q-8); its completion reaches the submitter's future. */
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
    private boolean completed;
    volatile boolean delivered;
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
        synchronized (this) {
            if (completed) {
                d.port.verifier.report("WdfRequestCompletedTwice", 0x10D, d.name, deviceId(),
                        "WdfRequestComplete on " + label() + ", which is already completed");
                return;
            }
            completed = true;
        }
        queue.requestCompleted(this);
        done.complete(new Completion(status, information, output));
    }

    /** The framework completes a request that never reached the driver (purge, removal). */
    void frameworkComplete(NtStatus status) {
        synchronized (this) {
            if (completed) {
                return;
            }
            completed = true;
        }
        done.complete(new Completion(status, 0, output));
    }

    synchronized boolean completed() {
        return completed;
    }

    @Override
    public NtStatus wdfRequestMarkCancelableEx(EvtRequestCancel routine) {
        FxDriverImpl d = drv();
        NtStatus s;
        synchronized (this) {
            s = cancelled ? NtStatus.STATUS_CANCELLED : NtStatus.STATUS_SUCCESS;
            if (!cancelled) {
                cancelRoutine = routine;
            }
        }
        d.port.trace.ddi(d.name, deviceId(), "WdfRequestMarkCancelableEx", TraceEvent.argMap("request", label(), "status", s));
        return s;
    }

    @Override
    public NtStatus wdfRequestUnmarkCancelable() {
        FxDriverImpl d = drv();
        NtStatus s;
        synchronized (this) {
            s = cancelRoutine == null && cancelled ? NtStatus.STATUS_CANCELLED : NtStatus.STATUS_SUCCESS;
            cancelRoutine = null;
        }
        d.port.trace.ddi(d.name, deviceId(), "WdfRequestUnmarkCancelable", TraceEvent.argMap("request", label(), "status", s));
        return s;
    }

    @Override
    public synchronized boolean wdfRequestIsCanceled() {
        return cancelled;
    }

    /**
     * The I/O is cancelled from above (CancelIoEx): a request still queued is completed by the framework with
     * STATUS_CANCELLED; one the driver marked cancelable gets EvtRequestCancel (on a worker, at PASSIVE_LEVEL);
     * one the driver holds unmarked is only flagged ({@link #wdfRequestIsCanceled()}).
     */
    void cancel() {
        EvtRequestCancel routine;
        synchronized (this) {
            if (completed || cancelled) {
                return;
            }
            cancelled = true;
            routine = cancelRoutine;
            cancelRoutine = null;
        }
        if (!delivered) {
            if (queue.removeWaiting(this)) {
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
        stopAcknowledged = true;
        queue.stopAcknowledged(this);
    }
}
