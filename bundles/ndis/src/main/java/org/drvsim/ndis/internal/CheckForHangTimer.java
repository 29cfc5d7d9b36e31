package org.drvsim.ndis.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisStatus;

/**
 * NDIS's check-for-hang and reset operations for one adapter (spec/ndis-lifecycle.md section 9, oracle 7; docs
 * miniport-adapter-check-for-hang-and-reset-operations, nc-ndis-miniport_check_for_hang, nc-ndis-miniport_reset,
 * nf-ndis-ndismresetcomplete).
 *
 * <p>While the adapter is Running, a kernel timer expires every {@link #intervalSeconds interval}; its DPC
 * (DISPATCH_LEVEL, the adapter's processor) queues a work item that calls MiniportCheckForHangEx at PASSIVE_LEVEL on
 * a system worker thread, the level the DDI page gives (the older Compact 2013 page and netvmini's comment say
 * at most DISPATCH_LEVEL; PASSIVE_LEVEL is within both). When it returns TRUE, or when the same OID request has been
 * with the miniport at two successive checks, the work item calls MiniportResetEx(ctx, &amp;AddressingReset) on the
 * same thread and, when it pends, waits for NdisMResetComplete. The timer is re-armed only after the check (and any
 * reset) is done, so two checks are at least one interval apart and none runs during a reset.
 *
 * <p>Choices the documentation leaves open: the timer runs only while the adapter is Running (not during a slow
 * MiniportInitializeEx, which the DDI page allows), and only when the driver registered MiniportCheckForHangEx; the
 * interval is CheckForHangTimeInSeconds rounded <em>up</em> to a multiple of 2 s (0 gives 2 s), so that a driver is
 * never checked sooner than it asked. {@link #stop} is called before MiniportPause, before MiniportHaltEx and on
 * isolation: it cancels the timer and waits for a check or reset in progress, so that NDIS pauses and halts only an
 * adapter that is not being reset. After an addressing reset NDIS restores the packet filter and multicast list
 * with OID requests (spec section 9) — not modelled yet: the reset's AddressingReset is only traced.
 *
 * <p>The clock: one second of CheckForHangTimeInSeconds lasts {@link NdisPort#CHECK_FOR_HANG_MILLIS_PER_SECOND_PROPERTY}
 * milliseconds (1000 unless a test shortens it).
 */
final class CheckForHangTimer {
    /** Checks an OID request may stay with the miniport before NDIS resets it (the DDI page: two successive calls). */
    static final int OID_STALL_CHECKS = 2;

    private final MiniportBlock adapter;
    private final NdisPort port;
    /** Held while MiniportCheckForHangEx or MiniportResetEx (and its completion) run; {@link #stop} waits on it. */
    private final ReentrantLock checking = new ReentrantLock();
    /** Guarded by this: whether checks may run, and the timer set for the next one. */
    private boolean armed;
    private Scheduler.Timer timer;
    private Duration interval;
    /** The OID request seen with the miniport at the last check, and at how many successive checks (work item only). */
    private NdisOidRequest stalledOid;
    private int stalledChecks;
    /** Counted down by NdisMResetComplete while MiniportResetEx is in progress (pending). */
    private volatile CountDownLatch resetComplete;

    CheckForHangTimer(MiniportBlock adapter) {
        this.adapter = adapter;
        this.port = adapter.port;
    }

    /**
     * @param checkForHangTimeInSeconds the adapter's registration attribute
     * @return the seconds between checks: the value rounded up to a multiple of 2, and 2 for 0 (or a negative value)
     */
    static int intervalSeconds(int checkForHangTimeInSeconds) {
        if (checkForHangTimeInSeconds <= 0) {
            return 2;
        }
        return checkForHangTimeInSeconds + (checkForHangTimeInSeconds & 1);
    }

    /** Arms the timer (the adapter has just become Running). PnP worker, PASSIVE_LEVEL. */
    synchronized void start(int checkForHangTimeInSeconds) {
        interval = Duration.ofMillis(intervalSeconds(checkForHangTimeInSeconds) * port.checkForHangMillisPerSecond);
        armed = true;
        stalledOid = null;
        stalledChecks = 0;
        setTimer();
    }

    private void setTimer() {
        timer = port.scheduler.setTimer(adapter.processor, "NDIS check-for-hang timer of " + adapter.instanceId(),
                interval, this::expired);
    }

    /** @return whether the timer is armed: checks will run */
    synchronized boolean armed() {
        return armed;
    }

    /**
     * Cancels the timer and waits until a check or reset in progress has finished (a pended reset until
     * NdisMResetComplete, or until the driver is isolated). PnP worker, PASSIVE_LEVEL, before MiniportPause and
     * MiniportHaltEx.
     *
     * @param wait whether to wait for a check in progress; false on isolation, where the check may be what hung
     */
    void stop(boolean wait) {
        synchronized (this) {
            armed = false;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }
        CountDownLatch r = resetComplete;
        if (!wait) {
            if (r != null) {
                r.countDown();
            }
            return;
        }
        try {
            while (!checking.tryLock(100, TimeUnit.MILLISECONDS)) {
                if (adapter.isolated()) {
                    return;
                }
            }
            checking.unlock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The timer's DPC: DISPATCH_LEVEL on the adapter's processor. Queues the check at PASSIVE_LEVEL. */
    private void expired() {
        synchronized (this) {
            timer = null;
            if (!armed) {
                return;
            }
        }
        port.scheduler.queueWorkItem("NDIS check for hang of " + adapter.instanceId(), this::check);
    }

    /** The work item: PASSIVE_LEVEL on a system worker thread. */
    private void check() {
        checking.lock();
        try {
            synchronized (this) {
                if (!armed) {
                    return; // stopped while the work item was queued: pausing, halting or isolated
                }
            }
            if (adapter.state() != AdapterState.Running || adapter.isolated()) {
                return;
            }
            var chars = adapter.driver.chars;
            Object context = adapter.context();
            Boolean hung = port.call(adapter.driver.name, adapter.instanceId(), "MiniportCheckForHangEx",
                    TraceEvent.argMap(), () -> chars.checkForHangHandlerEx.checkForHangEx(context), Boolean.FALSE);
            String reason = Boolean.TRUE.equals(hung) ? "MiniportCheckForHangEx returned TRUE" : oidStalled();
            if (reason != null && !adapter.isolated()) {
                reset(reason);
            }
        } finally {
            checking.unlock();
            synchronized (this) {
                if (armed && !adapter.halted()) {
                    setTimer();
                }
            }
        }
    }

    /** @return why an OID request counts as hung (with the miniport at {@value #OID_STALL_CHECKS} checks), or null */
    private String oidStalled() {
        NdisOidRequest now = adapter.oidInMiniport();
        if (now == null) {
            stalledOid = null;
            stalledChecks = 0;
            return null;
        }
        stalledChecks = now == stalledOid ? stalledChecks + 1 : 1;
        stalledOid = now;
        if (stalledChecks < OID_STALL_CHECKS) {
            return null;
        }
        stalledOid = null;
        stalledChecks = 0;
        return NdisOid.name(now.oid()) + " (requestId " + now.requestId() + ") still with the miniport after "
                + OID_STALL_CHECKS + " check-for-hang intervals";
    }

    /** MiniportResetEx, and NdisMResetComplete when it pends. Work item thread, PASSIVE_LEVEL. */
    private void reset(String reason) {
        var chars = adapter.driver.chars;
        Object context = adapter.context();
        boolean[] addressingReset = {false};
        CountDownLatch latch = new CountDownLatch(1);
        resetComplete = latch;
        NdisStatus status = port.call(adapter.driver.name, adapter.instanceId(), "MiniportResetEx",
                TraceEvent.argMap("reason", reason),
                () -> chars.resetHandlerEx.resetEx(context, addressingReset), NdisStatus.NDIS_STATUS_HARD_ERRORS);
        if (status == NdisStatus.NDIS_STATUS_PENDING) {
            adapter.await(latch, "NdisMResetComplete");
        } else if (latch.getCount() == 0) {
            port.verifier.report("ResetCompleteWithoutPendingReset", 0xC9, adapter.driver.name, adapter.instanceId(),
                    "NdisMResetComplete called, then MiniportResetEx returned " + status + " instead of PENDING");
        }
        resetComplete = null;
    }

    /**
     * NdisMResetComplete from the miniport (any thread, at most DISPATCH_LEVEL); its status and AddressingReset are in
     * the trace.
     *
     * @return whether a MiniportResetEx was pending
     */
    boolean resetComplete() {
        CountDownLatch l = resetComplete;
        if (l == null || l.getCount() == 0) {
            return false;
        }
        l.countDown();
        return true;
    }
}
