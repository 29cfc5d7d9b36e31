package org.drvsim.ndis;

import org.osgi.annotation.versioning.ProviderType;

/**
 * NDIS_HANDLE NdisMiniportDmaHandle: a scatter/gather DMA registration from {@link
 * NdisMiniportAdapterHandle#ndisMRegisterScatterGatherDma}. Every call is recorded in the trace under its WDK name.
 *
 * <p>The simulation maps a NET_BUFFER the way the HAL does when a NIC cannot reach the buffer's pages itself: it copies
 * the data into simulated host memory (map registers, a bounce buffer) when the list is built, so the device's DMA
 * engine reads it there; the list is split at page boundaries (4096 bytes), as physical pages would split it. A list
 * built without {@link #NDIS_SG_LIST_WRITE_TO_DEVICE} is a receive buffer: the device's writes stay in host memory and
 * are not copied back into the NET_BUFFER (drvsim's NET_BUFFER data is read-only to NDIS).
 *
 * @since 3.1
 */
@ProviderType
public interface NdisDmaHandle {
    /** NDIS_SG_LIST_WRITE_TO_DEVICE: the list describes data the NIC reads (a send). */
    int NDIS_SG_LIST_WRITE_TO_DEVICE = 0x0000_0001;

    /**
     * Models NdisMAllocateNetBufferSGList: builds the scatter/gather list of {@code netBuffer}'s data and calls
     * MiniportProcessSGList with it (here before this call returns, on the calling thread; Windows may call it later).
     * DISPATCH_LEVEL (drvsim checks at most DISPATCH_LEVEL). The list stays allocated until {@link
     * #ndisMFreeNetBufferSGList}; one still allocated when the DMA registration is deregistered or the adapter halts is
     * a verifier violation.
     *
     * @param context passed to MiniportProcessSGList
     * @param flags   {@link #NDIS_SG_LIST_WRITE_TO_DEVICE} or 0
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_RESOURCES} when the data is longer than
     *         MaximumPhysicalMapping or host memory cannot hold it; {@code NDIS_STATUS_FAILURE} after
     *         NdisMDeregisterScatterGatherDma
     */
    NdisStatus ndisMAllocateNetBufferSGList(NetBuffer netBuffer, Object context, int flags);

    /**
     * Models NdisMFreeNetBufferSGList: frees a list from {@link #ndisMAllocateNetBufferSGList}, typically in
     * MiniportInterruptDPC when the send completed. DISPATCH_LEVEL (checked as at most). A list that is not allocated
     * (freed twice) is the verifier violation {@code SGListNotAllocated}. Source: nf-ndis-ndismfreenetbuffersglist.
     */
    void ndisMFreeNetBufferSGList(ScatterGatherList pSGL, NetBuffer netBuffer);

    /**
     * Models NdisMDeregisterScatterGatherDma: releases the registration. PASSIVE_LEVEL, from MiniportHaltEx or a failing
     * MiniportInitializeEx. Lists still allocated are the verifier violation {@code SGListNotFreed} and are freed.
     */
    void ndisMDeregisterScatterGatherDma();
}
