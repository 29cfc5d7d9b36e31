package org.drvsim.wdf;

/**
 * WDF_IO_QUEUE_DISPATCH_TYPE (wdfio.h): how a queue presents requests to the driver. Documentation:
 * "WDF_IO_QUEUE_DISPATCH_TYPE enumeration (wdfio.h)"; spec/wdf-lifecycle.md section 4.
 */
public enum WdfIoQueueDispatchType {
    WdfIoQueueDispatchInvalid,
    /** One request at a time: the next only after the driver completes (or requeues) the previous one. */
    WdfIoQueueDispatchSequential,
    /** As many requests at once as arrive. */
    WdfIoQueueDispatchParallel,
    /** None: the driver retrieves requests with WdfIoQueueRetrieveNextRequest. */
    WdfIoQueueDispatchManual
}
