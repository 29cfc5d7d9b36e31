package org.drvsim.ndis.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisDevicePnpEvent;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportDriverCharacteristics;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisMiniportPauseParameters;
import org.drvsim.ndis.NdisMiniportRestartParameters;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisOidRequest;
import org.drvsim.ndis.NdisShutdownAction;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisTimer;
import org.drvsim.ndis.NetBufferList;

/**
 * NDIS's record of one miniport adapter (the NDIS_MINIPORT_BLOCK) and the adapter handle the miniport
 * calls. It owns the adapter state machine and enforces the rules of the seed pages: HaltEx only after
 * a successful InitializeEx and only from Paused, never with an OID or a send outstanding, and nothing
 * reaches the adapter after it (spec/seeds/ndis-halting-a-miniport-adapter.md).
 *
 * <p>Threads: initialize, restart, pause and halt run on the PnP worker (PASSIVE_LEVEL). OID requests
 * and sends run on the requesting thread and are serialised against pause and halt by locks: OIDs
 * one at a time (spec section 8), sends only while Running.
 */
final class MiniportBlock implements NdisMiniportAdapterHandle {
    /** How long NDIS waits for a pended pause, restart or OID, or for outstanding sends, before a violation. */
    static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #drainDpcs} waits at most for the device to be quiet. */
    static final Duration QUIET_TIMEOUT = Duration.ofSeconds(1);

    final NdisPort port;
    final MiniportDriverBlock driver;
    final DeviceNode node;
    final int ifIndex;
    final int processor;
    private final String name;
    private final AdapterStateMachine sm = new AdapterStateMachine();
    private final NdisMiniportDriverCharacteristics<Object> chars;

    private volatile Object context;
    private volatile NdisMiniportAdapterAttributes.Registration registration;
    private volatile NdisMiniportAdapterAttributes.General general;
    private volatile boolean inInitialize;
    private volatile boolean halted;
    /** Set when removal begins: no new OID or send is accepted (spec section 5.1). */
    private volatile boolean closing;

    /** One OID at a time; halt takes it so that no OID is outstanding (spec section 4.2). */
    private final ReentrantLock oidLock = new ReentrantLock(true);
    private volatile CompletableFuture<NdisStatus> pendingOid;
    private volatile NdisOidRequest pendingOidRequest;
    /** Sends hold the read side while they check the state and call the miniport; pause takes the write side. */
    private final ReentrantReadWriteLock sendGate = new ReentrantReadWriteLock();
    private final Set<NetBufferList> outstandingSends = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile CountDownLatch pauseComplete;
    private volatile CountDownLatch restartComplete;
    private volatile NdisStatus restartStatus;
    private final Set<NdisTimerImpl> timers = ConcurrentHashMap.newKeySet();
    private volatile ProtocolBinding binding;
    /** NDIS's check-for-hang timer and the resets it issues (spec section 9). */
    final CheckForHangTimer checkForHang;
    /**
     * OID requests issued by the protocol that have not reached the miniport yet (waiting for the one before them), by
     * RequestId, each with whether NdisCancelOidRequest cancelled it: NDIS then completes it itself.
     */
    private final Map<Long, Boolean> queuedOids = new ConcurrentHashMap<>();

    final AtomicLong sendsRequested = new AtomicLong();
    final AtomicLong sendsCompleted = new AtomicLong();
    final AtomicLong sendsRejected = new AtomicLong();
    final AtomicLong receivesIndicated = new AtomicLong();
    final AtomicLong receivesReturned = new AtomicLong();
    final AtomicLong oidRequests = new AtomicLong();
    private final AtomicLong nextRequestId = new AtomicLong(1);

    /** The adapter's hardware and what the miniport acquired from it (registers, interrupt, DMA). */
    final AdapterHardware hardware;
    /** Whether MiniportHaltEx is running (NdisMDeregisterInterruptEx is legal in it). */
    private volatile boolean inHalt;
    /** The last NDIS_STATUS_LINK_STATE the miniport indicated, or null. */
    private volatile org.drvsim.ndis.NdisLinkState linkState;

    /**
     * @param resources the device's hardware as the kernel granted it with IRP_MN_START_DEVICE ({@link
     *                  org.drvsim.kernel.DeviceResources#NONE} for a virtual adapter)
     */
    MiniportBlock(NdisPort port, MiniportDriverBlock driver, DeviceNode node, int ifIndex,
                  org.drvsim.kernel.DeviceResources resources) {
        this.hardware = new AdapterHardware(this, resources, node.resources());
        this.port = port;
        this.driver = driver;
        this.node = node;
        this.ifIndex = ifIndex;
        this.processor = (ifIndex - 1) % port.scheduler.processorCount();
        this.name = driver.name;
        this.chars = driver.chars;
        this.checkForHang = new CheckForHangTimer(this);
    }

    @Override
    public String instanceId() {
        return node.instanceId();
    }

    AdapterState state() {
        return halted ? AdapterState.Halted : sm.state();
    }

    NdisMiniportAdapterAttributes.General general() {
        return general;
    }

    /** @return the MiniportAdapterContext of the registration attributes (null before them) */
    Object context() {
        return context;
    }

    /** @return the OID request the miniport holds now (called and not completed), or null */
    NdisOidRequest oidInMiniport() {
        return pendingOidRequest;
    }

    long nextRequestId() {
        return nextRequestId.getAndIncrement();
    }

    void bind(ProtocolBinding b) {
        binding = b;
    }

    void unbind(ProtocolBinding b) {
        if (binding == b) {
            binding = null;
        }
    }

    ProtocolBinding binding() {
        return binding;
    }

    // ---- PnP path (PnP worker, PASSIVE_LEVEL)

    /**
     * MiniportInitializeEx, then (on success) DevicePnPEventNotify(PowerProfileChanged) and MiniportRestart
     * (spec section 11, oracle 1). A failed initialize leaves the adapter Halted and never calls HaltEx.
     */
    NdisStatus initialize() {
        sm.fire(AdapterStateMachine.Event.INITIALIZE);
        NdisMiniportInitParameters params = new NdisMiniportInitParameters(0, ifIndex, node.properties(),
                hardware.allocatedResources());
        inInitialize = true;
        NdisStatus status = port.call(name, instanceId(), "MiniportInitializeEx",
                TraceEvent.argMap("ndisMiniportHandle", instanceId(), "ifIndex", ifIndex),
                () -> chars.initializeHandlerEx.initializeEx(this, params), NdisStatus.NDIS_STATUS_FAILURE);
        inInitialize = false;
        if (status == null || status == NdisStatus.NDIS_STATUS_PENDING) {
            port.verifier.report("MiniportInitializeExBadStatus", 0xC9, name, instanceId(),
                    "MiniportInitializeEx returned " + status + "; it must return success or a failure");
            status = NdisStatus.NDIS_STATUS_FAILURE;
        }
        if (!status.isSuccess()) {
            sm.fire(AdapterStateMachine.Event.INITIALIZE_FAILED);
            halted = true;
            checkTimersFreed("after a failed MiniportInitializeEx");
            hardware.checkReleased("when MiniportInitializeEx failed");
            return status;
        }
        sm.fire(AdapterStateMachine.Event.INITIALIZE_SUCCEEDED);
        if (registration == null || general == null) {
            port.verifier.report("MiniportInitializeExWithoutAttributes", 0xC9, name, instanceId(),
                    "MiniportInitializeEx succeeded without setting " + (registration == null ? "registration" : "general")
                            + " attributes; NDIS fails the adapter");
            halt(NdisHaltAction.NdisHaltDeviceInitializationFailed);
            return NdisStatus.NDIS_STATUS_FAILURE;
        }
        port.callVoid(name, instanceId(), "MiniportDevicePnPEventNotify",
                TraceEvent.argMap("devicePnPEvent", NdisDevicePnpEvent.NdisDevicePnPEventPowerProfileChanged),
                () -> chars.devicePnPEventNotifyHandler.devicePnPEventNotify(context,
                        NdisDevicePnpEvent.NdisDevicePnPEventPowerProfileChanged));
        restart();
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** MiniportRestart from Paused; waits for NdisMRestartComplete if it pends. */
    void restart() {
        sm.fire(AdapterStateMachine.Event.RESTART);
        restartComplete = new CountDownLatch(1);
        NdisStatus status = port.call(name, instanceId(), "MiniportRestart", TraceEvent.argMap("restartParameters", "Flags=0"),
                () -> chars.restartHandler.restart(context, new NdisMiniportRestartParameters(0)),
                NdisStatus.NDIS_STATUS_FAILURE);
        if (status == NdisStatus.NDIS_STATUS_PENDING) {
            status = await(restartComplete, "NdisMRestartComplete") ? restartStatus : NdisStatus.NDIS_STATUS_FAILURE;
        }
        boolean running = status != null && status.isSuccess();
        sm.fire(running ? AdapterStateMachine.Event.RESTART_SUCCEEDED : AdapterStateMachine.Event.RESTART_FAILED);
        if (running && chars.checkForHangHandlerEx != null) {
            // from now on NDIS calls MiniportCheckForHangEx periodically, until the adapter pauses (spec section 9)
            checkForHang.start(registration.checkForHangTimeInSeconds());
        }
    }

    /** MiniportPause from Running; waits for NdisMPauseComplete if it pends. Does nothing when not Running. */
    void pause(String reason) {
        // no check-for-hang while Pausing or Paused; a check or reset in progress finishes first
        checkForHang.stop(true);
        if (!acquire(sendGate.writeLock())) {
            return; // isolated while a send hung in the miniport
        }
        try {
            if (sm.state() != AdapterState.Running) {
                return;
            }
            sm.fire(AdapterStateMachine.Event.PAUSE);
        } finally {
            sendGate.writeLock().unlock();
        }
        pauseComplete = new CountDownLatch(1);
        NdisStatus status = port.call(name, instanceId(), "MiniportPause", TraceEvent.argMap("pauseReason", reason),
                () -> chars.pauseHandler.pause(context, new NdisMiniportPauseParameters(reason)),
                NdisStatus.NDIS_STATUS_SUCCESS);
        if (status == NdisStatus.NDIS_STATUS_PENDING) {
            await(pauseComplete, "NdisMPauseComplete");
        } else if (status != NdisStatus.NDIS_STATUS_SUCCESS) {
            port.verifier.report("MiniportPauseFailed", 0xC9, name, instanceId(),
                    "MiniportPause returned " + status + "; it cannot fail (SUCCESS or PENDING only)");
        }
        sm.fire(AdapterStateMachine.Event.PAUSE_COMPLETED);
        int left;
        synchronized (outstandingSends) {
            left = outstandingSends.size();
        }
        if (left > 0) {
            port.verifier.report("MiniportPauseWithSendsOutstanding", 0xC9, name, instanceId(),
                    left + " send NBL(s) not completed when the pause completed");
        }
    }

    /**
     * IRP_MN_SURPRISE_REMOVAL (spec/ndis-lifecycle.md section 5): NDIS tells the miniport at once with
     * MiniportDevicePnPEventNotify(NdisDevicePnPEventSurpriseRemoved), on the PnP worker at PASSIVE_LEVEL; the pause
     * and MiniportHaltEx(NdisHaltDeviceSurpriseRemoved) follow with IRP_MN_REMOVE_DEVICE. Once per adapter.
     */
    void surpriseRemoved() {
        if (halted || surpriseNotified) {
            return;
        }
        surpriseNotified = true;
        closing = true;
        port.callVoid(name, instanceId(), "MiniportDevicePnPEventNotify",
                TraceEvent.argMap("devicePnPEvent", NdisDevicePnpEvent.NdisDevicePnPEventSurpriseRemoved),
                () -> chars.devicePnPEventNotifyHandler.devicePnPEventNotify(context,
                        NdisDevicePnpEvent.NdisDevicePnPEventSurpriseRemoved));
    }

    /** Whether MiniportDevicePnPEventNotify(NdisDevicePnPEventSurpriseRemoved) was sent. PnP worker only. */
    private boolean surpriseNotified;

    /**
     * Orderly or surprise removal: [DevicePnPEventNotify(SurpriseRemoved)] → Pause (if Running) → HaltEx
     * (spec section 4.1 and 5.1, oracles 4 and 6).
     */
    void remove(boolean surprise) {
        if (halted) {
            return;
        }
        closing = true;
        if (surprise) {
            surpriseRemoved(); // when IRP_MN_SURPRISE_REMOVAL did not come first
        }
        pause(NdisMiniportPauseParameters.NDIS_PAUSE_MINIPORT_DEVICE_REMOVE);
        halt(surprise ? NdisHaltAction.NdisHaltDeviceSurpriseRemoved : NdisHaltAction.NdisHaltDeviceDisabled);
    }

    /**
     * IRP_MN_STOP_DEVICE of a resource rebalance (spec/ndis-lifecycle.md, halt action table): MiniportPause, then
     * MiniportHaltEx(NdisHaltDeviceStopped); MiniportInitializeEx and MiniportRestart follow with the new resources on
     * a new adapter block. The pause reason is NDIS_PAUSE_MINIPORT_DEVICE_REMOVE, as NDIS tears the adapter down for the
     * stop as for a removal (the digest names no other reason for a PnP stop). On the PnP worker at PASSIVE_LEVEL.
     */
    void stop() {
        if (halted) {
            return;
        }
        closing = true;
        pause(NdisMiniportPauseParameters.NDIS_PAUSE_MINIPORT_DEVICE_REMOVE);
        halt(NdisHaltAction.NdisHaltDeviceStopped);
    }

    /** Whether the adapter is in a low-power state (OID_PNP_SET_POWER D3 was set): sends fail with LOW_POWER_STATE. */
    private volatile boolean lowPower;

    /**
     * IRP_MN_SET_POWER to D3 for a system sleep (spec/ndis-lifecycle.md section 5 item 3, oracle 10): MiniportPause
     * (NDIS_PAUSE_LOW_POWER), then OID_PNP_SET_POWER with NdisDeviceStateD3 (4), which must not fail. On the PnP worker
     * at PASSIVE_LEVEL.
     */
    void sleep() {
        if (halted || closing) {
            return;
        }
        pause(NdisMiniportPauseParameters.NDIS_PAUSE_LOW_POWER);
        setPower(4);
        lowPower = true;
    }

    /** Whether the miniport set NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND: NDIS pauses it for a sleep, not halts it. */
    boolean noHaltOnSuspend() {
        NdisMiniportAdapterAttributes.Registration r = registration;
        return r != null && (r.attributeFlags() & NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND) != 0;
    }

    /**
     * A system sleep for a miniport without NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND (section 5 item 3, "non-PM
     * miniports are halted before D3 and re-initialized on wake"): MiniportPause, then
     * MiniportHaltEx(NdisHaltDevicePoweredDown). On the PnP worker at PASSIVE_LEVEL.
     */
    void haltForSleep() {
        if (halted) {
            return;
        }
        closing = true;
        pause(NdisMiniportPauseParameters.NDIS_PAUSE_LOW_POWER);
        halt(NdisHaltAction.NdisHaltDevicePoweredDown);
    }

    /**
     * IRP_MN_SET_POWER to D0 on wake: OID_PNP_SET_POWER with NdisDeviceStateD0 (1),
     * MiniportDevicePnPEventNotify(NdisDevicePnPEventPowerProfileChanged) (it follows every SET_POWER D0), then
     * MiniportRestart, since NDIS paused the adapter before the sleep. On the PnP worker at PASSIVE_LEVEL.
     */
    void wake() {
        if (halted || closing || !lowPower) {
            return;
        }
        setPower(1);
        lowPower = false;
        port.callVoid(name, instanceId(), "MiniportDevicePnPEventNotify",
                TraceEvent.argMap("devicePnPEvent", NdisDevicePnpEvent.NdisDevicePnPEventPowerProfileChanged),
                () -> chars.devicePnPEventNotifyHandler.devicePnPEventNotify(context,
                        NdisDevicePnpEvent.NdisDevicePnPEventPowerProfileChanged));
        restart();
    }

    private void setPower(int ndisDeviceState) {
        byte[] value = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(ndisDeviceState).array();
        NdisStatus s = oidRequest(NdisOidRequest.set(NdisOid.OID_PNP_SET_POWER, 0, value));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            port.verifier.report("SetPowerFailed", 0xC9, name, instanceId(), "OID_PNP_SET_POWER to "
                    + (ndisDeviceState == 1 ? "D0" : "D3") + " returned " + s + "; a miniport must not fail it");
        }
    }

    /**
     * System shutdown: MiniportShutdownEx(NdisShutdownPowerOff) (section 4 item 5); NDIS calls nothing of the adapter
     * after it. On the PnP worker at PASSIVE_LEVEL.
     */
    void shutdown() {
        if (halted) {
            return;
        }
        closing = true;
        port.callVoid(name, instanceId(), "MiniportShutdownEx",
                TraceEvent.argMap("shutdownAction", NdisShutdownAction.NdisShutdownPowerOff),
                () -> chars.shutdownHandlerEx.shutdownEx(context, NdisShutdownAction.NdisShutdownPowerOff));
    }

    /** MiniportHaltEx from Paused, after every OID and send has completed. */
    private void halt(NdisHaltAction action) {
        closing = true;
        checkForHang.stop(true); // the timer is cancelled before MiniportHaltEx (already so after a pause)
        if (!acquire(oidLock)) { // waits for an OID in flight: NDIS does not halt with an OID outstanding
            return; // isolated while an OID request hung in the miniport
        }
        try {
            awaitSendsDrained();
            inHalt = true;
            try {
                // MiniportInterrupt may preempt it on a processor until it deregisters the interrupt (seed page)
                port.callVoid(name, instanceId(), "MiniportHaltEx", TraceEvent.argMap("haltAction", action),
                        () -> chars.haltHandlerEx.haltEx(context, action));
            } finally {
                inHalt = false;
            }
            sm.fire(AdapterStateMachine.Event.HALT);
            halted = true;
        } finally {
            oidLock.unlock();
        }
        checkTimersFreed("after MiniportHaltEx");
        hardware.checkReleased("when MiniportHaltEx returned");
    }

    private void awaitSendsDrained() {
        long deadline = System.nanoTime() + COMPLETION_TIMEOUT.toNanos();
        synchronized (outstandingSends) {
            while (!outstandingSends.isEmpty() && !isolated()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    port.verifier.report("SendsOutstandingAtHalt", 0xC9, name, instanceId(),
                            outstandingSends.size() + " send NBL(s) never completed; NDIS halts anyway");
                    outstandingSends.clear();
                    return;
                }
                try {
                    outstandingSends.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void checkTimersFreed(String when) {
        if (!timers.isEmpty()) {
            port.verifier.report("NdisTimerNotFreed", 0xC4, name, instanceId(),
                    timers.size() + " timer object(s) still allocated " + when);
            for (NdisTimerImpl t : List.copyOf(timers)) {
                t.cancelSilently();
            }
            timers.clear();
        }
    }

    /**
     * Waits for a completion routine a miniport calls after returning PENDING, giving up (with the violation
     * CompletionNeverCalled) after {@link #COMPLETION_TIMEOUT}, or silently when the driver is isolated.
     *
     * @return whether the completion came
     */
    boolean await(CountDownLatch latch, String what) {
        long deadline = System.nanoTime() + COMPLETION_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (latch.await(100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
                if (isolated()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        port.verifier.report("CompletionNeverCalled", 0xC9, name, instanceId(),
                what + " not called within " + COMPLETION_TIMEOUT.toSeconds() + " s of a PENDING return");
        return false;
    }

    // ---- protocol side (any thread)

    /**
     * An OID request from the bound protocol (spec section 8): one at a time; waits for
     * NdisMOidRequestComplete when the miniport pends it.
     *
     * @return the final status; {@code NDIS_STATUS_NOT_ACCEPTED} while the adapter initializes, is
     *         being removed or is halted (the request never reaches the miniport)
     */
    NdisStatus oidRequest(NdisOidRequest request) {
        queueOid(request);
        try {
            return dispatchOid(request);
        } finally {
            queuedOids.remove(request.requestId());
        }
    }

    /**
     * Records an OID request as issued by the protocol and not yet with the miniport, so that NdisCancelOidRequest can
     * cancel it from now on (the harness calls this before it hands the request to its own thread).
     */
    void queueOid(NdisOidRequest request) {
        queuedOids.putIfAbsent(request.requestId(), Boolean.FALSE);
    }

    private NdisStatus dispatchOid(NdisOidRequest request) {
        if (closing || halted || sm.state() == AdapterState.Initializing || sm.state() == AdapterState.Halted) {
            return NdisStatus.NDIS_STATUS_NOT_ACCEPTED;
        }
        if (!acquire(oidLock)) {
            return NdisStatus.NDIS_STATUS_NOT_ACCEPTED;
        }
        try {
            if (closing || halted) {
                return NdisStatus.NDIS_STATUS_NOT_ACCEPTED;
            }
            if (Boolean.TRUE.equals(queuedOids.remove(request.requestId()))) {
                // cancelled before it reached the miniport: NDIS completes it itself
                return NdisStatus.NDIS_STATUS_REQUEST_ABORTED;
            }
            oidRequests.incrementAndGet();
            CompletableFuture<NdisStatus> pending = new CompletableFuture<>();
            pendingOid = pending;
            pendingOidRequest = request;
            NdisStatus status = port.call(name, instanceId(), "MiniportOidRequest", TraceEvent.argMap(
                            "requestType", request.requestType(), "oid", NdisOid.name(request.oid()),
                            "requestId", request.requestId(),
                            "informationBufferLength", request.informationBufferLength()),
                    () -> chars.oidRequestHandler.oidRequest(context, request), NdisStatus.NDIS_STATUS_FAILURE);
            if (status == NdisStatus.NDIS_STATUS_PENDING) {
                try {
                    status = pending.get(COMPLETION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    port.verifier.report("CompletionNeverCalled", 0xC9, name, instanceId(),
                            "NdisMOidRequestComplete not called for " + NdisOid.name(request.oid()));
                    status = NdisStatus.NDIS_STATUS_REQUEST_ABORTED;
                } catch (Exception e) {
                    status = NdisStatus.NDIS_STATUS_FAILURE;
                }
            }
            pendingOid = null;
            pendingOidRequest = null;
            if (status == NdisStatus.NDIS_STATUS_SUCCESS && request.oid() == NdisOid.OID_GEN_CURRENT_PACKET_FILTER
                    && !request.requestType().isQuery()) {
                packetFilter = request.informationBufferAsInt();
            }
            return status;
        } finally {
            oidLock.unlock();
        }
    }

    /**
     * NdisCancelOidRequest from the bound protocol (any thread, at most DISPATCH_LEVEL). When the request is the one
     * the miniport holds, NDIS calls MiniportCancelOidRequest(ctx, RequestId) and the miniport completes it (with
     * NDIS_STATUS_REQUEST_ABORTED); when it is still queued in NDIS behind another request, NDIS completes it itself
     * with NDIS_STATUS_REQUEST_ABORTED and the miniport never sees it; an unknown or completed request is ignored.
     * Source: nf-ndis-ndiscanceloidrequest, nc-ndis-miniport_cancel_oid_request.
     *
     * @return whether MiniportCancelOidRequest was called
     */
    boolean cancelOidRequest(long requestId) {
        NdisOidRequest held = pendingOidRequest;
        if (held != null && held.requestId() == requestId && !halted) {
            port.callVoid(name, instanceId(), "MiniportCancelOidRequest", TraceEvent.argMap("requestId", requestId),
                    () -> chars.cancelOidRequestHandler.cancelOidRequest(context, requestId));
            return true;
        }
        queuedOids.replace(requestId, Boolean.FALSE, Boolean.TRUE);
        return false;
    }

    /**
     * NdisCancelSendNetBufferLists from the bound protocol (any thread, at most DISPATCH_LEVEL): NDIS calls
     * MiniportCancelSend(ctx, CancelId), and the miniport completes the NBLs it holds with that cancel ID (with
     * NDIS_STATUS_SEND_ABORTED) through NdisMSendNetBufferListsComplete, each exactly once. Nothing is called once the
     * adapter is halted or being removed. Source: nf-ndis-ndiscancelsendnetbufferlists, nc-ndis-miniport_cancel_send.
     *
     * @return whether MiniportCancelSend was called
     */
    boolean cancelSend(long cancelId) {
        if (halted || sm.state() == AdapterState.Initializing) {
            return false;
        }
        port.callVoid(name, instanceId(), "MiniportCancelSend", TraceEvent.argMap("cancelId", cancelId),
                () -> chars.cancelSendHandler.cancelSend(context, cancelId));
        return true;
    }

    /**
     * Sends a chain from the bound protocol. While the adapter is not Running NDIS completes every NBL
     * itself with {@code NDIS_STATUS_PAUSED} and never calls the miniport (spec section 6).
     */
    void send(NetBufferList chain) {
        List<NetBufferList> nbls = NetBufferList.chain(chain);
        sendGate.readLock().lock();
        try {
            if (!closing && !halted && sm.state() == AdapterState.Running) {
                synchronized (outstandingSends) {
                    outstandingSends.addAll(nbls);
                }
                sendsRequested.addAndGet(nbls.size());
                perRequest("MiniportSendNetBufferLists", () -> TraceEvent.argMap(
                                "numberOfNetBufferLists", nbls.size(), "portNumber", 0, "sendFlags", 0),
                        () -> chars.sendNetBufferListsHandler.sendNetBufferLists(context, chain, 0, 0));
                return;
            }
        } finally {
            sendGate.readLock().unlock();
        }
        sendsRejected.addAndGet(nbls.size());
        ProtocolBinding b = binding;
        for (NetBufferList nbl : nbls) {
            nbl.status = lowPower ? NdisStatus.NDIS_STATUS_LOW_POWER_STATE : NdisStatus.NDIS_STATUS_PAUSED;
            if (b != null) {
                b.sendNetBufferListsComplete(this, nbl);
            }
        }
    }

    /**
     * Calls a per-request handler (send, return): recorded as a callback while per-request tracing is on,
     * called directly (with the same containment of a throwing driver) when it is off.
     */
    private void perRequest(String routine, java.util.function.Supplier<java.util.Map<String, ?>> args, Runnable call) {
        port.callbacks().callRequestVoid(name, instanceId(), routine, args, call);
    }

    /** @return whether the watchdog isolated this adapter's driver: no more waiting for it */
    boolean isolated() {
        return port.callbacks().isolated(name);
    }

    /**
     * Takes a lock NDIS waits on while a miniport routine runs (OIDs one at a time, sends against pause), giving up
     * when the driver is isolated: a hung routine never releases it.
     *
     * @return whether the lock is held
     */
    private boolean acquire(java.util.concurrent.locks.Lock lock) {
        try {
            while (!lock.tryLock(100, TimeUnit.MILLISECONDS)) {
                if (isolated() || halted) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The watchdog isolated the driver: forget the adapter without calling the miniport. Its timers are cancelled,
     * a pending OID request and outstanding sends complete with NDIS_STATUS_REQUEST_ABORTED, and anything waiting for
     * a pause or restart to complete stops waiting.
     */
    void isolate() {
        closing = true;
        halted = true;
        checkForHang.stop(false);
        for (NdisTimerImpl t : List.copyOf(timers)) {
            t.cancelSilently();
        }
        timers.clear();
        hardware.releaseSilently();
        CompletableFuture<NdisStatus> oid = pendingOid;
        if (oid != null) {
            oid.complete(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
        }
        CountDownLatch p = pauseComplete;
        if (p != null) {
            p.countDown();
        }
        CountDownLatch r = restartComplete;
        if (r != null) {
            r.countDown();
        }
        List<NetBufferList> sends;
        synchronized (outstandingSends) {
            sends = List.copyOf(outstandingSends);
            outstandingSends.clear();
            outstandingSends.notifyAll();
        }
        ProtocolBinding b = binding;
        for (NetBufferList nbl : sends) {
            nbl.status = NdisStatus.NDIS_STATUS_REQUEST_ABORTED;
            if (b != null) {
                b.sendNetBufferListsComplete(this, nbl);
            }
        }
    }

    // ---- NdisMiniportAdapterHandle: what the miniport calls

    /** @return whether MiniportHaltEx has been called: NDIS runs no more driver code for this adapter */
    boolean halted() {
        return halted;
    }

    /** Whether the DDI may go on: after MiniportHaltEx it is one NdisCallAfterHalt violation and is ignored. */
    boolean alive(String ddi) {
        if (halted) {
            port.verifier.report("NdisCallAfterHalt", 0xC9, name, instanceId(),
                    ddi + " called after MiniportHaltEx; NDIS ignores it");
            return false;
        }
        return true;
    }

    @Override
    public NdisStatus ndisMSetMiniportAttributes(NdisMiniportAdapterAttributes attrs) {
        port.checkIrql(name, instanceId(), "NdisMSetMiniportAttributes", Irql.PASSIVE_LEVEL);
        NdisStatus status;
        if (!inInitialize) {
            status = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;
        } else if (attrs instanceof NdisMiniportAdapterAttributes.Registration r) {
            registration = r;
            context = r.miniportAdapterContext();
            status = NdisStatus.NDIS_STATUS_SUCCESS;
        } else if (attrs instanceof NdisMiniportAdapterAttributes.General g) {
            if (registration == null) {
                status = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;
            } else {
                general = g;
                status = NdisStatus.NDIS_STATUS_SUCCESS;
            }
        } else {
            status = NdisStatus.NDIS_STATUS_INVALID_PARAMETER;
        }
        port.trace.ddi(name, instanceId(), "NdisMSetMiniportAttributes", TraceEvent.argMap(
                "miniportAttributes", attrs instanceof NdisMiniportAdapterAttributes.Registration
                        ? "NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES"
                        : attrs instanceof NdisMiniportAdapterAttributes.General
                        ? "NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES" : String.valueOf(attrs),
                "status", status));
        return status;
    }

    @Override
    public void ndisMSendNetBufferListsComplete(NetBufferList netBufferLists, int sendCompleteFlags) {
        port.checkIrql(name, instanceId(), "NdisMSendNetBufferListsComplete", Irql.DISPATCH_LEVEL);
        List<NetBufferList> nbls = NetBufferList.chain(netBufferLists);
        if (port.trace.ioTracing()) {
            port.trace.ddi(name, instanceId(), "NdisMSendNetBufferListsComplete", TraceEvent.argMap(
                    "numberOfNetBufferLists", nbls.size(),
                    "status", nbls.isEmpty() ? null : nbls.get(0).status,
                    "sendCompleteFlags", sendCompleteFlags));
        }
        if (!alive("NdisMSendNetBufferListsComplete")) {
            return;
        }
        ProtocolBinding b = binding;
        for (NetBufferList nbl : nbls) {
            boolean known;
            synchronized (outstandingSends) {
                known = outstandingSends.remove(nbl);
                if (outstandingSends.isEmpty()) {
                    outstandingSends.notifyAll();
                }
            }
            if (!known) {
                port.verifier.report("SendCompleteOfUnknownNbl", 0xC9, name, instanceId(),
                        "NdisMSendNetBufferListsComplete for an NBL that is not outstanding (completed twice?)");
                continue;
            }
            sendsCompleted.incrementAndGet();
            nbl.next = null;
            if (b != null) {
                b.sendNetBufferListsComplete(this, nbl);
            }
        }
    }

    @Override
    public void ndisMIndicateReceiveNetBufferLists(NetBufferList netBufferLists, int portNumber, int count,
                                                   int receiveFlags) {
        port.checkIrql(name, instanceId(), "NdisMIndicateReceiveNetBufferLists", Irql.DISPATCH_LEVEL);
        List<NetBufferList> nbls = NetBufferList.chain(netBufferLists);
        if (port.trace.ioTracing()) {
            port.trace.ddi(name, instanceId(), "NdisMIndicateReceiveNetBufferLists", TraceEvent.argMap(
                    "portNumber", portNumber, "numberOfNetBufferLists", count, "receiveFlags", AdapterHardware.hex(Integer.toUnsignedLong(receiveFlags), 1)));
        }
        if (!alive("NdisMIndicateReceiveNetBufferLists")) {
            return;
        }
        AdapterState s = sm.state();
        if (s != AdapterState.Running && s != AdapterState.Restarting && s != AdapterState.Pausing) {
            port.verifier.report("IndicateReceiveWhenNotRunning", 0xC9, name, instanceId(),
                    "NdisMIndicateReceiveNetBufferLists in state " + s + " (legal from MiniportRestart until the pause completes)");
        } else {
            receivesIndicated.addAndGet(nbls.size());
            ProtocolBinding b = binding;
            if (b != null) {
                b.receiveNetBufferLists(this, netBufferLists, nbls.size());
            }
        }
        if ((receiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES) == 0) {
            // The protocol has returned the NBLs: give them back to the miniport (spec section 7).
            receivesReturned.addAndGet(nbls.size());
            perRequest("MiniportReturnNetBufferLists",
                    () -> TraceEvent.argMap("numberOfNetBufferLists", nbls.size(), "returnFlags", 0),
                    () -> chars.returnNetBufferListsHandler.returnNetBufferLists(context, netBufferLists, 0));
        }
    }

    @Override
    public void ndisMOidRequestComplete(NdisOidRequest oidRequest, NdisStatus status) {
        port.checkIrql(name, instanceId(), "NdisMOidRequestComplete", Irql.DISPATCH_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisMOidRequestComplete", TraceEvent.argMap(
                "oid", NdisOid.name(oidRequest.oid()), "requestId", oidRequest.requestId(), "status", status));
        CompletableFuture<NdisStatus> p = pendingOid;
        if (p == null || pendingOidRequest != oidRequest || !p.complete(status)) {
            port.verifier.report("OidCompleteOfUnknownRequest", 0xC9, name, instanceId(),
                    "NdisMOidRequestComplete for a request that is not pending (completed twice?)");
        }
    }

    @Override
    public void ndisMPauseComplete() {
        port.checkIrql(name, instanceId(), "NdisMPauseComplete", Irql.DISPATCH_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisMPauseComplete", TraceEvent.argMap());
        CountDownLatch l = pauseComplete;
        if (l == null || l.getCount() == 0 || sm.state() != AdapterState.Pausing) {
            port.verifier.report("PauseCompleteWithoutPendingPause", 0xC9, name, instanceId(),
                    "NdisMPauseComplete without a pending MiniportPause");
            return;
        }
        l.countDown();
    }

    @Override
    public void ndisMRestartComplete(NdisStatus status) {
        port.checkIrql(name, instanceId(), "NdisMRestartComplete", Irql.DISPATCH_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisMRestartComplete", TraceEvent.argMap("status", status));
        CountDownLatch l = restartComplete;
        if (l == null || l.getCount() == 0 || sm.state() != AdapterState.Restarting) {
            port.verifier.report("RestartCompleteWithoutPendingRestart", 0xC9, name, instanceId(),
                    "NdisMRestartComplete without a pending MiniportRestart");
            return;
        }
        restartStatus = status;
        l.countDown();
    }

    @Override
    public void ndisMResetComplete(NdisStatus status, boolean addressingReset) {
        port.checkIrql(name, instanceId(), "NdisMResetComplete", Irql.DISPATCH_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisMResetComplete", TraceEvent.argMap("status", status,
                "addressingReset", addressingReset ? "TRUE" : "FALSE"));
        if (!alive("NdisMResetComplete")) {
            return;
        }
        if (!checkForHang.resetComplete()) {
            port.verifier.report("ResetCompleteWithoutPendingReset", 0xC9, name, instanceId(),
                    "NdisMResetComplete without a pending MiniportResetEx");
        }
    }

    @Override
    public NdisTimer ndisAllocateTimerObject(String timerName, Runnable timerFunction) {
        port.checkIrql(name, instanceId(), "NdisAllocateTimerObject", Irql.PASSIVE_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisAllocateTimerObject", TraceEvent.argMap("timer", timerName));
        NdisTimerImpl t = new NdisTimerImpl(this, timerName, timerFunction);
        if (alive("NdisAllocateTimerObject")) {
            timers.add(t);
        } else {
            t.cancelSilently(); // a dead timer: setting it does nothing
        }
        return t;
    }

    void timerFreed(NdisTimerImpl t) {
        timers.remove(t);
    }

    /**
     * Waits until what the adapter's device has already taken in reaches the protocol: first until the device is quiet
     * (every frame it took stored, every interrupt cause it raised read by the ISR; a virtual device at once), then
     * until the ISRs and DPCs queued by then on this adapter's processor have run. The marker goes through an
     * interrupt-level step first, so that an ISR running now has queued its DPC before the marker DPC is queued
     * behind it. A device that does not become quiet within {@link #QUIET_TIMEOUT} (it keeps receiving, or storms)
     * is not waited for longer.
     *
     * @return whether the device was quiet within {@link #QUIET_TIMEOUT} and the marker ran within the completion
     *         timeout
     */
    boolean drainDpcs() throws InterruptedException {
        boolean quiet = node.awaitHardwareQuiet(QUIET_TIMEOUT);
        CountDownLatch marker = new CountDownLatch(1);
        port.scheduler.requestInterrupt(processor, "drain " + instanceId(),
                () -> port.scheduler.queueDpc(processor, "drain " + instanceId(), marker::countDown));
        return marker.await(COMPLETION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && quiet;
    }

    /** The packet filter last set successfully through NDIS (NDIS answers queries of it; spec section 8). */
    volatile int packetFilter;

    @Override
    public Executor dpcExecutor() {
        // a KDPC's CustomDpc routine is driver code: called under the one rule, blamed on this adapter's driver
        // after MiniportHaltEx a DPC is not queued (one violation), and one queued before does not run
        return r -> {
            if (alive("KeInsertQueueDpc")) {
                port.scheduler.queueDpc(processor, "CustomDpc of " + instanceId(), () -> {
                    if (!halted) {
                        port.callbacks().callRequestVoid(name, instanceId(), "CustomDpc", TraceEvent::argMap, r);
                    }
                });
            }
        };
    }

    // ---- hardware (AdapterHardware does the work and the tracking)

    /** @return whether MiniportInitializeEx is running */
    boolean inInitialize() {
        return inInitialize;
    }

    /** @return whether MiniportHaltEx is running */
    boolean inHalt() {
        return inHalt;
    }

    /** @return the registration attributes the miniport set, or null */
    NdisMiniportAdapterAttributes.Registration registration() {
        return registration;
    }

    /** @return the link state last indicated with NDIS_STATUS_LINK_STATE, or null */
    org.drvsim.ndis.NdisLinkState linkState() {
        return linkState;
    }

    @Override
    public NdisStatus ndisMMapIoSpace(org.drvsim.ndis.NdisIoSpace[] virtualAddress, long physicalAddress, int length) {
        return hardware.mapIoSpace(virtualAddress, physicalAddress, length);
    }

    @Override
    public void ndisMUnmapIoSpace(org.drvsim.ndis.NdisIoSpace virtualAddress, int length) {
        hardware.unmapIoSpace(virtualAddress, length);
    }

    @Override
    public <I> NdisStatus ndisMRegisterInterruptEx(I miniportInterruptContext,
                                                   org.drvsim.ndis.NdisMiniportInterruptCharacteristics<I> characteristics,
                                                   org.drvsim.ndis.NdisInterruptHandle[] ndisInterruptHandle) {
        return hardware.registerInterrupt(miniportInterruptContext, characteristics, ndisInterruptHandle);
    }

    @Override
    public NdisStatus ndisMRegisterScatterGatherDma(org.drvsim.ndis.NdisSgDmaDescription dmaDescription,
                                                    org.drvsim.ndis.NdisDmaHandle[] ndisMiniportDmaHandle) {
        return hardware.registerScatterGatherDma(dmaDescription, ndisMiniportDmaHandle);
    }

    @Override
    public org.drvsim.ndis.NdisSharedMemory ndisMAllocateSharedMemory(int length, boolean cached) {
        return hardware.allocateSharedMemory(length, cached);
    }

    @Override
    public void ndisMFreeSharedMemory(int length, boolean cached, org.drvsim.ndis.NdisSharedMemory virtualAddress,
                                      long physicalAddress) {
        hardware.freeSharedMemory(length, cached, virtualAddress, physicalAddress);
    }

    @Override
    public void ndisMSleep(long microsecondsToSleep) {
        if (microsecondsToSleep < 0) {
            throw new IllegalArgumentException("NdisMSleep of " + microsecondsToSleep + " microseconds by " + name
                    + " on " + instanceId() + ": the interval is 0 or more");
        }
        port.checkIrql(name, instanceId(), "NdisMSleep", Irql.PASSIVE_LEVEL);
        port.trace.ddi(name, instanceId(), "NdisMSleep", TraceEvent.argMap("microsecondsToSleep", microsecondsToSleep));
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(microsecondsToSleep);
        boolean interrupted = false;
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
            interrupted |= Thread.interrupted(); // the wait is not cut short; the flag is kept for the caller
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void ndisMIndicateStatusEx(org.drvsim.ndis.NdisStatusIndication statusIndication) {
        port.checkIrql(name, instanceId(), "NdisMIndicateStatusEx", Irql.DISPATCH_LEVEL);
        Object buffer = statusIndication == null ? null : statusIndication.statusBuffer();
        port.trace.ddi(name, instanceId(), "NdisMIndicateStatusEx", TraceEvent.argMap(
                "statusCode", statusIndication == null ? null : statusIndication.statusCode(),
                "mediaConnectState", buffer instanceof org.drvsim.ndis.NdisLinkState l ? l.mediaConnectState() : null));
        if (!alive("NdisMIndicateStatusEx") || statusIndication == null) {
            return;
        }
        if (statusIndication.statusCode() == NdisStatus.NDIS_STATUS_LINK_STATE) {
            if (buffer instanceof org.drvsim.ndis.NdisLinkState l) {
                linkState = l;
            } else {
                port.verifier.report("BadStatusIndication", 0xC9, name, instanceId(),
                        "NDIS_STATUS_LINK_STATE indicated without an NDIS_LINK_STATE status buffer");
            }
        }
    }

    @Override
    public String toString() {
        return instanceId();
    }
}
