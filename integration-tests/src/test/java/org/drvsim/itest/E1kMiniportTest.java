package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.FaultRule;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.nt.Irql;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * The e1k sample miniport on the default machine's two cabled PCI Ethernet controllers, over the real bundles: the
 * hardware it acquires in MiniportInitializeEx and releases in reverse in MiniportHaltEx, interrupts (MiniportInterrupt
 * at DIRQL, MiniportInterruptDPC at DISPATCH_LEVEL) and scatter/gather DMA on the data path, and frames crossing the
 * cable in both directions byte for byte.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class E1kMiniportTest extends E1kTestSupport {
    /** What MiniportInitializeEx calls, in order (register accesses left out). */
    static final List<String> INITIALIZE = List.of("MiniportInitializeEx", "NdisMSetMiniportAttributes",
            "NdisMMapIoSpace", "NdisMSetMiniportAttributes", "NdisMRegisterScatterGatherDma",
            "NdisMAllocateSharedMemory", "NdisMAllocateSharedMemory", "NdisMAllocateSharedMemory",
            "NdisMRegisterInterruptEx", "NdisMIndicateStatusEx");
    /** What MiniportHaltEx calls, in order: the reverse of MiniportInitializeEx's acquisitions. */
    static final List<String> HALT = List.of("MiniportHaltEx", "NdisMSleep", "NdisMDeregisterInterruptEx", "NdisMFreeSharedMemory",
            "NdisMFreeSharedMemory", "NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma", "NdisMUnmapIoSpace");

    @Test
    public void initializeExAcquiresTheHardwareAndHaltExReleasesItInReverseOrder() throws Exception {
        assertThat(lifecycle(E1K0)).containsExactlyElementsOf(
                concat(INITIALIZE, List.of("MiniportDevicePnPEventNotify", "MiniportRestart")));
        TraceEvent init = events(E1K0).stream().filter(e -> e.name().equals("MiniportInitializeEx")).findFirst().orElseThrow();
        assertThat(init.returnValue()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        List<String> acquired = events(E1K0).stream().filter(e -> e.name().equals("NdisMAllocateSharedMemory"))
                .map(e -> e.arg("physicalAddress") + "+" + e.arg("length")).toList();
        List<String> mapped = ranges(E1K0, "NdisMMapIoSpace");
        trace.clear();
        bundle(E1K).stop();
        for (String device : List.of(E1K0, E1K1)) {
            assertThat(lifecycle(device)).as(device).containsExactly(
                    concat(List.of("MiniportPause"), HALT).toArray(String[]::new));
        }
        List<String> freed = events(E1K0).stream().filter(e -> e.name().equals("NdisMFreeSharedMemory"))
                .map(e -> e.arg("physicalAddress") + "+" + e.arg("length")).toList();
        List<String> reversed = new ArrayList<>(acquired);
        Collections.reverse(reversed);
        assertThat(freed).as("shared memory freed in the reverse order of its allocation").isEqualTo(reversed);
        assertThat(ranges(E1K0, "NdisMUnmapIoSpace")).as("the BAR unmapped is the BAR mapped")
                .isEqualTo(mapped).hasSize(1);
        assertThat(verifier.violations()).isEmpty();
    }

    /** "physicalAddress+length" of each {@code ddi} (NdisMMapIoSpace, NdisMUnmapIoSpace) on {@code device}. */
    List<String> ranges(String device, String ddi) {
        return events(device).stream().filter(e -> e.name().equals(ddi))
                .map(e -> e.arg("physicalAddress") + "+" + e.arg("length")).toList();
    }

    @Test
    public void framesCrossTheCableBothWaysByteForByteThroughInterruptsAndDma() throws Exception {
        promiscuous(E1K0);
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        trace.clear();
        List<byte[]> there = frames(mac1, mac0, 40, 1);
        List<byte[]> received = sendAcross(E1K0, E1K1, there);
        assertThat(received).hasSameSizeAs(there);
        for (int i = 0; i < there.size(); i++) {
            assertThat(HexFormat.of().formatHex(received.get(i))).as("frame %d from 0000 to 0001", i)
                    .isEqualTo(HexFormat.of().formatHex(there.get(i)));
        }
        List<byte[]> back = frames(mac0, mac1, 40, 2);
        received = sendAcross(E1K1, E1K0, back);
        for (int i = 0; i < back.size(); i++) {
            assertThat(HexFormat.of().formatHex(received.get(i))).as("frame %d from 0001 to 0000", i)
                    .isEqualTo(HexFormat.of().formatHex(back.get(i)));
        }

        List<TraceEvent> sender = events(E1K0);
        assertThat(sender.stream().map(TraceEvent::name).filter(n -> !n.equals("NdisWriteRegisterUlong")).toList())
                .containsSubsequence("MiniportSendNetBufferLists", "NdisMAllocateNetBufferSGList", "MiniportProcessSGList",
                        "MiniportInterrupt", "MiniportInterruptDPC", "NdisMFreeNetBufferSGList",
                        "NdisMSendNetBufferListsComplete");
        assertThat(sender.stream().filter(e -> e.name().equals("MiniportInterrupt") && "TRUE".equals(e.returnValue())))
                .isNotEmpty().allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DIRQL));
        assertThat(sender.stream().filter(e -> e.name().equals("MiniportInterruptDPC") || e.name().equals("MiniportProcessSGList")))
                .isNotEmpty().allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DISPATCH_LEVEL));
        assertThat(events(E1K1).stream().map(TraceEvent::name).toList())
                .containsSubsequence("MiniportInterrupt", "MiniportInterruptDPC", "NdisMIndicateReceiveNetBufferLists",
                        "MiniportReturnNetBufferLists");
        assertThat(sum(E1K0, "MiniportSendNetBufferLists") + sum(E1K1, "MiniportSendNetBufferLists"))
                .isEqualTo(sum(E1K0, "NdisMSendNetBufferListsComplete") + sum(E1K1, "NdisMSendNetBufferListsComplete"))
                .isEqualTo(80);
        assertThat(sum(E1K1, "NdisMIndicateReceiveNetBufferLists")).isEqualTo(40);
        assertThat(gogo("ndis:oid '" + E1K1 + "' OID_GEN_STATISTICS")).contains("ifHCInUcastPkts=40");
    }

    @Test
    public void onControllersWithMessageSignalledInterruptsTheDriverGetsMiniportMessageInterruptAndItsDpc() throws Exception {
        String msi0 = "PCI\\VEN_8086&DEV_100E\\0002";
        String msi1 = "PCI\\VEN_8086&DEV_100E\\0003";
        plug(new DeviceSpec(msi0, List.of(E1kRegisters.HARDWARE_ID), "e1k with MSI", Map.of(DeviceSpec.DEVICE_TYPE,
                E1kRegisters.DEVICE_TYPE, E1kRegisters.MSI_PROPERTY, "true", E1kRegisters.CABLE_PROPERTY, msi1)));
        plug(new DeviceSpec(msi1, List.of(E1kRegisters.HARDWARE_ID), "e1k with MSI", Map.of(DeviceSpec.DEVICE_TYPE,
                E1kRegisters.DEVICE_TYPE, E1kRegisters.MSI_PROPERTY, "true")));
        awaitCallback("MiniportRestart", msi0);
        awaitCallback("MiniportRestart", msi1);
        TraceEvent registered = events(msi0).stream().filter(e -> e.name().equals("NdisMRegisterInterruptEx")).findFirst()
                .orElseThrow();
        assertThat(registered.args().toString()).contains("NDIS_CONNECT_MESSAGE_BASED");
        promiscuous(msi1);
        trace.clear();
        List<byte[]> there = frames(mac(msi1), mac(msi0), 20, 3);
        List<byte[]> received = sendAcross(msi0, msi1, there);
        for (int i = 0; i < there.size(); i++) {
            assertThat(received.get(i)).as("frame %d", i).isEqualTo(there.get(i));
        }
        for (String device : List.of(msi0, msi1)) {
            List<TraceEvent> events = events(device);
            assertThat(events.stream().map(TraceEvent::name)).as(device)
                    .contains("MiniportMessageInterrupt", "MiniportMessageInterruptDPC")
                    .doesNotContain("MiniportInterrupt", "MiniportInterruptDPC");
            assertThat(events.stream().filter(e -> e.name().equals("MiniportMessageInterrupt")))
                    .allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DIRQL));
        }
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void miniportInterruptPreemptsHaltExUntilItDeregistersTheInterruptAndNeverRunsAfter() throws Exception {
        // The device screams (interruptStorm: MiniportInterrupt every millisecond); MiniportHaltEx is held at its entry,
        // on the PnP worker, until MiniportInterrupt has run on a simulated processor: the seed page's preemption,
        // made deterministic. Then HaltEx goes on, masks the NIC and deregisters the interrupt.
        CountDownLatch preempted = new CountDownLatch(1);
        AtomicBoolean halting = new AtomicBoolean();
        armFault(E1K0, FaultRule.always("interruptStorm"));
        trace.clear();
        try (AutoCloseable hold = trace.subscribe(e -> {
            if (!e.device().equalsIgnoreCase(E1K0)) {
                return;
            }
            if (e.name().equals("MiniportHaltEx") && halting.compareAndSet(false, true)) {
                try {
                    preempted.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            } else if (e.name().equals("MiniportInterrupt") && halting.get()) {
                preempted.countDown();
            }
        })) {
            bundle(E1K).stop();
        }
        List<TraceEvent> events = events(E1K0);
        TraceEvent halt = events.stream().filter(e -> e.name().equals("MiniportHaltEx")).findFirst().orElseThrow();
        long deregister = seq(events, "NdisMDeregisterInterruptEx");
        TraceEvent isr = events.stream().filter(e -> e.name().equals("MiniportInterrupt") && e.seq() > halt.seq())
                .findFirst().orElseThrow(() -> new AssertionError("no MiniportInterrupt after the MiniportHaltEx entry"));
        assertThat(isr.seq()).as("MiniportInterrupt between the MiniportHaltEx entry and NdisMDeregisterInterruptEx")
                .isBetween(halt.seq(), deregister);
        assertThat(isr.irql()).isEqualTo(Irql.DIRQL);
        assertThat(isr.timeNanos()).as("while MiniportHaltEx ran").isBetween(halt.timeNanos(), halt.endNanos());
        assertThat(events.stream().filter(e -> e.seq() > deregister).map(TraceEvent::name))
                .as("no MiniportInterrupt or MiniportInterruptDPC after NdisMDeregisterInterruptEx")
                .doesNotContain("MiniportInterrupt", "MiniportInterruptDPC")
                .containsSubsequence("NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma", "NdisMUnmapIoSpace");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void ndisMDeregisterInterruptExWaitsForAMiniportInterruptStillRunningOnAnotherProcessor() throws Exception {
        // The device screams; HaltEx is held at its entry until a MiniportInterrupt starts, and that MiniportInterrupt is
        // held at its start, on its simulated processor at DIRQL (the trace calls a subscriber as it records the call,
        // before the driver's ISR runs). HaltEx then masks the NIC and calls NdisMDeregisterInterruptEx, which must not
        // return while that ISR runs.
        CountDownLatch isrHeld = new CountDownLatch(1);
        CountDownLatch releaseIsr = new CountDownLatch(1);
        AtomicBoolean halting = new AtomicBoolean();
        AtomicBoolean holding = new AtomicBoolean();
        armFault(E1K0, FaultRule.always("interruptStorm").delayMicros(100));
        trace.clear();
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try (AutoCloseable hold = trace.subscribe(e -> {
            if (!e.device().equalsIgnoreCase(E1K0)) {
                return;
            }
            if (e.name().equals("MiniportHaltEx") && halting.compareAndSet(false, true)) {
                try { // HaltEx waits at its entry until a MiniportInterrupt has started (as in the test above)
                    isrHeld.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            } else if (e.name().equals("MiniportInterrupt") && halting.get() && holding.compareAndSet(false, true)) {
                isrHeld.countDown();
                try {
                    releaseIsr.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        })) {
            Future<?> stop = stopper.submit(() -> {
                bundle(E1K).stop();
                return null;
            });
            assertThat(isrHeld.await(20, TimeUnit.SECONDS)).as("MiniportInterrupt ran after the MiniportHaltEx entry").isTrue();
            // HaltEx masks the NIC (IMC, RCTL, TCTL; TCTL last, written 0) right before NdisMDeregisterInterruptEx
            trace.await(e -> e.device().equalsIgnoreCase(E1K0) && e.name().equals("NdisWriteRegisterUlong")
                    && e.arg("register").endsWith("+0x400") && e.arg("value").equals("0x00000000"), Duration.ofSeconds(10));
            Thread.sleep(300); // time for HaltEx to be inside NdisMDeregisterInterruptEx
            assertThat(events(E1K0).stream().map(TraceEvent::name))
                    .as("NdisMDeregisterInterruptEx has not returned, and HaltEx has not gone on, while the ISR runs")
                    .doesNotContain("NdisMDeregisterInterruptEx", "NdisMFreeSharedMemory");
            releaseIsr.countDown();
            stop.get(30, TimeUnit.SECONDS);
        } finally {
            releaseIsr.countDown();
            stopper.shutdownNow();
        }
        List<TraceEvent> events = events(E1K0);
        long halt = seq(events, "MiniportHaltEx");
        TraceEvent isr = events.stream().filter(e -> e.name().equals("MiniportInterrupt") && e.seq() > halt).findFirst()
                .orElseThrow();
        TraceEvent deregister = events.stream().filter(e -> e.name().equals("NdisMDeregisterInterruptEx")).findFirst()
                .orElseThrow();
        assertThat(isr.irql()).isEqualTo(Irql.DIRQL);
        assertThat(deregister.timeNanos()).as("NdisMDeregisterInterruptEx returned after the held MiniportInterrupt did")
                .isGreaterThanOrEqualTo(isr.endNanos());
        assertThat(events.stream().filter(e -> e.seq() > deregister.seq()).map(TraceEvent::name))
                .as("no MiniportInterrupt or MiniportInterruptDPC after NdisMDeregisterInterruptEx")
                .doesNotContain("MiniportInterrupt", "MiniportInterruptDPC")
                .containsSubsequence("NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma", "NdisMUnmapIoSpace");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void ndisInterruptDisableCallsMiniportDisableInterruptExAtDirqlAndFramesWaitInTheRingUntilEnable() throws Exception {
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        trace.clear();
        assertThat(gogo("ndis:interrupt e1k1 disable").trim())
                .isEqualTo("called MiniportDisableInterruptEx of " + bundle(E1K).getSymbolicName() + "/"
                        + bundle(E1K).getVersion() + " on " + E1K1 + " at DIRQL");
        List<byte[]> sent = frames(mac1, mac0, 8, 10);
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try (AutoCloseable listener = ndis.receive(E1K1, received::add)) {
            ProtocolHarness.SendResult r = ndis.send(E1K0, sent);
            assertThat(r.completionStatuses()).as("the sender's interrupts are on")
                    .containsExactly(Map.entry(NdisStatus.NDIS_STATUS_SUCCESS, 8));
            Thread.sleep(200);
            assertThat(received).as("e1k1 masked by its driver: the frames wait in its ring").isEmpty();
            assertThat(events(E1K1).stream().map(TraceEvent::name)).doesNotContain("MiniportInterrupt");
            assertThat(gogo("ndis:interrupt e1k1 enable")).startsWith("called MiniportEnableInterruptEx of ");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(received).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(sent);
        List<TraceEvent> events = events(E1K1);
        assertThat(events.stream().map(TraceEvent::name).filter(n -> n.startsWith("Miniport")))
                .containsSubsequence("MiniportDisableInterruptEx", "MiniportEnableInterruptEx", "MiniportInterrupt",
                        "MiniportInterruptDPC");
        assertThat(events.stream().filter(e -> e.name().matches("Miniport(Dis|En)ableInterruptEx")))
                .hasSize(2).allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DIRQL));
        assertThatThrownBy(() -> gogo("ndis:interrupt e1k1 off")).hasMessageContaining("'off' is neither disable nor enable")
                .hasMessageContaining("usage: ndis:interrupt ADAPTER disable|enable");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void haltWithTrafficInFlightCompletesEverySendOnceReturnsEveryReceiveAndNothingFollowsHaltEx() throws Exception {
        promiscuous(E1K0);
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        // each frame 0000 sends is written back 1 ms late: sends are still on its ring when MiniportPause comes
        armFault(E1K0, FaultRule.always("delayCompletion").delayMicros(1000));
        trace.clear();
        CountDownLatch flowing = new CountDownLatch(20);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try (AutoCloseable sub = trace.subscribe(e -> {
            if (e.name().equals("NdisMIndicateReceiveNetBufferLists")) {
                flowing.countDown();
            }
        })) {
            List<Future<?>> traffic = new ArrayList<>();
            for (String[] way : new String[][] {{E1K0, E1K1}, {E1K1, E1K0}}) {
                List<byte[]> frames = frames(way[0].equals(E1K0) ? mac1 : mac0, way[0].equals(E1K0) ? mac0 : mac1, 64, 3);
                traffic.add(senders.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        try {
                            ndis.startSend(way[0], frames, 0);
                        } catch (RuntimeException adapterGone) {
                            return null;
                        }
                    }
                    return null;
                }));
            }
            assertThat(flowing.await(20, TimeUnit.SECONDS)).as("traffic flows both ways").isTrue();
            bundle(E1K).stop();
            for (Future<?> f : traffic) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        TraceEvent pause = events(E1K0).stream().filter(e -> e.name().equals("MiniportPause")).findFirst().orElseThrow();
        assertThat(pause.returnValue()).as("sends were still on 0000's ring when MiniportPause came")
                .isEqualTo(NdisStatus.NDIS_STATUS_PENDING);
        for (String device : List.of(E1K0, E1K1)) {
            List<TraceEvent> events = events(device);
            long handed = sum(device, "MiniportSendNetBufferLists");
            assertThat(handed).as(device + ": sends reached the miniport").isPositive();
            assertThat(sum(device, "NdisMSendNetBufferListsComplete")).as(device + ": every NBL completed exactly once")
                    .isEqualTo(handed);
            assertThat(sum(device, "MiniportReturnNetBufferLists")).as(device + ": every indicated NBL returned")
                    .isEqualTo(sum(device, "NdisMIndicateReceiveNetBufferLists"));
            long haltEx = seq(events, "MiniportHaltEx");
            assertThat(events.stream().filter(e -> e.name().equals("NdisMSendNetBufferListsComplete")).mapToLong(TraceEvent::seq)
                    .max().orElse(0)).as(device + ": sends complete before HaltEx").isLessThan(haltEx);
            long unmap = seq(events, "NdisMUnmapIoSpace");
            long deregister = seq(events, "NdisMDeregisterInterruptEx");
            // A MiniportInterruptDPC that began before the HaltEx entry may still run beside it (on another processor)
            // until NdisMDeregisterInterruptEx, which waits for it: its ring tail writes (RDT, TDT) come before that.
            Predicate<TraceEvent> tailWrite = e -> e.name().equals("NdisWriteRegisterUlong")
                    && (e.arg("register").endsWith("+0x2818") || e.arg("register").endsWith("+0x3818"));
            assertThat(events.stream().filter(e -> e.seq() > haltEx && tailWrite.test(e)).mapToLong(TraceEvent::seq))
                    .as(device + ": a running DPC's tail writes end before NdisMDeregisterInterruptEx").allMatch(q -> q < deregister);
            // HaltEx's own calls: at PASSIVE_LEVEL on the PnP worker (an ISR or DPC beside it runs at DIRQL or DISPATCH)
            List<TraceEvent> fromHalt = events.stream().filter(e -> e.seq() > haltEx && e.kind() != TraceEvent.Kind.PNP
                    && e.irql() == Irql.PASSIVE_LEVEL).toList();
            assertThat(fromHalt.stream().map(TraceEvent::name))
                    .as(device + ": during and after MiniportHaltEx only its own releases: the NIC masked and stopped, "
                            + "10 ms for DMA in flight, the interrupt deregistered, the NIC reset, then the rest")
                    .containsExactlyElementsOf(concat(List.of("NdisWriteRegisterUlong", "NdisWriteRegisterUlong",
                            "NdisWriteRegisterUlong", "NdisMSleep", "NdisMDeregisterInterruptEx", "NdisWriteRegisterUlong"),
                            HALT.subList(3, HALT.size())));
            assertThat(fromHalt.get(0).arg("register")).as("IMC first: the NIC stops interrupting").endsWith("+0xD8");
            assertThat(unmap).isGreaterThan(haltEx);
        }
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void afterASurpriseRemovalMidTrafficTheDriverNeverTouchesTheDeviceAgain() throws Exception {
        promiscuous(E1K0);
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        // rules that never fire count every register access the driver makes (each access checks them)
        DeviceFaults faults = armFault(E1K0, FaultRule.nth(DeviceFaults.FAIL_REGISTER_READ, Long.MAX_VALUE));
        faults.arm(FaultRule.nth(DeviceFaults.FAIL_REGISTER_WRITE, Long.MAX_VALUE));
        trace.clear();
        AtomicLong accessesWhenToldOfRemoval = new AtomicLong(-1);
        CountDownLatch flowing = new CountDownLatch(20);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try (AutoCloseable sub = trace.subscribe(e -> {
            if (e.name().equals("NdisMIndicateReceiveNetBufferLists")) {
                flowing.countDown();
            }
            // the first callback after MiniportDevicePnPEventNotify(SurpriseRemoved) returned is MiniportPause
            if (e.name().equals("MiniportPause") && e.device().equalsIgnoreCase(E1K0)) {
                accessesWhenToldOfRemoval.set(accesses(faults));
            }
        })) {
            List<Future<?>> traffic = new ArrayList<>();
            for (String from : List.of(E1K0, E1K1)) {
                List<byte[]> frames = frames(from.equals(E1K0) ? mac1 : mac0, from.equals(E1K0) ? mac0 : mac1, 64, 4);
                traffic.add(senders.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        try {
                            ndis.startSend(from, frames, 0);
                        } catch (RuntimeException adapterGone) {
                            if (from.equals(E1K0)) {
                                return null;
                            }
                        }
                    }
                    return null;
                }));
            }
            assertThat(flowing.await(20, TimeUnit.SECONDS)).as("traffic flows both ways").isTrue();
            surpriseRemove(E1K0);
            for (Future<?> f : traffic) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        List<String> removal = lifecycle(E1K0);
        assertThat(removal).containsSubsequence("MiniportDevicePnPEventNotify", "MiniportPause", "MiniportHaltEx",
                "NdisMDeregisterInterruptEx", "NdisMUnmapIoSpace");
        TraceEvent halt = events(E1K0).stream().filter(e -> e.name().equals("MiniportHaltEx")).findFirst().orElseThrow();
        assertThat(halt.arg("haltAction")).isEqualTo("NdisHaltDeviceSurpriseRemoved");
        assertThat(accessesWhenToldOfRemoval.get()).as("MiniportPause ran").isNotNegative();
        assertThat(accesses(faults)).as("register accesses after MiniportDevicePnPEventNotify(SurpriseRemoved)")
                .isEqualTo(accessesWhenToldOfRemoval.get());
        // and from the moment the notification returned (the count above starts at MiniportPause): no register
        // read or write through NDIS at all
        TraceEvent notified = events(E1K0).stream().filter(e -> e.name().equals("MiniportDevicePnPEventNotify"))
                .findFirst().orElseThrow();
        assertThat(events(E1K0).stream().filter(e -> e.name().matches("NdisM?(Read|Write)RegisterUlong")
                && e.timeNanos() > notified.endNanos())).as("register accesses after the notification returned").isEmpty();
        assertThat(sum(E1K0, "NdisMSendNetBufferListsComplete")).as("every send completed, the lost ones too")
                .isEqualTo(sum(E1K0, "MiniportSendNetBufferLists"));
        assertThat(verifier.violations()).isEmpty();
        // the other port goes on: its link partner is gone, its driver still runs
        assertThat(pnp.node(E1K1).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
    }

    @Test
    public void aFrameOverTheMaximumSizeIsDroppedByTheReceiverAndCountedAsAnInputError() throws Exception {
        promiscuous(E1K1);
        byte[] mac1 = mac(E1K1);
        List<byte[]> onWire = frames(mac1, mac(E1K0), 3, 11);
        onWire.set(1, java.util.Arrays.copyOf(onWire.get(1), 1600)); // zero-padded to 1600 bytes
        Path pcap = Files.createTempFile("e1k-oversize", ".pcap");
        ByteBuffer b = ByteBuffer.allocate(24 + onWire.stream().mapToInt(f -> 16 + f.length).sum()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (byte[] f : onWire) {
            b.putInt(0).putInt(0).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(pcap, b.array());
        gogo("ndis:oid e1k1 OID_GEN_STATISTICS"); // reads (and so clears) the NIC's counters
        List<byte[]> received = new CopyOnWriteArrayList<>();
        try (AutoCloseable listener = ndis.receive(E1K1, received::add)) {
            EthernetWires wires = bundleContext.getService(bundleContext.getServiceReference(EthernetWires.class));
            assertThat(wires.replay(E1K0, pcap)).isEqualTo(3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            Files.deleteIfExists(pcap);
        }
        assertThat(received).as("1600 bytes + FCS is over 1522: dropped; the frames around it arrive")
                .usingElementComparator(java.util.Arrays::compare).containsExactly(onWire.get(0), onWire.get(2));
        assertThat(gogo("ndis:oid e1k1 OID_GEN_STATISTICS")).contains("ifInErrors=1").contains("ifHCInUcastPkts=2");
    }

    @Test
    public void aCaptureReplayedOntoOnePortsWireArrivesByteForByteAtTheOtherPortsProtocol() throws Exception {
        promiscuous(E1K1);
        Path capture = Path.of(System.getProperty("drvsim.capture"));
        List<byte[]> original = readPcap(capture);
        Path captured = Files.createTempFile("e1k-replay", ".pcap");
        CountDownLatch all = new CountDownLatch(original.size());
        try (AutoCloseable count = ndis.receive(E1K1, f -> all.countDown())) {
            ndis.startCapture(E1K1, captured);
            EthernetWires wires = bundleContext.getService(bundleContext.getServiceReference(EthernetWires.class));
            assertThat(wires.replay(E1K0, capture)).isEqualTo(original.size());
            assertThat(all.await(20, TimeUnit.SECONDS)).as("every replayed frame was indicated").isTrue();
            assertThat(ndis.stopCapture(E1K1)).isEqualTo(original.size());
        }
        List<byte[]> arrived = readPcap(captured);
        assertThat(arrived).hasSameSizeAs(original);
        for (int i = 0; i < original.size(); i++) {
            assertThat(HexFormat.of().formatHex(arrived.get(i))).as("frame %d", i)
                    .isEqualTo(HexFormat.of().formatHex(original.get(i)));
        }
        Files.deleteIfExists(captured);
    }
}
