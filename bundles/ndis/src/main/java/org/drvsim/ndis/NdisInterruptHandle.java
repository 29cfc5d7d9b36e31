package org.drvsim.ndis;

import org.osgi.annotation.versioning.ProviderType;

/**
 * NDIS_HANDLE NdisInterruptHandle: an interrupt a miniport registered with {@link
 * NdisMiniportAdapterHandle#ndisMRegisterInterruptEx}. Every call is recorded in the trace under its WDK name.
 *
 * @since 3.1
 */
@ProviderType
public interface NdisInterruptHandle {
    /** @return the kind of interrupt NDIS connected (line-based or message-signalled) */
    NdisInterruptType interruptType();

    /**
     * Models NdisMDeregisterInterruptEx: disconnects the interrupt. PASSIVE_LEVEL, from MiniportInitializeEx (after a
     * later step failed) or MiniportHaltEx; the miniport should first stop its NIC from interrupting. Waits for an ISR
     * running on another processor and for every MiniportInterruptDPC running or queued: once it returns NDIS calls
     * neither MiniportInterrupt nor MiniportInterruptDPC for this interrupt again, and {@link
     * #ndisMSynchronizeWithInterruptEx} must not be called. Called at a higher IRQL it is the verifier violation {@code
     * IrqlTooHigh} and does not wait; called twice, {@code InterruptNotRegistered}. Source:
     * nf-ndis-ndismderegisterinterruptex.
     */
    void ndisMDeregisterInterruptEx();

    /**
     * Models NdisMSynchronizeWithInterruptEx: runs {@code synchronizeFunction} at DIRQL, never at the same time as the
     * interrupt's ISR, and returns what it returns. At most DIRQL. After NdisMDeregisterInterruptEx it is the violation
     * {@code InterruptNotRegistered} and returns FALSE without calling the function. Source:
     * nf-ndis-ndismsynchronizewithinterruptex.
     *
     * @param messageId the message to synchronise with (ignored for a line-based interrupt)
     */
    boolean ndisMSynchronizeWithInterruptEx(int messageId,
                                            NdisMiniportInterruptCharacteristics.SynchronizeInterruptHandler synchronizeFunction,
                                            Object synchronizeContext);
}
