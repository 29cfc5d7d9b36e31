package org.drvsim.ndis;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * NDIS_MINIPORT_DRIVER_CHARACTERISTICS: the handlers a miniport registers with {@link
 * NdisDriverObject#ndisMRegisterMiniportDriver}. Filled by the driver in DriverEntry, copied by NDIS
 * at registration (spec/ndis-lifecycle.md section 1). Required: InitializeEx, HaltEx, DriverUnload,
 * Pause, Restart, OidRequest, CancelOidRequest, SendNetBufferLists, CancelSend, ReturnNetBufferLists,
 * DevicePnPEventNotify, ShutdownEx; optional: SetOptions, CheckForHangEx and ResetEx (a virtual
 * miniport should leave these two unset). A missing required handler makes registration fail with
 * {@code NDIS_STATUS_BAD_CHARACTERISTICS}; a major version other than 6 with {@code
 * NDIS_STATUS_BAD_VERSION}.
 *
 * <p>Every handler type below names the IRQL and thread NDIS calls it at. {@code C} is the driver's
 * adapter context type (what it passed as MiniportAdapterContext in the registration attributes).
 *
 * @param <C> the miniport adapter context type
 */
public final class NdisMiniportDriverCharacteristics<C> {
    /** MiniportSetOptions: PASSIVE_LEVEL, inside NdisMRegisterMiniportDriver. */
    @ConsumerType @FunctionalInterface
    public interface SetOptionsHandler { NdisStatus setOptions(NdisDriverObject driver); }

    /**
     * MiniportInitializeEx: PASSIVE_LEVEL on the PnP worker. Must call NdisMSetMiniportAttributes with
     * registration then general attributes before returning success; on failure it frees everything
     * and NDIS never calls HaltEx for the adapter. The first parameter is the WDK's NdisMiniportHandle (NDIS's
     * handle for the adapter; the trace names it {@code ndisMiniportHandle}); MiniportAdapterContext is what the
     * driver passes back in its registration attributes.
     */
    @ConsumerType @FunctionalInterface
    public interface InitializeHandlerEx {
        NdisStatus initializeEx(NdisMiniportAdapterHandle ndisMiniportHandle, NdisMiniportInitParameters initParameters);
    }

    /** MiniportHaltEx: PASSIVE_LEVEL on the PnP worker, only from Paused, with no OID or send outstanding. */
    @ConsumerType @FunctionalInterface
    public interface HaltHandlerEx<C> { void haltEx(C miniportAdapterContext, NdisHaltAction haltAction); }

    /** MiniportDriverUnload: PASSIVE_LEVEL on the PnP worker, after HaltEx for every adapter. */
    @ConsumerType @FunctionalInterface
    public interface UnloadHandler { void driverUnload(NdisDriverObject driverObject); }

    /** MiniportPause: PASSIVE_LEVEL on the PnP worker, from Running. Returns SUCCESS or PENDING. */
    @ConsumerType @FunctionalInterface
    public interface PauseHandler<C> { NdisStatus pause(C miniportAdapterContext, NdisMiniportPauseParameters pauseParameters); }

    /** MiniportRestart: PASSIVE_LEVEL on the PnP worker, from Paused. Returns SUCCESS, PENDING or a failure. */
    @ConsumerType @FunctionalInterface
    public interface RestartHandler<C> { NdisStatus restart(C miniportAdapterContext, NdisMiniportRestartParameters restartParameters); }

    /** MiniportOidRequest: at most DISPATCH_LEVEL on the requesting thread; one at a time per adapter. */
    @ConsumerType @FunctionalInterface
    public interface OidRequestHandler<C> { NdisStatus oidRequest(C miniportAdapterContext, NdisOidRequest oidRequest); }

    /**
     * MiniportCancelOidRequest: at most DISPATCH_LEVEL, on the thread of the protocol that called
     * NdisCancelOidRequest, only for the request the miniport holds (the one it returned PENDING for). The miniport
     * completes that request, if it still has it, with NdisMOidRequestComplete and {@code
     * NDIS_STATUS_REQUEST_ABORTED}; an ID it does not hold is ignored. Source: nc-ndis-miniport_cancel_oid_request.
     */
    @ConsumerType @FunctionalInterface
    public interface CancelOidRequestHandler<C> { void cancelOidRequest(C miniportAdapterContext, long requestId); }

    /** MiniportSendNetBufferLists: at most DISPATCH_LEVEL on the sending thread, only while Running. */
    @ConsumerType @FunctionalInterface
    public interface SendNetBufferListsHandler<C> {
        void sendNetBufferLists(C miniportAdapterContext, NetBufferList netBufferLists, int portNumber, int sendFlags);
    }

    /**
     * MiniportCancelSend: at most DISPATCH_LEVEL, on the thread of the protocol that called
     * NdisCancelSendNetBufferLists. The miniport completes every NBL it still holds whose cancel ID ({@link
     * NetBufferList#ndisGetNetBufferListCancelId}) equals {@code cancelId} with NdisMSendNetBufferListsComplete and
     * {@code NDIS_STATUS_SEND_ABORTED}; NBLs already on the wire complete as usual. Source:
     * nc-ndis-miniport_cancel_send.
     */
    @ConsumerType @FunctionalInterface
    public interface CancelSendHandler<C> { void cancelSend(C miniportAdapterContext, long cancelId); }

    /** MiniportReturnNetBufferLists: at most DISPATCH_LEVEL, when the protocol gives indicated NBLs back. */
    @ConsumerType @FunctionalInterface
    public interface ReturnNetBufferListsHandler<C> {
        void returnNetBufferLists(C miniportAdapterContext, NetBufferList netBufferLists, int returnFlags);
    }

    /**
     * MiniportCheckForHangEx: PASSIVE_LEVEL (the level nc-ndis-miniport_check_for_hang gives) on a system worker
     * thread, queued by NDIS's check-for-hang timer (a DPC at DISPATCH_LEVEL) every CheckForHangTimeInSeconds of
     * the adapter's registration attributes (rounded up to a multiple of 2 s, 0 = 2 s), only while the adapter is
     * Running, never during a reset and never after MiniportHaltEx. Returns TRUE when the NIC is not operating:
     * NDIS then calls MiniportResetEx. Must return quickly. Source: spec/ndis-lifecycle.md section 9.
     */
    @ConsumerType @FunctionalInterface
    public interface CheckForHangHandlerEx<C> { boolean checkForHangEx(C miniportAdapterContext); }

    /**
     * MiniportResetEx: at most DISPATCH_LEVEL (here PASSIVE_LEVEL, on the check-for-hang work item's thread), after
     * MiniportCheckForHangEx returned TRUE or an OID request stayed with the miniport for two check-for-hang
     * intervals. Returns {@code NDIS_STATUS_SUCCESS}, {@code NDIS_STATUS_PENDING} (then {@link
     * NdisMiniportAdapterHandle#ndisMResetComplete}), {@code NDIS_STATUS_RESET_IN_PROGRESS}, {@code
     * NDIS_STATUS_SOFT_ERRORS} or {@code NDIS_STATUS_HARD_ERRORS}. The adapter state does not change. Source:
     * nc-ndis-miniport_reset, spec/ndis-lifecycle.md section 9.
     *
     * @param addressingReset {@code AddressingReset}, an out parameter: the miniport sets {@code addressingReset[0]}
     *                        to TRUE when NDIS must restore the addressing information (packet filter, multicast
     *                        list) with OID requests after the reset; NDIS passes it FALSE
     */
    @ConsumerType @FunctionalInterface
    public interface ResetHandlerEx<C> { NdisStatus resetEx(C miniportAdapterContext, boolean[] addressingReset); }

    /** MiniportDevicePnPEventNotify: PASSIVE_LEVEL on the PnP worker. */
    @ConsumerType @FunctionalInterface
    public interface DevicePnPEventNotifyHandler<C> { void devicePnPEventNotify(C miniportAdapterContext, NdisDevicePnpEvent devicePnPEvent); }

    /** MiniportShutdownEx: PASSIVE_LEVEL for power-off. No HaltEx follows. */
    @ConsumerType @FunctionalInterface
    public interface ShutdownHandlerEx<C> { void shutdownEx(C miniportAdapterContext, NdisShutdownAction shutdownAction); }

    public final int majorNdisVersion;
    public final int minorNdisVersion;
    public final int majorDriverVersion;
    public final int minorDriverVersion;
    public SetOptionsHandler setOptionsHandler;
    public InitializeHandlerEx initializeHandlerEx;
    public HaltHandlerEx<C> haltHandlerEx;
    public UnloadHandler unloadHandler;
    public PauseHandler<C> pauseHandler;
    public RestartHandler<C> restartHandler;
    public OidRequestHandler<C> oidRequestHandler;
    public CancelOidRequestHandler<C> cancelOidRequestHandler;
    public SendNetBufferListsHandler<C> sendNetBufferListsHandler;
    public CancelSendHandler<C> cancelSendHandler;
    public ReturnNetBufferListsHandler<C> returnNetBufferListsHandler;
    public CheckForHangHandlerEx<C> checkForHangHandlerEx;
    public ResetHandlerEx<C> resetHandlerEx;
    public DevicePnPEventNotifyHandler<C> devicePnPEventNotifyHandler;
    public ShutdownHandlerEx<C> shutdownHandlerEx;

    /**
     * @param majorNdisVersion   6
     * @param minorNdisVersion   0 to 89 (netvmini uses 30)
     * @param majorDriverVersion the driver's own version
     * @param minorDriverVersion the driver's own version
     */
    public NdisMiniportDriverCharacteristics(int majorNdisVersion, int minorNdisVersion, int majorDriverVersion,
                                             int minorDriverVersion) {
        this.majorNdisVersion = majorNdisVersion;
        this.minorNdisVersion = minorNdisVersion;
        this.majorDriverVersion = majorDriverVersion;
        this.minorDriverVersion = minorDriverVersion;
    }

    /**
     * @return the required handlers that are not set, each as its WDK routine name and field (for example
     *         {@code MiniportHaltEx (haltHandlerEx)}), and {@code MiniportResetEx (resetHandlerEx)} when
     *         MiniportCheckForHangEx is set without it; empty when registration can succeed
     */
    public java.util.List<String> missingHandlers() {
        java.util.List<String> m = new java.util.ArrayList<>();
        need(m, initializeHandlerEx, "MiniportInitializeEx (initializeHandlerEx)");
        need(m, haltHandlerEx, "MiniportHaltEx (haltHandlerEx)");
        need(m, unloadHandler, "MiniportDriverUnload (unloadHandler)");
        need(m, pauseHandler, "MiniportPause (pauseHandler)");
        need(m, restartHandler, "MiniportRestart (restartHandler)");
        need(m, oidRequestHandler, "MiniportOidRequest (oidRequestHandler)");
        need(m, cancelOidRequestHandler, "MiniportCancelOidRequest (cancelOidRequestHandler)");
        need(m, sendNetBufferListsHandler, "MiniportSendNetBufferLists (sendNetBufferListsHandler)");
        need(m, cancelSendHandler, "MiniportCancelSend (cancelSendHandler)");
        need(m, returnNetBufferListsHandler, "MiniportReturnNetBufferLists (returnNetBufferListsHandler)");
        need(m, devicePnPEventNotifyHandler, "MiniportDevicePnPEventNotify (devicePnPEventNotifyHandler)");
        need(m, shutdownHandlerEx, "MiniportShutdownEx (shutdownHandlerEx)");
        if (checkForHangHandlerEx != null && resetHandlerEx == null) {
            m.add("MiniportResetEx (resetHandlerEx), required with MiniportCheckForHangEx");
        }
        return m;
    }

    private static void need(java.util.List<String> missing, Object handler, String name) {
        if (handler == null) {
            missing.add(name);
        }
    }

    /** A copy, as NDIS copies the structure at registration. */
    public NdisMiniportDriverCharacteristics<C> copy() {
        NdisMiniportDriverCharacteristics<C> c = new NdisMiniportDriverCharacteristics<>(majorNdisVersion,
                minorNdisVersion, majorDriverVersion, minorDriverVersion);
        c.setOptionsHandler = setOptionsHandler;
        c.initializeHandlerEx = initializeHandlerEx;
        c.haltHandlerEx = haltHandlerEx;
        c.unloadHandler = unloadHandler;
        c.pauseHandler = pauseHandler;
        c.restartHandler = restartHandler;
        c.oidRequestHandler = oidRequestHandler;
        c.cancelOidRequestHandler = cancelOidRequestHandler;
        c.sendNetBufferListsHandler = sendNetBufferListsHandler;
        c.cancelSendHandler = cancelSendHandler;
        c.returnNetBufferListsHandler = returnNetBufferListsHandler;
        c.checkForHangHandlerEx = checkForHangHandlerEx;
        c.resetHandlerEx = resetHandlerEx;
        c.devicePnPEventNotifyHandler = devicePnPEventNotifyHandler;
        c.shutdownHandlerEx = shutdownHandlerEx;
        return c;
    }
}
