package org.drvsim.ndis.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisInterruptHandle;
import org.drvsim.ndis.NdisInterruptType;
import org.drvsim.ndis.NdisMiniportInterruptCharacteristics;
import org.drvsim.nt.Irql;

/**
 * An interrupt registered with NdisMRegisterInterruptEx, over the kernel's interrupt connection
 * ({@code DeviceResources.connectInterrupt}, IoConnectInterruptEx).
 *
 * <p>When the device asserts its interrupt, NDIS requests the interrupt on the adapter's simulated processor: there
 * MiniportInterrupt (or MiniportMessageInterrupt) runs at DIRQL, under the interrupt's spin lock ({@link #isrLock},
 * which NdisMSynchronizeWithInterruptEx takes too). It may run while MiniportHaltEx runs on the PnP worker, until HaltEx
 * deregisters the interrupt (spec/seeds/ndis-halting-a-miniport-adapter.md). The DPCs the ISR asks for run
 * MiniportInterruptDPC at DISPATCH_LEVEL, each under the read side of {@link #dpcGate}.
 *
 * <p>NdisMDeregisterInterruptEx sets {@link #deregistered} under the spin lock (waiting for an ISR that runs) and under
 * the write side of the DPC gate (waiting for every DPC that runs), and records its trace event only then: an ISR or
 * DPC that starts later finds the flag and does not call the driver, so no MiniportInterrupt or MiniportInterruptDPC
 * follows NdisMDeregisterInterruptEx in the trace (nf-ndis-ndismderegisterinterruptex). Every call into the driver goes
 * through the port's {@code Callbacks}.
 *
 * @param <I> the miniport interrupt context type
 */
final class NdisInterruptImpl<I> implements NdisInterruptHandle {
    /** How long deregistration waits for a running ISR or DPC before it gives up on an isolated driver. */
    private static final long WAIT_STEP_MILLIS = 100;

    private final AdapterHardware hw;
    private final I context;
    private final NdisMiniportInterruptCharacteristics<I> chars;
    private final boolean messageBased;
    private final int vector;
    /** The interrupt spin lock: held while the ISR or a MiniportSynchronizeInterrupt runs. */
    private final ReentrantLock isrLock = new ReentrantLock();
    /** DPCs hold the read side while they run; deregistration takes the write side. */
    private final ReentrantReadWriteLock dpcGate = new ReentrantReadWriteLock();
    private volatile boolean deregistered;
    private volatile AutoCloseable connection;

    NdisInterruptImpl(AdapterHardware hw, I context, NdisMiniportInterruptCharacteristics<I> chars, boolean messageBased,
                      int vector) {
        this.hw = hw;
        this.context = context;
        this.chars = chars;
        this.messageBased = messageBased;
        this.vector = vector;
    }

    @Override
    public NdisInterruptType interruptType() {
        return messageBased ? NdisInterruptType.NDIS_CONNECT_MESSAGE_BASED : NdisInterruptType.NDIS_CONNECT_LINE_BASED;
    }

    private NdisPort port() {
        return hw.adapter.port;
    }

    private String driver() {
        return hw.adapter.driver.name;
    }

    private String device() {
        return hw.adapter.instanceId();
    }

    /** IoConnectInterruptEx: from now on the device's interrupt reaches {@link #fire}. */
    void connect() {
        connection = hw.resources().connectInterrupt(v -> fire(0));
    }

    /** The device asserted its interrupt (on the device's thread): the ISR runs on the adapter's processor at DIRQL. */
    void fire(int messageId) {
        if (deregistered) {
            return;
        }
        int processor = hw.adapter.processor;
        port().scheduler.requestInterrupt(processor, (messageBased ? "MiniportMessageInterrupt of " : "MiniportInterrupt of ")
                + device(), () -> isr(messageId));
    }

    /** On a processor's thread at DIRQL. */
    private void isr(int messageId) {
        if (deregistered) {
            return;
        }
        if (!lockOrGiveUp(isrLock)) {
            return;
        }
        boolean[] queueDefault = {false};
        int[] targets = {0};
        try {
            if (deregistered) {
                return; // deregistered while this ISR waited for the spin lock
            }
            if (messageBased) {
                port().callbacks().callRequest(driver(), device(), "MiniportMessageInterrupt",
                        () -> TraceEvent.argMap("messageId", messageId),
                        () -> chars.messageInterruptHandler.messageInterrupt(context, messageId, queueDefault, targets), false);
            } else {
                port().callbacks().callRequest(driver(), device(), "MiniportInterrupt", TraceEvent::argMap,
                        () -> chars.interruptHandler.interrupt(context, queueDefault, targets), false);
            }
        } finally {
            isrLock.unlock();
        }
        // whatever the ISR returned (nc-ndis-miniport_isr): the default DPC on this processor, else the target processors
        int count = port().scheduler.processorCount();
        if (queueDefault[0]) {
            queueDpc(port().scheduler.currentProcessor(), messageId);
        } else {
            for (int p = 0; p < Math.min(count, 32); p++) {
                if ((targets[0] & (1 << p)) != 0) {
                    queueDpc(p, messageId);
                }
            }
        }
    }

    private void queueDpc(int processor, int messageId) {
        String name = messageBased ? "MiniportMessageInterruptDPC" : "MiniportInterruptDPC";
        port().scheduler.queueDpc(processor, name + " of " + device(), () -> dpc(name, messageId));
    }

    /** On a processor's thread at DISPATCH_LEVEL. */
    private void dpc(String name, int messageId) {
        if (deregistered) {
            return;
        }
        Lock gate = dpcGate.readLock();
        gate.lock(); // never waits long: the write side is held only to set the flag
        try {
            if (deregistered) {
                return;
            }
            if (messageBased) {
                port().callbacks().callRequestVoid(driver(), device(), name, () -> TraceEvent.argMap("messageId", messageId),
                        () -> chars.messageInterruptDpcHandler.messageInterruptDpc(context, messageId, null));
            } else {
                port().callbacks().callRequestVoid(driver(), device(), name, TraceEvent::argMap,
                        () -> chars.interruptDpcHandler.interruptDpc(context, null));
            }
        } finally {
            gate.unlock();
        }
    }

    /**
     * NDIS's diagnostic call of MiniportDisableInterruptEx or MiniportEnableInterruptEx (for a message-signalled
     * interrupt MiniportDisableMessageInterrupt or MiniportEnableMessageInterrupt, message 0): on the adapter's
     * simulated processor at DIRQL, under the interrupt's spin lock, as NDIS calls them "for diagnostic and
     * troubleshooting purposes" (nc-ndis-miniport_disable_interrupt, nc-ndis-miniport_enable_interrupt). Waits until
     * the handler has run. Any thread but a simulated processor's.
     *
     * @param enable true for the enable handler, false for the disable handler
     * @return the WDK name of the handler called, or null if the interrupt was deregistered (nothing was called)
     * @throws InterruptedException if the waiting thread was interrupted (the request may still run)
     * @throws IllegalStateException if the handler did not return within 30 s (the watchdog isolates a hung one), or
     *                               the driver was isolated while the call waited for the interrupt's spin lock
     */
    String diagnosticControl(boolean enable) throws InterruptedException {
        String name = messageBased ? (enable ? "MiniportEnableMessageInterrupt" : "MiniportDisableMessageInterrupt")
                : (enable ? "MiniportEnableInterruptEx" : "MiniportDisableInterruptEx");
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean called = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
        port().scheduler.requestInterrupt(hw.adapter.processor, name + " of " + device(), () -> {
            try {
                if (deregistered) {
                    return;
                }
                if (!lockOrGiveUp(isrLock)) {
                    gaveUp.set(true); // the driver was isolated while its ISR held the lock
                    return;
                }
                try {
                    if (deregistered) {
                        return;
                    }
                    called.set(true);
                    if (messageBased) {
                        NdisMiniportInterruptCharacteristics.MessageInterruptControlHandler<I> h =
                                enable ? chars.enableMessageInterruptHandler : chars.disableMessageInterruptHandler;
                        port().callbacks().callRequestVoid(driver(), device(), name,
                                () -> TraceEvent.argMap("messageId", 0), () -> h.control(context, 0));
                    } else {
                        NdisMiniportInterruptCharacteristics.InterruptControlHandler<I> h =
                                enable ? chars.enableInterruptHandler : chars.disableInterruptHandler;
                        port().callbacks().callRequestVoid(driver(), device(), name, TraceEvent::argMap,
                                () -> h.control(context));
                    }
                } finally {
                    isrLock.unlock();
                }
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " of " + driver() + " on " + device() + " did not return within 30 s");
        }
        if (gaveUp.get()) {
            throw new IllegalStateException(name + " of " + driver() + " on " + device()
                    + " was not called: the driver was isolated while its interrupt's spin lock was held");
        }
        return called.get() ? name : null;
    }

    @Override
    public void ndisMDeregisterInterruptEx() {
        port().checkIrql(driver(), device(), "NdisMDeregisterInterruptEx", Irql.PASSIVE_LEVEL);
        if (deregistered) {
            port().trace.ddi(driver(), device(), "NdisMDeregisterInterruptEx", TraceEvent.argMap("vector", vector));
            port().verifier.report("InterruptNotRegistered", 0xC4, driver(), device(),
                    "NdisMDeregisterInterruptEx of an interrupt already deregistered");
            return;
        }
        if (!hw.adapter.inInitialize() && !hw.adapter.inHalt()) {
            port().verifier.report("InterruptDeregisteredOutsideHalt", 0xC4, driver(), device(),
                    "NdisMDeregisterInterruptEx outside MiniportInitializeEx and MiniportHaltEx; NDIS deregisters it anyway");
        }
        // at PASSIVE_LEVEL this waits for an ISR and the DPCs running now; above it (a violation, reported) it must not
        // wait, as the caller may be the very ISR or DPC
        release(Irql.current() == Irql.PASSIVE_LEVEL);
        port().trace.ddi(driver(), device(), "NdisMDeregisterInterruptEx", TraceEvent.argMap("vector", vector));
        hw.interruptDeregistered(this);
    }

    /**
     * Disconnects: no ISR or DPC calls the driver from now on. With {@code wait}, first waits for an ISR holding the
     * spin lock and for the DPCs running now (both give up when the driver is isolated: a hung routine never returns).
     */
    void release(boolean wait) {
        if (wait && lockOrGiveUp(isrLock)) {
            deregistered = true;
            isrLock.unlock();
        }
        deregistered = true;
        if (wait && lockOrGiveUp(dpcGate.writeLock())) {
            dpcGate.writeLock().unlock();
        }
        AutoCloseable c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (Exception gone) {
                // the device is gone with its line
            }
        }
    }

    private boolean lockOrGiveUp(Lock lock) {
        try {
            while (!lock.tryLock(WAIT_STEP_MILLIS, TimeUnit.MILLISECONDS)) {
                if (hw.adapter.isolated()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean ndisMSynchronizeWithInterruptEx(int messageId,
                                                   NdisMiniportInterruptCharacteristics.SynchronizeInterruptHandler fn,
                                                   Object synchronizeContext) {
        port().checkIrql(driver(), device(), "NdisMSynchronizeWithInterruptEx", Irql.DIRQL);
        if (port().trace.ioTracing()) {
            port().trace.ddi(driver(), device(), "NdisMSynchronizeWithInterruptEx", TraceEvent.argMap("messageId", messageId));
        }
        if (deregistered) {
            port().verifier.report("InterruptNotRegistered", 0xC4, driver(), device(),
                    "NdisMSynchronizeWithInterruptEx after NdisMDeregisterInterruptEx; the function is not called");
            return false;
        }
        if (fn == null || !lockOrGiveUp(isrLock)) {
            return false;
        }
        Irql old = Irql.current().level() < Irql.DIRQL.level() ? Irql.raise(Irql.DIRQL) : null;
        try {
            Boolean r = port().callbacks().callRequest(driver(), device(), "MiniportSynchronizeInterrupt",
                    TraceEvent::argMap, () -> fn.synchronizeInterrupt(synchronizeContext), false);
            return r != null && r;
        } finally {
            if (old != null) {
                Irql.lower(old);
            }
            isrLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "interrupt " + vector + (messageBased ? " (MSI)" : "") + " of " + device();
    }
}
