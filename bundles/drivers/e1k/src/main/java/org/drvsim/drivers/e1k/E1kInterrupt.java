package org.drvsim.drivers.e1k;

import static org.drvsim.drivers.e1k.E1kHardware.*;

import org.drvsim.ndis.NdisMiniportInterruptCharacteristics;

/**
 * The interrupt (an e1000 driver's {@code e1000_intr} and its NAPI poll): the handlers the adapter passes to
 * NdisMRegisterInterruptEx. The device's interrupt is level-triggered on ICR &amp; IMS, and ICR clears when read, so the
 * ISR's one read both tells whether the interrupt is ours and acknowledges it; the causes it read wait in
 * {@link E1kAdapter#pendingCauses} for the DPC. Interrupts stay enabled while the DPC runs: the NIC's ITR throttling
 * (programmed in MiniportInitializeEx) bounds how often it interrupts, and causes that arrive meanwhile are
 * accumulated by the next ISR and handled by the DPC it queues.
 */
final class E1kInterrupt {
    private E1kInterrupt() {
    }

    /** @return the characteristics for NdisMRegisterInterruptEx: line-based handlers and, for an MSI, the same work */
    static NdisMiniportInterruptCharacteristics<E1kAdapter> characteristics() {
        NdisMiniportInterruptCharacteristics<E1kAdapter> ic = new NdisMiniportInterruptCharacteristics<>();
        ic.interruptHandler = E1kInterrupt::interrupt;
        ic.interruptDpcHandler = E1kInterrupt::interruptDpc;
        ic.enableInterruptHandler = E1kInterrupt::enableInterrupt;
        ic.disableInterruptHandler = E1kInterrupt::disableInterrupt;
        ic.msiSupported = true; // one message: the same causes as the line
        ic.messageInterruptHandler = (a, messageId, queueDpc, targets) -> interrupt(a, queueDpc, targets);
        ic.messageInterruptDpcHandler = (a, messageId, dpcContext) -> interruptDpc(a, dpcContext);
        ic.enableMessageInterruptHandler = (a, messageId) -> enableInterrupt(a);
        ic.disableMessageInterruptHandler = (a, messageId) -> disableInterrupt(a);
        return ic;
    }

    /**
     * MiniportInterrupt: DIRQL, on a simulated processor, possibly while MiniportHaltEx runs on the PnP worker (until
     * it deregisters the interrupt: spec/seeds/ndis-halting-a-miniport-adapter.md). Reads ICR (which acknowledges it);
     * all ones means the device is gone: not ours, and the driver never touches it again; 0 means another device on
     * the line (or a stuck one): not ours. Otherwise keeps the causes and asks for the DPC on this processor.
     */
    static boolean interrupt(E1kAdapter a, boolean[] queueDefaultInterruptDpc, int[] targetProcessors) {
        if (a.hw.gone()) {
            return false;
        }
        int icr = a.hw.readFromIsr(ICR);
        if (icr == ALL_ONES) {
            a.hw.markGoneFromIsr();
            return false;
        }
        if (icr == 0) {
            return false;
        }
        a.pendingCauses.getAndAccumulate(icr, (x, y) -> x | y);
        queueDefaultInterruptDpc[0] = true;
        return true;
    }

    /**
     * MiniportInterruptDPC: DISPATCH_LEVEL, on the processor the ISR ran on. Handles the causes the ISRs collected: a
     * link change is indicated with NdisMIndicateStatusEx; transmit and receive work is always looked at (cheap, and
     * robust against causes that ITR coalesced into one interrupt).
     */
    static void interruptDpc(E1kAdapter a, Object miniportDpcContext) {
        int causes = a.pendingCauses.getAndSet(0);
        if (a.hw.gone()) {
            return;
        }
        if ((causes & ICR_LSC) != 0) {
            a.indicateLinkState();
        }
        a.tx.reclaim();
        a.rx.receive();
    }

    /** MiniportEnableInterruptEx: DIRQL (NDIS calls it only for diagnostics). */
    static void enableInterrupt(E1kAdapter a) {
        if (!a.hw.gone()) {
            a.hw.registers().ndisWriteRegisterUlong(IMS, IMS_ENABLE);
        }
    }

    /** MiniportDisableInterruptEx: DIRQL (NDIS calls it only for diagnostics). */
    static void disableInterrupt(E1kAdapter a) {
        if (!a.hw.gone()) {
            a.hw.registers().ndisWriteRegisterUlong(IMC, IMC_ALL);
        }
    }
}
