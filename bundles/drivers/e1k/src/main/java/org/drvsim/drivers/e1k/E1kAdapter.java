package org.drvsim.drivers.e1k;

import static org.drvsim.drivers.e1k.E1kHardware.*;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.drvsim.ndis.NdisDevicePnpEvent;
import org.drvsim.ndis.NdisDmaHandle;
import org.drvsim.ndis.NdisHaltAction;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisInterruptHandle;
import org.drvsim.ndis.NdisIoSpace;
import org.drvsim.ndis.NdisLinkState;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportInitParameters;
import org.drvsim.ndis.NdisMiniportPauseParameters;
import org.drvsim.ndis.NdisMiniportRestartParameters;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisSgDmaDescription;
import org.drvsim.ndis.NdisSharedMemory;
import org.drvsim.ndis.NdisShutdownAction;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisStatusIndication;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.CmResourceType;

/**
 * One adapter (the MiniportAdapterContext) and its PnP handlers: MiniportInitializeEx, MiniportHaltEx, MiniportPause,
 * MiniportRestart, MiniportDevicePnPEventNotify, MiniportShutdownEx, MiniportCheckForHangEx and MiniportResetEx. All of
 * them run at PASSIVE_LEVEL on the PnP worker (check-for-hang and reset on a system worker thread).
 *
 * <p>MiniportInitializeEx records each resource it acquires as an {@link Step undo step}; a failure unwinds the steps
 * taken so far, and MiniportHaltEx unwinds all of them, so that halt releases with the reciprocal NDIS functions in
 * the reverse order of initialization (spec/seeds/ndis-halting-a-miniport-adapter.md):
 * <pre>
 *   NdisMMapIoSpace                    NdisMUnmapIoSpace
 *   NdisMRegisterScatterGatherDma      NdisMDeregisterScatterGatherDma
 *   NdisMAllocateSharedMemory (TX ring, RX ring, RX buffers)   NdisMFreeSharedMemory (RX buffers, RX ring, TX ring)
 *   NdisMRegisterInterruptEx           NdisMDeregisterInterruptEx
 *   program the NIC, enable IMS        IMC, RCTL and TCTL off (the NIC stops interrupting and DMAing)
 * </pre>
 */
final class E1kAdapter {
    static final int MTU = 1500;
    static final int HEADER_SIZE = 14;
    static final int MAX_MULTICAST = 32;
    static final long LINK_SPEED = 1_000_000_000L;
    /** Interrupt throttling: at most one interrupt every 488 * 256 ns (about 8000 a second), as e1000's default. */
    static final int ITR_VALUE = 488;
    /** Seconds between MiniportCheckForHangEx calls (NDIS rounds to multiples of 2). */
    static final int CHECK_FOR_HANG_SECONDS = 2;
    static final int SUPPORTED_FILTERS = NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | NdisPacketType.NDIS_PACKET_TYPE_MULTICAST
            | NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST | NdisPacketType.NDIS_PACKET_TYPE_BROADCAST
            | NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS;
    static final List<Integer> SUPPORTED_OIDS = List.of(NdisOid.OID_GEN_SUPPORTED_LIST, NdisOid.OID_GEN_MAXIMUM_FRAME_SIZE,
            NdisOid.OID_GEN_MAXIMUM_TOTAL_SIZE, NdisOid.OID_GEN_CURRENT_PACKET_FILTER, NdisOid.OID_GEN_CURRENT_LOOKAHEAD,
            NdisOid.OID_GEN_LINK_STATE, NdisOid.OID_GEN_STATISTICS, NdisOid.OID_802_3_PERMANENT_ADDRESS,
            NdisOid.OID_802_3_CURRENT_ADDRESS, NdisOid.OID_802_3_MULTICAST_LIST, NdisOid.OID_802_3_MAXIMUM_LIST_SIZE);

    /** The adapter's data-path state, as the send and receive paths see it (spec/ndis-lifecycle.md section 2). */
    enum State { PAUSED, RUNNING, PAUSING }

    /** A resource InitializeEx acquired and the call that releases it. */
    private record Step(String acquired, Runnable release) {
    }

    final NdisMiniportAdapterHandle handle;
    /** The undo steps of InitializeEx, the newest first. */
    private final Deque<Step> steps = new ArrayDeque<>();
    E1kHardware hw;
    NdisDmaHandle dma;
    NdisInterruptHandle interrupt;
    E1kTransmit tx;
    E1kReceive rx;
    byte[] permanentAddress;
    byte[] currentAddress;
    /** Changed under both the send and the receive lock (in that order); read by either path under its own. */
    volatile State state = State.PAUSED;
    /** Set by MiniportPause when it returned PENDING; cleared by whoever calls NdisMPauseComplete. Under pauseLock. */
    private boolean pausePending;
    private final Object pauseLock = new Object();
    volatile int packetFilter;
    volatile byte[][] multicastList = new byte[0][];
    volatile int lookahead = MTU;
    volatile boolean linkUp;
    /** ICR causes the ISRs read and the DPC has not handled yet. */
    final AtomicInteger pendingCauses = new AtomicInteger();
    final E1kStatistics stats = new E1kStatistics();
    /** What MiniportCheckForHangEx saw last time: frames reclaimed, and whether frames were waiting. */
    private long reclaimedAtLastCheck = -1;

    private E1kAdapter(NdisMiniportAdapterHandle handle) {
        this.handle = handle;
    }

    // ---- MiniportInitializeEx

    /**
     * MiniportInitializeEx: PASSIVE_LEVEL. Registration attributes; the BAR mapped from AllocatedResources; the NIC
     * reset and its MAC address read from the EEPROM (the configuration keyword {@code NetworkAddress}, 12 hex digits,
     * overrides the current address, as on Windows); general attributes; scatter/gather DMA; shared memory for the
     * transmit ring, the receive ring and the receive buffers; the interrupt; the NIC programmed and its interrupts
     * enabled; the link state indicated. On a failure everything acquired is released in reverse and the status
     * returned; NDIS then calls no MiniportHaltEx (spec/ndis-lifecycle.md section 3.3).
     */
    static NdisStatus initializeEx(NdisMiniportAdapterHandle handle, NdisMiniportInitParameters params) {
        E1kAdapter a = new E1kAdapter(handle);
        NdisStatus s;
        try {
            s = a.initialize(params);
        } catch (RuntimeException e) {
            a.unwind();
            throw e;
        }
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            a.unwind();
        }
        return s;
    }

    private NdisStatus initialize(NdisMiniportInitParameters params) {
        NdisStatus s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(this,
                NdisMiniportAdapterAttributes.NDIS_MINIPORT_ATTRIBUTES_SURPRISE_REMOVE_OK, CHECK_FOR_HANG_SECONDS,
                NdisInterfaceType.NdisInterfacePci));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        CmResourceDescriptor bar = params.allocatedResources().stream()
                .filter(r -> r.type() == CmResourceType.CmResourceTypeMemory).findFirst().orElse(null);
        boolean hasInterrupt = params.allocatedResources().stream()
                .anyMatch(r -> r.type() == CmResourceType.CmResourceTypeInterrupt);
        if (bar == null || !hasInterrupt) {
            return NdisStatus.NDIS_STATUS_RESOURCES; // not the NIC this driver knows
        }

        NdisIoSpace[] io = new NdisIoSpace[1];
        int barLength = (int) bar.length();
        s = handle.ndisMMapIoSpace(io, bar.start(), barLength);
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        hw = new E1kHardware(io[0]);
        steps.push(new Step("NdisMMapIoSpace", () -> handle.ndisMUnmapIoSpace(hw.registers(), barLength)));

        // The NIC as the BIOS left it: reset (self-clearing), mask and acknowledge every cause.
        hw.write(CTRL, CTRL_RST);
        hw.write(IMC, IMC_ALL);
        hw.read(ICR);
        permanentAddress = hw.readMacAddressFromEeprom();
        if (permanentAddress == null) {
            return NdisStatus.NDIS_STATUS_ADAPTER_NOT_READY; // the EEPROM did not answer: the NIC is not there
        }
        currentAddress = permanentAddress.clone();
        String configured = params.configuration().get("NetworkAddress");
        if (configured != null) {
            byte[] mac;
            try {
                mac = HexFormat.of().parseHex(configured.replace("-", "").replace(":", ""));
            } catch (IllegalArgumentException e) {
                return NdisStatus.NDIS_STATUS_INVALID_DATA;
            }
            if (mac.length != 6 || (mac[0] & 1) != 0) {
                return NdisStatus.NDIS_STATUS_INVALID_DATA;
            }
            currentAddress = mac;
        }
        linkUp = (hw.read(STATUS) & STATUS_LU) != 0;
        s = handle.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, MTU,
                LINK_SPEED, LINK_SPEED, linkUp ? NdisMediaConnectState.MediaConnectStateConnected
                        : NdisMediaConnectState.MediaConnectStateDisconnected, 6, permanentAddress, currentAddress,
                SUPPORTED_FILTERS, MAX_MULTICAST, SUPPORTED_OIDS));
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }

        NdisSgDmaDescription sg = new NdisSgDmaDescription();
        sg.flags = NdisSgDmaDescription.NDIS_SG_DMA_64_BIT_ADDRESS;
        sg.maximumPhysicalMapping = E1kTransmit.MAX_FRAME;
        sg.processSGListHandler = (list, context) -> E1kTransmit.processSGList(this, list, context);
        NdisDmaHandle[] dmaHandle = new NdisDmaHandle[1];
        s = handle.ndisMRegisterScatterGatherDma(sg, dmaHandle);
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        dma = dmaHandle[0];
        steps.push(new Step("NdisMRegisterScatterGatherDma", dma::ndisMDeregisterScatterGatherDma));

        NdisSharedMemory txRing = allocateSharedMemory(E1kTransmit.RING_BYTES);
        NdisSharedMemory rxRing = txRing == null ? null : allocateSharedMemory(E1kReceive.RING_BYTES);
        NdisSharedMemory rxBuffers = rxRing == null ? null : allocateSharedMemory(E1kReceive.BUFFERS_BYTES);
        if (rxBuffers == null) {
            return NdisStatus.NDIS_STATUS_RESOURCES;
        }
        tx = new E1kTransmit(this, txRing);
        rx = new E1kReceive(this, rxRing, rxBuffers);

        NdisInterruptHandle[] interruptHandle = new NdisInterruptHandle[1];
        s = handle.ndisMRegisterInterruptEx(this, E1kInterrupt.characteristics(), interruptHandle);
        if (s != NdisStatus.NDIS_STATUS_SUCCESS) {
            return s;
        }
        interrupt = interruptHandle[0];
        // From here MiniportInterrupt may run; the NIC raises nothing until IMS is written below.
        steps.push(new Step("NdisMRegisterInterruptEx", () -> {
            interrupt.ndisMDeregisterInterruptEx(); // waits for a running ISR and DPC: none touches the NIC after it
            resetNic();
        }));

        programNic();
        steps.push(new Step("the NIC programmed", this::stopNic));
        indicateLinkState();
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    /** NdisMAllocateSharedMemory, recording its NdisMFreeSharedMemory. @return the block, or null */
    private NdisSharedMemory allocateSharedMemory(int length) {
        NdisSharedMemory m = handle.ndisMAllocateSharedMemory(length, true);
        if (m != null) {
            steps.push(new Step("NdisMAllocateSharedMemory " + length,
                    () -> handle.ndisMFreeSharedMemory(length, true, m, m.physicalAddress())));
        }
        return m;
    }

    /**
     * Programs a quiet (just reset) NIC: receive address 0, the multicast table, both rings, RCTL from the packet
     * filter, TCTL, interrupt throttling, and finally the interrupt mask. PASSIVE_LEVEL.
     */
    private void programNic() {
        hw.writeReceiveAddress(currentAddress);
        hw.writeMulticastTable(multicastList);
        tx.program(hw);
        rx.program(hw);
        hw.write(RCTL, receiveControl(packetFilter));
        hw.write(ITR, ITR_VALUE);
        hw.write(IMS, IMS_ENABLE);
    }

    /**
     * RCTL for an NDIS packet filter: 0 disables the receiver (NDIS wants no frames); PROMISCUOUS sets unicast and
     * multicast promiscuous; ALL_MULTICAST multicast promiscuous; BROADCAST broadcast accept. 2048-byte buffers, the
     * FCS stripped.
     */
    static int receiveControl(int filter) {
        if (filter == 0) {
            return RCTL_BSIZE_2048 | RCTL_SECRC;
        }
        int rctl = RCTL_EN | RCTL_BSIZE_2048 | RCTL_SECRC;
        if ((filter & NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS) != 0) {
            rctl |= RCTL_UPE | RCTL_MPE | RCTL_BAM;
        }
        if ((filter & NdisPacketType.NDIS_PACKET_TYPE_ALL_MULTICAST) != 0) {
            rctl |= RCTL_MPE;
        }
        if ((filter & NdisPacketType.NDIS_PACKET_TYPE_BROADCAST) != 0) {
            rctl |= RCTL_BAM;
        }
        return rctl;
    }

    /** The NIC stops interrupting and moving frames: IMC every cause, receiver and transmitter off. */
    private void quiesceNic() {
        hw.write(IMC, IMC_ALL);
        hw.write(RCTL, 0);
        hw.write(TCTL, 0);
    }

    /**
     * The undo of programming the NIC, at PASSIVE_LEVEL: quiesce it and wait the 10 ms the 8254x reset sequence gives
     * DMA in flight to end (NdisMSleep; an e1000 driver's {@code msleep(10)} before the global reset). The reset
     * itself ({@link #resetNic}) follows the interrupt's deregistration, so that no DPC still running writes a ring
     * tail into a NIC that has forgotten its rings. A gone NIC is not touched.
     */
    private void stopNic() {
        if (hw.gone()) {
            return;
        }
        quiesceNic();
        handle.ndisMSleep(DMA_SETTLE_MICROS);
    }

    /** CTRL.RST, at PASSIVE_LEVEL with no ISR or DPC left: the NIC holds no ring address when the memory goes. */
    private void resetNic() {
        hw.write(CTRL, CTRL_RST); // dropped by E1kHardware when the NIC is gone
    }

    /** How long {@link #stopNic} lets DMA in flight end before the reset, in microseconds. */
    static final long DMA_SETTLE_MICROS = 10_000;

    /** Releases what InitializeEx acquired, newest first. */
    private void unwind() {
        for (Step step; (step = steps.poll()) != null; ) {
            step.release().run();
        }
    }

    // ---- MiniportHaltEx

    /**
     * MiniportHaltEx: PASSIVE_LEVEL, from Paused (no send, OID or indicated NBL outstanding). Until it deregisters the
     * interrupt, MiniportInterrupt can preempt it on another processor (spec/seeds/ndis-halting-a-miniport-adapter.md);
     * so the NIC's interrupts are disabled first, its receiver and transmitter stopped, 10 ms given to DMA in flight
     * (NdisMSleep: interrupts already raised may still run MiniportInterrupt meanwhile); then the interrupt
     * deregistered (which waits for a running ISR and DPC) and the NIC reset, then the memory the NIC DMAs into
     * freed, DMA deregistered and the BAR unmapped: InitializeEx in reverse.
     * After a surprise removal ({@code NdisHaltDeviceSurpriseRemoved}) the NIC is not touched; the rest is the same.
     */
    static void haltEx(E1kAdapter a, NdisHaltAction haltAction) {
        a.unwind();
    }

    // ---- MiniportPause / MiniportRestart

    /**
     * MiniportPause: PASSIVE_LEVEL. No indication starts after the state changes; sends still waiting for ring space
     * complete with NDIS_STATUS_PAUSED; sends on the ring complete from the DPC as the NIC finishes them (or at once
     * with NDIS_STATUS_FAILURE when the NIC is gone and never will). Returns SUCCESS when nothing is outstanding, else
     * PENDING, and whoever completes the last send or gets the last receive NBL back calls NdisMPauseComplete.
     */
    static NdisStatus pause(E1kAdapter a, NdisMiniportPauseParameters pauseParameters) {
        a.setState(State.PAUSING);
        a.tx.failWaiting(NdisStatus.NDIS_STATUS_PAUSED);
        if (a.hw.gone()) {
            a.tx.completeAll(a.tx.abandonAll(NdisStatus.NDIS_STATUS_FAILURE));
        }
        synchronized (a.pauseLock) {
            if (a.idle()) {
                a.state = State.PAUSED;
                return NdisStatus.NDIS_STATUS_SUCCESS;
            }
            a.pausePending = true;
            return NdisStatus.NDIS_STATUS_PENDING;
        }
    }

    private boolean idle() {
        return tx.owned() == 0 && rx.indicated() == 0;
    }

    /** After a send completion or a receive return (at most DISPATCH_LEVEL): completes a pending pause once idle. */
    void checkPauseComplete() {
        synchronized (pauseLock) {
            if (!pausePending || !idle()) {
                return;
            }
            pausePending = false;
            state = State.PAUSED;
        }
        handle.ndisMPauseComplete();
    }

    /** MiniportRestart: PASSIVE_LEVEL. Sends are accepted and frames indicated from now on. Never pends. */
    static NdisStatus restart(E1kAdapter a, NdisMiniportRestartParameters restartParameters) {
        a.setState(State.RUNNING);
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    private void setState(State s) {
        synchronized (tx) {
            synchronized (rx) {
                state = s;
            }
        }
    }

    // ---- link state

    /** Reads STATUS.LU and indicates NDIS_STATUS_LINK_STATE. At most DISPATCH_LEVEL (the DPC, on ICR.LSC). */
    void indicateLinkState() {
        int status = hw.read(STATUS);
        if (status == ALL_ONES) {
            return;
        }
        linkUp = (status & STATUS_LU) != 0;
        handle.ndisMIndicateStatusEx(new NdisStatusIndication(NdisStatus.NDIS_STATUS_LINK_STATE, new NdisLinkState(
                linkUp ? NdisMediaConnectState.MediaConnectStateConnected : NdisMediaConnectState.MediaConnectStateDisconnected,
                linkUp ? LINK_SPEED : 0, linkUp ? LINK_SPEED : 0)));
    }

    // ---- PnP events, shutdown

    /**
     * MiniportDevicePnPEventNotify: PASSIVE_LEVEL. On NdisDevicePnPEventSurpriseRemoved the driver stops touching the
     * NIC: no path may access a register once this returns. Non-interrupt paths check under the register lock; an ISR
     * running now on another processor is waited for with NdisMSynchronizeWithInterruptEx (the interrupt's lock), and
     * a later one sees the flag. The Pause and HaltEx that follow release the rest without touching the NIC.
     */
    static void devicePnPEventNotify(E1kAdapter a, NdisDevicePnpEvent devicePnPEvent) {
        if (devicePnPEvent == NdisDevicePnpEvent.NdisDevicePnPEventSurpriseRemoved) {
            a.hw.markGone();
            a.interrupt.ndisMSynchronizeWithInterruptEx(0, context -> true, a);
        }
    }

    /**
     * MiniportShutdownEx: PASSIVE_LEVEL for a power-off (possibly higher for a bug check). Puts the NIC in a known
     * state: no interrupt, no DMA. Frees nothing (no HaltEx follows).
     */
    static void shutdownEx(E1kAdapter a, NdisShutdownAction shutdownAction) {
        a.quiesceNic();
    }

    // ---- check for hang, reset

    /**
     * MiniportCheckForHangEx: PASSIVE_LEVEL, every {@value #CHECK_FOR_HANG_SECONDS} s while Running. First reclaims
     * what the NIC has finished (its DD bits), as the DPC would: a lost interrupt then costs a delay, not a reset, and
     * frames that were sent complete with NDIS_STATUS_SUCCESS. TRUE when frames have been on the transmit ring for a
     * whole interval without one being reclaimed (a hung NIC: MiniportResetEx recovers). A gone NIC is not hung (its
     * removal is on its way).
     */
    static boolean checkForHangEx(E1kAdapter a) {
        if (a.hw.gone()) {
            return false;
        }
        a.tx.reclaim(); // reads the ring in shared memory, not the NIC's registers
        long reclaimed = a.tx.reclaimed();
        boolean hung = a.tx.busy() && reclaimed == a.reclaimedAtLastCheck;
        a.reclaimedAtLastCheck = a.tx.busy() ? reclaimed : -1;
        return hung;
    }

    /**
     * MiniportResetEx: PASSIVE_LEVEL here (at most DISPATCH_LEVEL in the WDK). Abandons the frames on the transmit ring
     * (their NBLs complete with NDIS_STATUS_REQUEST_ABORTED), resets the NIC (CTRL.RST) and programs it again with the
     * current filter and multicast list, so no addressing reset is needed. Completes synchronously.
     */
    static NdisStatus resetEx(E1kAdapter a, boolean[] addressingReset) {
        if (a.hw.gone()) {
            return NdisStatus.NDIS_STATUS_HARD_ERRORS;
        }
        List<org.drvsim.ndis.NetBufferList> aborted;
        synchronized (a.tx) {
            synchronized (a.rx) {
                a.hw.write(IMC, IMC_ALL);
                a.hw.write(CTRL, CTRL_RST);
                a.hw.read(ICR);
                aborted = a.tx.abandonAll(NdisStatus.NDIS_STATUS_REQUEST_ABORTED);
                a.rx.forgetRing();
                a.programNic();
            }
        }
        a.tx.completeAll(aborted);
        a.reclaimedAtLastCheck = -1;
        addressingReset[0] = false;
        return NdisStatus.NDIS_STATUS_SUCCESS;
    }

    // ---- the control path's device updates (E1kOids)

    /** A new packet filter: RCTL. At most DISPATCH_LEVEL. */
    void applyPacketFilter(int filter) {
        synchronized (rx) {
            packetFilter = filter;
            hw.write(RCTL, receiveControl(filter));
        }
    }

    /** A new multicast list: the MTA. At most DISPATCH_LEVEL. */
    void applyMulticastList(byte[][] list) {
        synchronized (rx) {
            multicastList = list;
            hw.writeMulticastTable(list);
        }
    }
}
