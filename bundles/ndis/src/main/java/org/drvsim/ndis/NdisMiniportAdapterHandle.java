package org.drvsim.ndis;

import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * NDIS_HANDLE MiniportAdapterHandle: what NDIS passes to MiniportInitializeEx, and the NDIS functions
 * a miniport calls for one adapter. Every call is recorded in the trace under its WDK name. A call
 * after MiniportHaltEx returned is a verifier violation and is ignored.
 */
@ProviderType
public interface NdisMiniportAdapterHandle {
    /** @return the adapter's device instance ID (for logs; a real miniport reads it from the registry) */
    String instanceId();

    /**
     * Models NdisMSetMiniportAttributes. Called from MiniportInitializeEx at PASSIVE_LEVEL: registration
     * attributes first, then general attributes.
     *
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_INVALID_PARAMETER} when called outside
     *         MiniportInitializeEx or with general attributes before registration attributes
     */
    NdisStatus ndisMSetMiniportAttributes(NdisMiniportAdapterAttributes miniportAttributes);

    /**
     * Models NdisMSendNetBufferListsComplete: returns sent NBLs (each with its status set) to NDIS.
     * At most DISPATCH_LEVEL. Completing an NBL that is not outstanding is a verifier violation.
     *
     * @param sendCompleteFlags NDIS_SEND_COMPLETE_FLAGS_* (NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL = 1)
     */
    void ndisMSendNetBufferListsComplete(NetBufferList netBufferLists, int sendCompleteFlags);

    /** NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL. */
    int NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL = 0x1;
    /** NDIS_RECEIVE_FLAGS_RESOURCES: the miniport keeps the NBLs; NDIS does not return them. */
    int NDIS_RECEIVE_FLAGS_RESOURCES = 0x2;
    /** NDIS_RECEIVE_FLAGS_PERFECT_FILTERED. */
    int NDIS_RECEIVE_FLAGS_PERFECT_FILTERED = 0x20;
    /** NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL. */
    int NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL = 0x1;

    /**
     * Models NdisMIndicateReceiveNetBufferLists: hands received frames to the bound protocols. At most
     * DISPATCH_LEVEL; legal in Restarting and Running only. Without {@link #NDIS_RECEIVE_FLAGS_RESOURCES}
     * NDIS later calls MiniportReturnNetBufferLists with the NBLs.
     *
     * @param numberOfNetBufferLists the number of NBLs in the chain
     * @param receiveFlags           NDIS_RECEIVE_FLAGS_*
     */
    void ndisMIndicateReceiveNetBufferLists(NetBufferList netBufferLists, int portNumber, int numberOfNetBufferLists,
                                            int receiveFlags);

    /** Models NdisMOidRequestComplete for an OID request the miniport returned PENDING for. */
    void ndisMOidRequestComplete(NdisOidRequest oidRequest, NdisStatus status);

    /** Models NdisMPauseComplete, after MiniportPause returned PENDING. */
    void ndisMPauseComplete();

    /** Models NdisMRestartComplete, after MiniportRestart returned PENDING. */
    void ndisMRestartComplete(NdisStatus status);

    /**
     * Models NdisMResetComplete: completes a MiniportResetEx that returned {@code NDIS_STATUS_PENDING}. At most
     * DISPATCH_LEVEL, any thread. Without a pending reset it is the verifier violation {@code
     * ResetCompleteWithoutPendingReset} and is ignored. Source: nf-ndis-ndismresetcomplete.
     *
     * @param status          the reset's final status (SUCCESS, SOFT_ERRORS, HARD_ERRORS, ...)
     * @param addressingReset TRUE when NDIS must restore the packet filter and multicast list by OID requests
     */
    void ndisMResetComplete(NdisStatus status, boolean addressingReset);

    /**
     * Models NdisAllocateTimerObject: a timer whose function runs at DISPATCH_LEVEL. Free it with
     * {@link NdisTimer#ndisFreeTimerObject()} in MiniportHaltEx; one still allocated after HaltEx is a
     * verifier violation.
     *
     * @param name what the timer is for, shown in the trace
     */
    NdisTimer ndisAllocateTimerObject(String name, Runnable timerFunction);

    /**
     * An executor that runs work at DISPATCH_LEVEL on a simulated processor's DPC thread (models a
     * KDPC queued with KeInsertQueueDpc); what a miniport uses for its receive DPC.
     */
    Executor dpcExecutor();

    // ---- hardware: registers, interrupts, DMA (since 3.1). Each acquisition is tracked per adapter: what is still
    // held when MiniportHaltEx returns (or when a failing MiniportInitializeEx returns) is a verifier violation naming
    // the driver, and NDIS releases it (spec/seeds/ndis-halting-a-miniport-adapter.md: HaltEx frees everything, in the
    // reverse order of initialization).

    /**
     * Models NdisMMapIoSpace: maps a memory range of the adapter's {@link NdisMiniportInitParameters#allocatedResources}
     * (a BAR) into system space. PASSIVE_LEVEL, in MiniportInitializeEx. Source: nf-ndis-ndismmapiospace.
     *
     * @param virtualAddress  out: {@code virtualAddress[0]} receives the mapping on success
     * @param physicalAddress the start of the range, a bus-relative physical address in bytes (a CmResourceTypeMemory
     *                        descriptor's start, or an address inside it)
     * @param length          the range's length in bytes
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_RESOURCES} when the range is not inside one of the
     *         adapter's memory resources (or the adapter has none); {@code NDIS_STATUS_FAILURE} after MiniportHaltEx
     * @since 3.1
     */
    NdisStatus ndisMMapIoSpace(NdisIoSpace[] virtualAddress, long physicalAddress, int length);

    /**
     * Models NdisMUnmapIoSpace: releases a mapping from {@link #ndisMMapIoSpace}. PASSIVE_LEVEL, in MiniportHaltEx or a
     * failing MiniportInitializeEx. A mapping that is not mapped (unmapped twice, another adapter's) or a length other
     * than the mapped one is the verifier violation {@code UnmapOfUnknownMapping}. Source: nf-ndis-ndismunmapiospace.
     *
     * @param length the length passed to NdisMMapIoSpace, in bytes
     * @since 3.1
     */
    void ndisMUnmapIoSpace(NdisIoSpace virtualAddress, int length);

    /**
     * Models NdisMRegisterInterruptEx: connects the adapter's interrupt (line-based, or message-signalled when the
     * miniport sets MsiSupported and the allocated interrupt is an MSI). PASSIVE_LEVEL, in MiniportInitializeEx after
     * NdisMSetMiniportAttributes (registration attributes). MiniportInterrupt may run, on a simulated processor at
     * DIRQL, as soon as the device interrupts, before this call returns. NDIS sets {@code
     * miniportInterruptCharacteristics.interruptType}. Source: nf-ndis-ndismregisterinterruptex.
     *
     * @param miniportInterruptContext passed to every interrupt handler; not null
     * @param ndisInterruptHandle      out: {@code ndisInterruptHandle[0]} receives the interrupt on success
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_INVALID_PARAMETER} when a required handler is missing;
     *         {@code NDIS_STATUS_RESOURCES} when the adapter has no interrupt resource or it is registered already;
     *         {@code NDIS_STATUS_FAILURE} outside MiniportInitializeEx or before the registration attributes (also
     *         the verifier violation {@code InterruptRegisteredOutsideInitialize})
     * @since 3.1
     */
    <I> NdisStatus ndisMRegisterInterruptEx(I miniportInterruptContext,
                                            NdisMiniportInterruptCharacteristics<I> miniportInterruptCharacteristics,
                                            NdisInterruptHandle[] ndisInterruptHandle);

    /**
     * Models NdisMRegisterScatterGatherDma: registers the adapter as a bus master that uses scatter/gather lists.
     * PASSIVE_LEVEL, in MiniportInitializeEx after the registration attributes and before NdisMAllocateSharedMemory.
     * NDIS sets {@code dmaDescription.scatterGatherListSize}. Source: nf-ndis-ndismregisterscattergatherdma.
     *
     * @param ndisMiniportDmaHandle out: {@code ndisMiniportDmaHandle[0]} receives the registration on success
     * @return {@code NDIS_STATUS_SUCCESS}; {@code NDIS_STATUS_INVALID_PARAMETER} without a MiniportProcessSGList or
     *         with MaximumPhysicalMapping below 1; {@code NDIS_STATUS_RESOURCES} when the adapter decodes no hardware
     *         or is registered already; {@code NDIS_STATUS_FAILURE} outside MiniportInitializeEx (also a violation)
     * @since 3.1
     */
    NdisStatus ndisMRegisterScatterGatherDma(NdisSgDmaDescription dmaDescription, NdisDmaHandle[] ndisMiniportDmaHandle);

    /**
     * Models NdisMAllocateSharedMemory: allocates physically contiguous host memory the NIC reaches by DMA.
     * PASSIVE_LEVEL, after NdisMRegisterScatterGatherDma (without it: the verifier violation {@code
     * SharedMemoryWithoutDmaRegistration} and null). Source: nf-ndis-ndismallocatesharedmemory.
     *
     * @param length bytes to allocate, 1 to 64 MiB
     * @param cached ignored, as on x86 and x64
     * @return the virtual view and physical address, or null (VirtualAddress NULL) when nothing was allocated
     * @since 3.1
     */
    NdisSharedMemory ndisMAllocateSharedMemory(int length, boolean cached);

    /**
     * Models NdisMFreeSharedMemory: frees a block from {@link #ndisMAllocateSharedMemory}. At most DISPATCH_LEVEL, not
     * from MiniportShutdownEx. A block that is not allocated (freed twice), or a length or physical address other than
     * the allocation's, is the verifier violation {@code FreeOfUnknownSharedMemory} and frees nothing. Source:
     * nf-ndis-ndismfreesharedmemory.
     *
     * @param length          the allocation's length in bytes
     * @param cached          as allocated
     * @param virtualAddress  the block
     * @param physicalAddress the block's physical address
     * @since 3.1
     */
    void ndisMFreeSharedMemory(int length, boolean cached, NdisSharedMemory virtualAddress, long physicalAddress);

    /**
     * Models NdisMIndicateStatusEx: reports a status change, such as {@code NDIS_STATUS_LINK_STATE} with an {@link
     * NdisLinkState}, to NDIS and the bound protocols. At most DISPATCH_LEVEL; legal in every state from
     * MiniportInitializeEx on (Paused, Pausing and Restarting too: spec/ndis-lifecycle.md section 8). NDIS keeps the last
     * link state. Source: nf-ndis-ndismindicatestatusex.
     *
     * @since 3.1
     */
    void ndisMIndicateStatusEx(NdisStatusIndication statusIndication);

    /**
     * Models NdisMSleep: delays the calling thread for at least {@code microsecondsToSleep} microseconds, for a wait
     * the hardware documents (such as the settle time before a NIC's global reset). PASSIVE_LEVEL only: calling it at a
     * higher IRQL is a verifier violation (IrqlTooHigh), and it still waits. Recorded in the trace with
     * {@code microsecondsToSleep}. Source: nf-ndis-ndismsleep.
     *
     * @param microsecondsToSleep the least time to wait, in microseconds, 0 or more
     * @throws IllegalArgumentException if {@code microsecondsToSleep} is negative; nothing waits
     * @since 3.2
     */
    void ndisMSleep(long microsecondsToSleep);
}
