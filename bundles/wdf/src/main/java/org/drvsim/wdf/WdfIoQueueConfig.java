package org.drvsim.wdf;

import org.osgi.annotation.versioning.ConsumerType;

/** WDF_IO_QUEUE_CONFIG (spec/wdf-lifecycle.md section 4). */
public final class WdfIoQueueConfig {
    /** WdfRequestStopActionSuspend. */
    public static final int WdfRequestStopActionSuspend = 0x1;
    /** WdfRequestStopActionPurge. */
    public static final int WdfRequestStopActionPurge = 0x2;

    /** EvtIoRead: at most DISPATCH_LEVEL; {@code length} is the bytes to read. */
    @ConsumerType @FunctionalInterface
    public interface EvtIoRead { void evtIoRead(WdfQueue queue, WdfRequest request, long length); }

    /** EvtIoWrite: at most DISPATCH_LEVEL; {@code length} is the bytes to write. */
    @ConsumerType @FunctionalInterface
    public interface EvtIoWrite { void evtIoWrite(WdfQueue queue, WdfRequest request, long length); }

    /** EvtIoDeviceControl: at most DISPATCH_LEVEL. */
    @ConsumerType @FunctionalInterface
    public interface EvtIoDeviceControl {
        void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength, long inputBufferLength, int ioControlCode);
    }

    /** EvtIoStop: once per delivered, uncompleted request when the device leaves D0 (Suspend) or is removed (Purge). */
    @ConsumerType @FunctionalInterface
    public interface EvtIoStop { void evtIoStop(WdfQueue queue, WdfRequest request, int actionFlags); }

    public WdfIoQueueDispatchType dispatchType = WdfIoQueueDispatchType.WdfIoQueueDispatchSequential;
    /** PowerManaged: true unless the driver says otherwise (WdfUseDefault for a function driver). */
    public boolean powerManaged = true;
    /** Whether this is the device's default queue. */
    public boolean defaultQueue;
    public EvtIoRead evtIoRead;
    public EvtIoWrite evtIoWrite;
    public EvtIoDeviceControl evtIoDeviceControl;
    public EvtIoStop evtIoStop;

    /** WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE. */
    public static WdfIoQueueConfig defaultQueue(WdfIoQueueDispatchType dispatchType) {
        WdfIoQueueConfig c = new WdfIoQueueConfig();
        c.dispatchType = dispatchType;
        c.defaultQueue = true;
        return c;
    }
}
