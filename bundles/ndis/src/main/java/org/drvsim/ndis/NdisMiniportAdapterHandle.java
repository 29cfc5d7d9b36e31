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
}
