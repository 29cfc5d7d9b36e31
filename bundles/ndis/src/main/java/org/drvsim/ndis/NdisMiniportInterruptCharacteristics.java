package org.drvsim.ndis;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS: the interrupt handlers a miniport passes to {@link
 * NdisMiniportAdapterHandle#ndisMRegisterInterruptEx}, and what NDIS fills in on success ({@link #interruptType}).
 * Required: {@link #interruptHandler}, {@link #interruptDpcHandler}, {@link #disableInterruptHandler} and {@link
 * #enableInterruptHandler}; with {@link #msiSupported} also the four message handlers. NDIS uses the message handlers
 * when the miniport supports MSI and the adapter's allocated interrupt is message-signalled, the line-based ones
 * otherwise. {@code I} is the driver's MiniportInterruptContext type.
 *
 * <p>Threads and IRQLs: MiniportInterrupt and MiniportMessageInterrupt run at DIRQL on a simulated processor's thread,
 * concurrently with whatever else the driver runs (MiniportHaltEx on the PnP worker included, until the interrupt is
 * deregistered: spec/seeds/ndis-halting-a-miniport-adapter.md); MiniportInterruptDPC and MiniportMessageInterruptDPC at
 * DISPATCH_LEVEL on the processor NDIS queued them to; the enable and disable handlers at DIRQL. NDIS calls the enable
 * and disable handlers only for diagnostics (their reference pages), never in the flows drvsim models.
 * Documentation: "NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS structure (ndis.h)".
 *
 * @param <I> the miniport interrupt context type
 * @since 3.1
 */
public final class NdisMiniportInterruptCharacteristics<I> {
    /**
     * MiniportInterrupt (MINIPORT_ISR): the NIC, or a device sharing its line, interrupted. DIRQL. Returns TRUE when the
     * NIC generated the interrupt. Whatever it returns, NDIS queues MiniportInterruptDPC on the current processor when it
     * sets {@code queueDefaultInterruptDpc[0]} to TRUE, else on each processor whose bit it sets in {@code
     * targetProcessors[0]} (bit i = processor i; bits of processors the machine lacks are ignored). NDIS passes FALSE and
     * 0. A throwing ISR is taken as FALSE with no DPC. Source: nc-ndis-miniport_isr.
     */
    @ConsumerType @FunctionalInterface
    public interface InterruptHandler<I> {
        boolean interrupt(I miniportInterruptContext, boolean[] queueDefaultInterruptDpc, int[] targetProcessors);
    }

    /**
     * MiniportInterruptDPC (MINIPORT_INTERRUPT_DPC): the deferred work of an interrupt, at DISPATCH_LEVEL.
     * {@code miniportDpcContext} is null when the DPC was queued by MiniportInterrupt. Source:
     * nc-ndis-miniport_interrupt_dpc.
     */
    @ConsumerType @FunctionalInterface
    public interface InterruptDpcHandler<I> {
        void interruptDpc(I miniportInterruptContext, Object miniportDpcContext);
    }

    /** MiniportEnableInterruptEx / MiniportDisableInterruptEx (MINIPORT_ENABLE_INTERRUPT, MINIPORT_DISABLE_INTERRUPT): DIRQL. */
    @ConsumerType @FunctionalInterface
    public interface InterruptControlHandler<I> {
        void control(I miniportInterruptContext);
    }

    /** MiniportMessageInterrupt (MINIPORT_MESSAGE_INTERRUPT): as {@link InterruptHandler}, for the message {@code messageId}. */
    @ConsumerType @FunctionalInterface
    public interface MessageInterruptHandler<I> {
        boolean messageInterrupt(I miniportInterruptContext, int messageId, boolean[] queueDefaultInterruptDpc,
                                 int[] targetProcessors);
    }

    /** MiniportMessageInterruptDPC (MINIPORT_MESSAGE_INTERRUPT_DPC): as {@link InterruptDpcHandler}, for a message. */
    @ConsumerType @FunctionalInterface
    public interface MessageInterruptDpcHandler<I> {
        void messageInterruptDpc(I miniportInterruptContext, int messageId, Object miniportDpcContext);
    }

    /** MiniportEnableMessageInterrupt / MiniportDisableMessageInterrupt: DIRQL. */
    @ConsumerType @FunctionalInterface
    public interface MessageInterruptControlHandler<I> {
        void control(I miniportInterruptContext, int messageId);
    }

    /**
     * MiniportSynchronizeInterrupt (MINIPORT_SYNCHRONIZE_INTERRUPT), what {@link
     * NdisInterruptHandle#ndisMSynchronizeWithInterruptEx} runs at DIRQL, serialised with the ISR.
     */
    @ConsumerType @FunctionalInterface
    public interface SynchronizeInterruptHandler {
        boolean synchronizeInterrupt(Object synchronizeContext);
    }

    public InterruptHandler<I> interruptHandler;
    public InterruptDpcHandler<I> interruptDpcHandler;
    public InterruptControlHandler<I> disableInterruptHandler;
    public InterruptControlHandler<I> enableInterruptHandler;
    /** MsiSupported: the miniport handles message-signalled interrupts. */
    public boolean msiSupported;
    /** MsiSyncWithAllMessages: NdisMSynchronizeWithInterruptEx serialises with every message (one message here). */
    public boolean msiSyncWithAllMessages;
    public MessageInterruptHandler<I> messageInterruptHandler;
    public MessageInterruptDpcHandler<I> messageInterruptDpcHandler;
    public MessageInterruptControlHandler<I> disableMessageInterruptHandler;
    public MessageInterruptControlHandler<I> enableMessageInterruptHandler;
    /** InterruptType, set by NDIS when NdisMRegisterInterruptEx succeeds. */
    public NdisInterruptType interruptType;

    /**
     * @return the required handlers that are not set, each as its WDK routine name and field; empty when registration
     *         can succeed
     */
    public java.util.List<String> missingHandlers() {
        java.util.List<String> m = new java.util.ArrayList<>();
        need(m, interruptHandler, "MiniportInterrupt (interruptHandler)");
        need(m, interruptDpcHandler, "MiniportInterruptDPC (interruptDpcHandler)");
        need(m, disableInterruptHandler, "MiniportDisableInterruptEx (disableInterruptHandler)");
        need(m, enableInterruptHandler, "MiniportEnableInterruptEx (enableInterruptHandler)");
        if (msiSupported) {
            need(m, messageInterruptHandler, "MiniportMessageInterrupt (messageInterruptHandler)");
            need(m, messageInterruptDpcHandler, "MiniportMessageInterruptDPC (messageInterruptDpcHandler)");
            need(m, disableMessageInterruptHandler, "MiniportDisableMessageInterrupt (disableMessageInterruptHandler)");
            need(m, enableMessageInterruptHandler, "MiniportEnableMessageInterrupt (enableMessageInterruptHandler)");
        }
        return m;
    }

    private static void need(java.util.List<String> missing, Object handler, String name) {
        if (handler == null) {
            missing.add(name);
        }
    }
}
