package org.drvsim.ndis;

/**
 * What kind of interrupt NDIS connected for a miniport in {@link NdisMiniportAdapterHandle#ndisMRegisterInterruptEx}
 * (the InterruptType member NDIS fills in NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS). Documentation:
 * "NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS structure (ndis.h)".
 *
 * @since 3.1
 */
public enum NdisInterruptType {
    /** A line-based interrupt: NDIS calls MiniportInterrupt and MiniportInterruptDPC. */
    NDIS_CONNECT_LINE_BASED,
    /** Message-signalled interrupts (MSI): NDIS calls MiniportMessageInterrupt and MiniportMessageInterruptDPC. */
    NDIS_CONNECT_MESSAGE_BASED
}
