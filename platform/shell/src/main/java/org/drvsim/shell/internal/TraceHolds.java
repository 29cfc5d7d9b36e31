package org.drvsim.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;

/**
 * The holds of {@code trace:hold}: a breakpoint on a driver callback's entry that lets another event happen first.
 * A hold is one-shot. The next time the callback it names is called (its trace event is recorded, before the driver's
 * routine runs) on a device whose instance ID contains the hold's device text, the thread making the call waits until
 * an event with the hold's {@code until} name is recorded for that device, on any thread, or until the hold's timeout.
 * Both moments are recorded as {@code * TraceHold} events. This makes an interleaving that the scheduler rarely
 * produces certain, for example an interrupt preempting MiniportHaltEx
 * (spec/seeds/ndis-halting-a-miniport-adapter.md). A held routine counts against the driver watchdog's limits like
 * any slow routine.
 *
 * <p>Thread-safe. The wait happens on the thread that records the callback's trace event, outside the trace's lock.
 */
final class TraceHolds implements AutoCloseable {
    /** The trace event that marks a hold's start and end. */
    static final String HOLD_EVENT = "TraceHold";
    /** The longest hold, in milliseconds: below the watchdog's 30 s limit for PASSIVE_LEVEL routines. */
    static final long MAX_TIMEOUT_MILLIS = 20_000;
    /** The hold's timeout when none is given, in milliseconds. */
    static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

    /**
     * An armed hold.
     *
     * @param callback      the callback whose entry holds, such as MiniportHaltEx
     * @param until         the event that ends the hold, such as MiniportInterrupt
     * @param device        text the device instance ID must contain (case-insensitive); empty for any device
     * @param timeoutMillis how long the callback waits at most, 1 to {@value #MAX_TIMEOUT_MILLIS} ms
     */
    record Hold(String callback, String until, String device, long timeoutMillis) {
        @Override
        public String toString() {
            return callback + " until " + until + (device.isEmpty() ? "" : " on devices containing '" + device + "'")
                    + ", at most " + timeoutMillis + " ms";
        }
    }

    /*
     * Armed and Waiting are plain classes, compared by identity: a record's equals is linked at its first call
     * (invokedynamic), and that first call came on the held thread, between the callback's entry and the held
     * event, some 20 to 45 ms in which other processors' events went on.
     */

    /** A hold armed and not yet used. */
    private static final class Armed {
        final Hold hold;

        Armed(Hold hold) {
            this.hold = hold;
        }
    }

    /** A callback held: which hold, on which device, and the event that released it. */
    private static final class Waiting {
        final Hold hold;
        final String deviceId;
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicReference<TraceEvent> by = new AtomicReference<>();

        Waiting(Hold hold, String deviceId) {
            this.hold = hold;
            this.deviceId = deviceId;
        }
    }

    private final Trace trace;
    private final List<Armed> armed = new CopyOnWriteArrayList<>();
    private final List<Waiting> waiting = new CopyOnWriteArrayList<>();
    private final AutoCloseable subscription;

    TraceHolds(Trace trace) {
        this.trace = trace;
        this.subscription = trace.subscribe(this::recorded);
    }

    /** Arms a hold. */
    void arm(Hold hold) {
        armed.add(new Armed(hold));
    }

    /** @return the holds armed and not yet used */
    List<Hold> armed() {
        List<Hold> holds = new ArrayList<>();
        for (Armed a : armed) {
            holds.add(a.hold);
        }
        return holds;
    }

    /** Disarms every hold and lets every held callback go on. @return how many were armed */
    int clear() {
        int n = armed.size();
        armed.clear();
        for (Waiting w : waiting) {
            w.released.countDown();
        }
        return n;
    }

    private void recorded(TraceEvent e) {
        if (e.name().equals(HOLD_EVENT)) {
            return;
        }
        for (Waiting w : waiting) {
            if (e.name().equals(w.hold.until()) && e.device().equalsIgnoreCase(w.deviceId)) {
                w.by.compareAndSet(null, e);
                w.released.countDown();
            }
        }
        if (e.kind() != TraceEvent.Kind.CALLBACK) {
            return;
        }
        for (Armed a : armed) {
            Hold h = a.hold;
            if (h.callback().equals(e.name())
                    && e.device().toLowerCase(Locale.ROOT).contains(h.device().toLowerCase(Locale.ROOT))
                    && armed.remove(a)) {
                hold(h, e);
                return;
            }
        }
    }

    private void hold(Hold h, TraceEvent at) {
        Waiting w = new Waiting(h, at.device());
        waiting.add(w);
        trace.event(TraceEvent.Kind.PNP, at.driver(), at.device(), HOLD_EVENT,
                TraceEvent.argMap("held", at.name(), "until", h.until(), "timeoutMillis", h.timeoutMillis()));
        boolean released = false;
        try {
            released = w.released.await(h.timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.remove(w);
        }
        TraceEvent by = w.by.get();
        // a StringBuilder, not +: string concatenation is linked at its first use too
        String why = !released ? "timeout" : by == null ? "trace:hold --clear"
                : new StringBuilder(by.name()).append(" (seq ").append(by.seq()).append(')').toString();
        trace.event(TraceEvent.Kind.PNP, at.driver(), at.device(), HOLD_EVENT, TraceEvent.argMap("released", at.name(),
                "by", why));
    }

    @Override
    public void close() throws Exception {
        clear();
        subscription.close();
    }
}
