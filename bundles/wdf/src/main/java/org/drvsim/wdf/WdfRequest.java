package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ProviderType;

/** WDFREQUEST: one I/O request (read, write or device control) delivered by a queue. */
@ProviderType
public interface WdfRequest extends WdfObject {
    /** @return what the request asks for (WdfRequestGetParameters' Type) */
    WdfRequestType requestType();

    /** @return the requested length in bytes (read/write) */
    long length();

    /** Models WdfRequestRetrieveInputBuffer: the data of a write or the input of a control request. */
    byte[] wdfRequestRetrieveInputBuffer();

    /** Models WdfRequestRetrieveOutputBuffer: where a read or control request's output goes. */
    byte[] wdfRequestRetrieveOutputBuffer();

    /** Models WdfRequestComplete (IRQL &lt;= DISPATCH_LEVEL). Completing twice is a verifier violation. */
    void wdfRequestComplete(NtStatus status);

    /** Models WdfRequestCompleteWithInformation: {@code information} is the bytes transferred. */
    void wdfRequestCompleteWithInformation(NtStatus status, long information);

    /** EvtRequestCancel: at most DISPATCH_LEVEL; the driver completes the request with STATUS_CANCELLED. */
    @org.osgi.annotation.versioning.ConsumerType @FunctionalInterface
    interface EvtRequestCancel { void evtRequestCancel(WdfRequest request); }

    /**
     * Models WdfRequestMarkCancelableEx: while marked, cancelling the I/O calls {@code cancelRoutine}.
     *
     * @return STATUS_SUCCESS, or STATUS_CANCELLED (not marked) when the request was already cancelled
     */
    NtStatus wdfRequestMarkCancelableEx(EvtRequestCancel cancelRoutine);

    /**
     * Models WdfRequestUnmarkCancelable.
     *
     * @return STATUS_SUCCESS, or STATUS_CANCELLED when the cancel routine has been or is being called
     */
    NtStatus wdfRequestUnmarkCancelable();

    /** Models WdfRequestIsCanceled. */
    boolean wdfRequestIsCanceled();

    /** Models WdfRequestStopAcknowledge from EvtIoStop: the request stays with the driver (or is requeued). */
    void wdfRequestStopAcknowledge(boolean requeue);
}
