package org.drvsim.ndis;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * NDIS_SG_DMA_DESCRIPTION: what a bus-master miniport passes to {@link
 * NdisMiniportAdapterHandle#ndisMRegisterScatterGatherDma}, and what NDIS fills in ({@link #scatterGatherListSize}).
 * Documentation: "NDIS_SG_DMA_DESCRIPTION structure (ndis.h)".
 *
 * @since 3.1
 */
public final class NdisSgDmaDescription {
    /** NDIS_SG_DMA_64_BIT_ADDRESS: the NIC can reach 64-bit physical addresses (the simulated host memory is above 4 GiB). */
    public static final int NDIS_SG_DMA_64_BIT_ADDRESS = 0x0000_0001;

    /**
     * MiniportProcessSGList (MINIPORT_PROCESS_SG_LIST): NDIS built the scatter/gather list the miniport asked for with
     * {@link NdisDmaHandle#ndisMAllocateNetBufferSGList}; the miniport hands its addresses to the NIC. DISPATCH_LEVEL.
     * Source: nc-ndis-miniport_process_sg_list.
     */
    @ConsumerType @FunctionalInterface
    public interface ProcessSGListHandler {
        void processSGList(ScatterGatherList pSGL, Object context);
    }

    /** Flags: NDIS_SG_DMA_* bits. */
    public int flags;
    /** MaximumPhysicalMapping: the largest NET_BUFFER the NIC maps at once, in bytes (at least 1). */
    public int maximumPhysicalMapping;
    /** ProcessSGListHandler: required. */
    public ProcessSGListHandler processSGListHandler;
    /** ScatterGatherListSize, set by NDIS: bytes a scatter/gather list buffer of the largest mapping needs. */
    public int scatterGatherListSize;
}
