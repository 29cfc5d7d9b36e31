package org.drvsim.wdf.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfInterrupt;
import org.drvsim.wdf.WdfInterruptConfig;
import org.drvsim.wdf.WdfObjectAttributes;

/**
 * WDFINTERRUPT (spec/wdf-lifecycle.md section 5): connected ({@code * IoConnectInterruptEx} in the trace) and
 * enabled at DIRQL after EvtDeviceD0Entry, disabled and disconnected ({@code * IoDisconnectInterruptEx}) before
 * EvtDeviceD0Exit; while connected, a device interrupt runs EvtInterruptIsr at DIRQL on the interrupt's
 * processor, and WdfInterruptQueueDpcForIsr queues EvtInterruptDpc there at DISPATCH_LEVEL. Disconnecting
 * flushes queued DPCs, so no DPC runs after EvtInterruptDisable.
 */
final class FxInterruptImpl extends FxObject implements WdfInterrupt {
    final FxDeviceImpl device;
    final WdfInterruptConfig config;
    final int processor;
    private volatile boolean connected;
    private final AtomicBoolean dpcQueued = new AtomicBoolean();

    FxInterruptImpl(FxDeviceImpl device, WdfInterruptConfig config, WdfObjectAttributes attributes, int processor) {
        super(device.drv(), "WDFINTERRUPT", attributes, device, false);
        this.device = device;
        this.config = config;
        this.processor = processor;
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
     * Connects the interrupt (spec 3a-4): from now on a device interrupt runs EvtInterruptIsr. Traced as the framework
     * action {@code * IoConnectInterruptEx}, the routine the framework calls for it, before EvtInterruptEnable.
     * PnP worker, PASSIVE_LEVEL.
     */
    void connect() {
        connected = true;
        FxDriverImpl d = drv();
        d.port.trace.event(TraceEvent.Kind.PNP, d.name, deviceId(), "IoConnectInterruptEx", TraceEvent.argMap("interrupt", label()));
    }

    /** EvtInterruptEnable at DIRQL, on the PnP worker, after {@link #connect()} (spec 3a-4, IN-3). */
    NtStatus enable() {
        if (config.evtInterruptEnable == null) {
            return NtStatus.STATUS_SUCCESS;
        }
        FxDriverImpl d = drv();
        Irql old = Irql.raise(Irql.DIRQL);
        try {
            return d.port.callbacks.call(d.name, deviceId(), "EvtInterruptEnable", TraceEvent.argMap("interrupt", label()),
                    () -> config.evtInterruptEnable.evtInterruptEnable(this, device), NtStatus.STATUS_UNSUCCESSFUL);
        } finally {
            Irql.lower(old);
        }
    }

    /** EvtInterruptDisable at DIRQL, on the PnP worker (spec 3b-5, IN-3); {@link #disconnect()} follows. */
    void disable() {
        FxDriverImpl d = drv();
        if (config.evtInterruptDisable != null) {
            Irql old = Irql.raise(Irql.DIRQL);
            try {
                d.port.callbacks.call(d.name, deviceId(), "EvtInterruptDisable", TraceEvent.argMap("interrupt", label()),
                        () -> config.evtInterruptDisable.evtInterruptDisable(this, device), NtStatus.STATUS_UNSUCCESSFUL);
            } finally {
                Irql.lower(old);
            }
        }
    }

    /**
     * Disconnects the interrupt (spec 3b-5, FA-3): no ISR runs any more, traced as the framework action
     * {@code * IoDisconnectInterruptEx}; then queued DPCs are flushed, so no EvtInterruptDpc runs afterwards.
     * PnP worker, PASSIVE_LEVEL.
     */
    void disconnect() {
        connected = false;
        FxDriverImpl d = drv();
        d.port.trace.event(TraceEvent.Kind.PNP, d.name, deviceId(), "IoDisconnectInterruptEx", TraceEvent.argMap("interrupt", label()));
        flushDpcs();
    }

    private void flushDpcs() {
        java.util.concurrent.CountDownLatch marker = new java.util.concurrent.CountDownLatch(1);
        drv().port.scheduler.queueDpc(processor, "flush DPCs of " + label(), marker::countDown);
        try {
            marker.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The device asserted its interrupt: EvtInterruptIsr at DIRQL on the interrupt's processor, if connected. */
    void fire(int messageId) {
        if (!connected) {
            return;
        }
        FxDriverImpl d = drv();
        d.port.scheduler.requestInterrupt(processor, "ISR of " + label(), () -> {
            if (!connected) {
                return;
            }
            // a throwing ISR is taken as "not my interrupt" (FALSE)
            d.port.callbacks.callRequest(d.name, deviceId(), "EvtInterruptIsr", () -> TraceEvent.argMap("interrupt",
                    label(), "messageId", messageId), () -> config.evtInterruptIsr.evtInterruptIsr(this, messageId), false);
        });
    }

    @Override
    public boolean wdfInterruptQueueDpcForIsr() {
        if (!dpcQueued.compareAndSet(false, true)) {
            return false;
        }
        FxDriverImpl d = drv();
        d.port.scheduler.queueDpc(processor, "DPC of " + label(), () -> {
            dpcQueued.set(false);
            if (!connected || config.evtInterruptDpc == null) {
                return;
            }
            d.port.callbacks.callRequestVoid(d.name, deviceId(), "EvtInterruptDpc", () -> TraceEvent.argMap("interrupt",
                    label()), () -> config.evtInterruptDpc.evtInterruptDpc(this, device));
        });
        return true;
    }
}
