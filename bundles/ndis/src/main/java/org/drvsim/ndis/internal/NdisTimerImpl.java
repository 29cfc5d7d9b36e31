package org.drvsim.ndis.internal;

import java.time.Duration;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisTimer;

/** An NDIS timer object: a kernel timer whose DPC runs the miniport's timer function. */
final class NdisTimerImpl implements NdisTimer {
    private final MiniportBlock adapter;
    private final String name;
    private final Runnable function;
    private Scheduler.Timer current;
    private boolean freed;

    NdisTimerImpl(MiniportBlock adapter, String name, Runnable function) {
        this.adapter = adapter;
        this.name = name;
        this.function = function;
    }

    @Override
    public synchronized boolean ndisSetTimerObject(Duration dueTime) {
        adapter.port.checkIrql(adapter.driver.name, adapter.instanceId(), "NdisSetTimerObject", Irql.DISPATCH_LEVEL);
        if (adapter.port.trace.ioTracing()) { // timers re-armed per request are per-request events
            adapter.port.trace.ddi(adapter.driver.name, adapter.instanceId(), "NdisSetTimerObject",
                    TraceEvent.argMap("timer", name, "dueTimeMicroseconds", dueTime.toNanos() / 1000));
        }
        if (!adapter.alive("NdisSetTimerObject")) {
            return false; // after MiniportHaltEx: ignored, and the timer function never runs
        }
        if (freed) {
            throw new IllegalStateException("NdisSetTimerObject on freed timer '" + name + "' of " + adapter.instanceId());
        }
        boolean wasQueued = current != null && current.cancel();
        current = adapter.port.scheduler.setTimer(adapter.processor, name, dueTime, this::fire);
        return wasQueued;
    }

    private void fire() {
        synchronized (this) {
            current = null;
            if (freed || adapter.halted()) {
                return; // freed, or its adapter halted meanwhile: NDIS runs no timer function after MiniportHaltEx
            }
        }
        // NDIS_TIMER_FUNCTION (NetTimerCallback): driver code at DISPATCH_LEVEL, under the one rule
        adapter.port.callbacks().callRequestVoid(adapter.driver.name, adapter.instanceId(), "NetTimerCallback",
                () -> TraceEvent.argMap("timer", name), function);
    }

    @Override
    public synchronized boolean ndisCancelTimerObject() {
        adapter.port.checkIrql(adapter.driver.name, adapter.instanceId(), "NdisCancelTimerObject", Irql.DISPATCH_LEVEL);
        adapter.port.trace.ddi(adapter.driver.name, adapter.instanceId(), "NdisCancelTimerObject",
                TraceEvent.argMap("timer", name));
        boolean cancelled = current != null && current.cancel();
        current = null;
        return cancelled;
    }

    @Override
    public void ndisFreeTimerObject() {
        adapter.port.checkIrql(adapter.driver.name, adapter.instanceId(), "NdisFreeTimerObject", Irql.PASSIVE_LEVEL);
        adapter.port.trace.ddi(adapter.driver.name, adapter.instanceId(), "NdisFreeTimerObject",
                TraceEvent.argMap("timer", name));
        cancelSilently();
        adapter.timerFreed(this);
    }

    synchronized void cancelSilently() {
        if (current != null) {
            current.cancel();
            current = null;
        }
        freed = true;
    }
}
