package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.drvsim.kernel.CommonBuffer;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.IoSpace;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.ndis.NdisDmaHandle;
import org.drvsim.ndis.NdisInterfaceType;
import org.drvsim.ndis.NdisInterruptHandle;
import org.drvsim.ndis.NdisInterruptType;
import org.drvsim.ndis.NdisIoSpace;
import org.drvsim.ndis.NdisLinkState;
import org.drvsim.ndis.NdisMediaConnectState;
import org.drvsim.ndis.NdisMedium;
import org.drvsim.ndis.NdisMiniportAdapterAttributes;
import org.drvsim.ndis.NdisMiniportAdapterHandle;
import org.drvsim.ndis.NdisMiniportInterruptCharacteristics;
import org.drvsim.ndis.NdisSgDmaDescription;
import org.drvsim.ndis.NdisSharedMemory;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.NdisStatusIndication;
import org.drvsim.ndis.NetBuffer;
import org.drvsim.ndis.ScatterGatherList;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.Irql;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * A miniport's hardware through NDIS (NdisMMapIoSpace, NdisMRegisterInterruptEx, NdisMRegisterScatterGatherDma,
 * NdisMAllocateSharedMemory), on NdisPort with the real kernel scheduler, trace and verifier and a fake device whose
 * interrupt line the test raises: MiniportInterrupt at DIRQL on a processor, MiniportInterruptDPC at DISPATCH_LEVEL,
 * nothing of either after NdisMDeregisterInterruptEx returns, MiniportHaltEx preemptible until then
 * (spec/seeds/ndis-halting-a-miniport-adapter.md), and what HaltEx leaves behind reported and released.
 */
public class AdapterHardwareTest {
    static final String DEV = "PCI\\VEN_TEST&DEV_0001\\0000";
    static final long BAR = 0xF000_0000L;

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private NdisPort ndis;
    private final FakeDevice device = new FakeDevice();
    private final MiniportRulesTest.TestDriver driver = new MiniportRulesTest.TestDriver();
    private final DriverObject driverObject = new DriverObject() {
        @Override public String name() { return "test.hw/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "ndis"; }
        @Override public List<String> hardwareIds() { return List.of("PCI\\VEN_TEST&DEV_0001"); }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    };
    private boolean msi;
    private final DeviceNode node = new DeviceNode() {
        @Override public String instanceId() { return DEV; }
        @Override public List<String> hardwareIds() { return List.of("PCI\\VEN_TEST&DEV_0001"); }
        @Override public String description() { return "test NIC"; }
        @Override public Map<String, String> properties() { return Map.of(); }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return 0; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return "test.hw/1.0.0"; }
        @Override public List<CmResourceDescriptor> resources() {
            return List.of(CmResourceDescriptor.memory(BAR, 0x1000), CmResourceDescriptor.interrupt(0x50, msi));
        }
    };

    /** What the test miniport acquired in MiniportInitializeEx, in order. */
    private final AtomicReference<NdisIoSpace> registers = new AtomicReference<>();
    private final AtomicReference<NdisDmaHandle> dma = new AtomicReference<>();
    private final AtomicReference<NdisSharedMemory> shared = new AtomicReference<>();
    private final AtomicReference<NdisInterruptHandle> interrupt = new AtomicReference<>();
    private final AtomicReference<List<CmResourceDescriptor>> allocated = new AtomicReference<>();
    private final NdisMiniportInterruptCharacteristics<String> ic = new NdisMiniportInterruptCharacteristics<>();
    private final NdisSgDmaDescription sg = new NdisSgDmaDescription();
    private final List<ScatterGatherList> processed = new CopyOnWriteArrayList<>();
    private final List<Irql> processedAt = new CopyOnWriteArrayList<>();
    /** What MiniportHaltEx releases; the leak test turns it off. */
    private volatile boolean releaseInHalt = true;
    /** Run in MiniportHaltEx before it releases anything. */
    private volatile Runnable beforeRelease = () -> { };
    /** Run in MiniportInterruptDPC. */
    private volatile Runnable inDpc = () -> { };

    /** A device with one 4 KiB BAR at {@link #BAR}, an interrupt line the test raises, and host memory. */
    static final class FakeDevice implements DeviceResources {
        final int[] regs = new int[1024];
        final List<IntConsumer> everConnected = new CopyOnWriteArrayList<>();
        volatile IntConsumer line;
        final Map<Long, byte[]> memory = new ConcurrentHashMap<>();
        /** Blocks whose mapping for DMA was released (CommonBuffer.setMapped(false)). */
        final java.util.Set<Long> unmapped = ConcurrentHashMap.newKeySet();
        final AtomicLong next = new AtomicLong(0x1_0000_0000L);

        @Override
        public IoSpace mapIoSpace(long physicalAddress, long length) {
            if (physicalAddress < BAR || physicalAddress + length > BAR + 0x1000) {
                return null;
            }
            int base = (int) (physicalAddress - BAR);
            return new IoSpace() {
                @Override public long length() { return length; }
                @Override public int read32(long offset) { return regs[(int) (base + offset) / 4]; }
                @Override public void write32(long offset, int value) { regs[(int) (base + offset) / 4] = value; }
            };
        }

        @Override
        public AutoCloseable connectInterrupt(IntConsumer isr) {
            line = isr;
            everConnected.add(isr);
            return () -> line = null;
        }

        @Override
        public CommonBuffer allocateCommonBuffer(int length) {
            long pa = next.getAndAdd(0x10_0000L);
            byte[] bytes = new byte[length];
            memory.put(pa, bytes);
            return new CommonBuffer() {
                @Override public long logicalAddress() { return pa; }
                @Override public int length() { return length; }
                @Override public void read(int offset, byte[] dst, int dstOffset, int len) { System.arraycopy(bytes, offset, dst, dstOffset, len); }
                @Override public void write(int offset, byte[] src, int srcOffset, int len) { System.arraycopy(src, srcOffset, bytes, offset, len); }
                @Override public void setMapped(boolean mapped) {
                    if (mapped) {
                        unmapped.remove(pa);
                    } else {
                        unmapped.add(pa);
                    }
                }
                @Override public void free() { memory.remove(pa); unmapped.remove(pa); }
            };
        }

        /** The device asserts its interrupt (as hardware-sim calls the sink, on a thread of its own). */
        void interrupt() {
            IntConsumer l = line;
            if (l != null) {
                l.accept(0x50);
            }
        }
    }

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        ndis = new NdisPort(trace, verifier, scheduler);
        ic.interruptHandler = (ctx, queueDefault, targets) -> {
            queueDefault[0] = true;
            return true;
        };
        ic.interruptDpcHandler = (ctx, dpcContext) -> inDpc.run();
        ic.enableInterruptHandler = ctx -> { };
        ic.disableInterruptHandler = ctx -> { };
        sg.flags = NdisSgDmaDescription.NDIS_SG_DMA_64_BIT_ADDRESS;
        sg.maximumPhysicalMapping = 9000;
        sg.processSGListHandler = (list, context) -> {
            processed.add(list);
            processedAt.add(Irql.current());
        };
        driver.chars.initializeHandlerEx = (h, p) -> {
            allocated.set(p.allocatedResources());
            h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, 0, NdisInterfaceType.NdisInterfacePci));
            NdisIoSpace[] io = new NdisIoSpace[1];
            assertThat(h.ndisMMapIoSpace(io, BAR, 0x1000)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
            registers.set(io[0]);
            NdisDmaHandle[] d = new NdisDmaHandle[1];
            assertThat(h.ndisMRegisterScatterGatherDma(sg, d)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
            dma.set(d[0]);
            shared.set(h.ndisMAllocateSharedMemory(8192, true));
            NdisInterruptHandle[] i = new NdisInterruptHandle[1];
            assertThat(h.ndisMRegisterInterruptEx("ctx", ic, i)).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
            interrupt.set(i[0]);
            byte[] mac = {2, 0, 0, 0, 0, 1};
            return h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.General(NdisMedium.NdisMedium802_3, 1500, 1, 1,
                    NdisMediaConnectState.MediaConnectStateConnected, 6, mac, mac, 0x2F, 32, List.of()));
        };
        driver.chars.haltHandlerEx = (h, a) -> {
            NdisMiniportAdapterHandle adapter = (NdisMiniportAdapterHandle) h;
            beforeRelease.run();
            if (releaseInHalt) { // the reverse of MiniportInitializeEx
                interrupt.get().ndisMDeregisterInterruptEx();
                NdisSharedMemory m = shared.get();
                adapter.ndisMFreeSharedMemory(m.length(), true, m, m.physicalAddress());
                dma.get().ndisMDeregisterScatterGatherDma();
                adapter.ndisMUnmapIoSpace(registers.get(), 0x1000);
            }
        };
    }

    @After
    public void tearDown() {
        scheduler.close();
    }

    private void start() {
        PortStatus s = ndis.driverEntry(driverObject, driver);
        assertThat(s.isSuccess()).as(s.toString()).isTrue();
        PortStatus started = ndis.startDevice(driverObject, node, device);
        assertThat(started.isSuccess()).as(started.toString()).isTrue();
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    private TraceEvent await(String name) throws Exception {
        return trace.await(e -> e.name().equals(name), java.time.Duration.ofSeconds(10));
    }

    private long seq(String name) {
        return trace.events(e -> e.name().equals(name)).get(0).seq();
    }

    /** Waits until every ISR and DPC queued so far on every processor has run. */
    private void drainProcessors() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(scheduler.processorCount());
        for (int p = 0; p < scheduler.processorCount(); p++) {
            scheduler.queueDpc(p, "drain", done::countDown);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    public void initializeExGetsTheAllocatedResourcesAndAcquiresInTheDocumentedOrder() {
        start();
        assertThat(allocated.get()).containsExactly(CmResourceDescriptor.memory(BAR, 0x1000),
                CmResourceDescriptor.interrupt(0x50, false));
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.DDI).stream().map(TraceEvent::name).toList())
                .containsSubsequence("NdisMMapIoSpace", "NdisMRegisterScatterGatherDma", "NdisMAllocateSharedMemory",
                        "NdisMRegisterInterruptEx");
        assertThat(interrupt.get().interruptType()).isEqualTo(NdisInterruptType.NDIS_CONNECT_LINE_BASED);
        assertThat(ic.interruptType).isEqualTo(NdisInterruptType.NDIS_CONNECT_LINE_BASED);
        assertThat(sg.scatterGatherListSize).isPositive();
        registers.get().ndisWriteRegisterUlong(8, 0x1234);
        assertThat(device.regs[2]).isEqualTo(0x1234);
        assertThat(registers.get().ndisReadRegisterUlong(8)).isEqualTo(0x1234);
        assertThat(device.memory).hasSize(1);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aDeviceInterruptRunsMiniportInterruptAtDirqlOnAProcessorThenItsDpcAtDispatchLevel() throws Exception {
        start();
        device.interrupt();
        TraceEvent dpc = await("MiniportInterruptDPC");
        TraceEvent isr = trace.events(e -> e.name().equals("MiniportInterrupt")).get(0);
        assertThat(isr.irql()).isEqualTo(Irql.DIRQL);
        assertThat(isr.returnValue()).isEqualTo("TRUE");
        assertThat(dpc.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(dpc.processor()).as("the default DPC runs on the ISR's processor").isEqualTo(isr.processor());
        assertThat(dpc.seq()).isGreaterThan(isr.seq());
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void targetProcessorsQueueTheDpcOnEachProcessorNamedAndNoneWithoutThem() throws Exception {
        ic.interruptHandler = (ctx, queueDefault, targets) -> {
            targets[0] = 0b11;
            return true;
        };
        start();
        device.interrupt();
        drainProcessors();
        drainProcessors();
        assertThat(trace.events(e -> e.name().equals("MiniportInterruptDPC")).stream().map(TraceEvent::processor))
                .containsExactlyInAnyOrder(0, 1);
        trace.clear();
        ic.interruptHandler = (ctx, queueDefault, targets) -> false;
        device.interrupt();
        await("MiniportInterrupt");
        drainProcessors();
        assertThat(trace.events(e -> e.name().equals("MiniportInterruptDPC"))).isEmpty();
    }

    @Test
    public void miniportInterruptPreemptsHaltExUntilItDeregistersTheInterrupt() throws Exception {
        start();
        CountDownLatch isrRan = new CountDownLatch(1);
        ic.interruptHandler = (ctx, queueDefault, targets) -> {
            isrRan.countDown();
            queueDefault[0] = true;
            return true;
        };
        beforeRelease = () -> {
            device.interrupt(); // the device interrupts while HaltEx runs, before it deregisters
            try {
                assertThat(isrRan.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        ndis.removeDevice(driverObject, node);
        long halt = seq("MiniportHaltEx");
        long isr = seq("MiniportInterrupt");
        long deregister = seq("NdisMDeregisterInterruptEx");
        assertThat(isr).isBetween(halt, deregister);
        assertThat(trace.events(e -> e.name().equals("MiniportInterrupt")).get(0).processor())
                .as("on a simulated processor, not the PnP worker").isBetween(0, 1);
        assertThat(trace.events(e -> e.name().startsWith("MiniportInterrupt") && e.seq() > deregister)).isEmpty();
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void deregisterWaitsForARunningDpcAndAfterItReturnsNoIsrOrDpcRuns() throws Exception {
        start();
        CountDownLatch dpcEntered = new CountDownLatch(1);
        CountDownLatch releaseDpc = new CountDownLatch(1);
        inDpc = () -> {
            dpcEntered.countDown();
            try {
                releaseDpc.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        CountDownLatch haltAboutToDeregister = new CountDownLatch(1);
        beforeRelease = haltAboutToDeregister::countDown;
        device.interrupt();
        assertThat(dpcEntered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> ndis.removeDevice(driverObject, node));
        assertThat(haltAboutToDeregister.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> removal.get(300, TimeUnit.MILLISECONDS)).as("deregistration waits for the DPC")
                .isInstanceOf(TimeoutException.class);
        assertThat(trace.events(e -> e.name().equals("NdisMDeregisterInterruptEx"))).isEmpty();
        inDpc = () -> { };
        releaseDpc.countDown();
        removal.get(10, TimeUnit.SECONDS);
        long deregister = seq("NdisMDeregisterInterruptEx");
        assertThat(seq("MiniportInterruptDPC")).isLessThan(deregister);
        // the device keeps interrupting through every sink it was ever given: nothing reaches the driver
        for (int i = 0; i < 20; i++) {
            device.everConnected.forEach(l -> l.accept(0x50));
        }
        drainProcessors();
        assertThat(trace.events(e -> e.name().startsWith("MiniportInterrupt") && e.seq() > deregister)).isEmpty();
        assertThat(device.line).as("disconnected").isNull();
        assertThat(device.memory).as("shared memory freed").isEmpty();
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void whatHaltExDoesNotReleaseIsAViolationNamingTheDriverAndNdisReleasesIt() throws Exception {
        releaseInHalt = false;
        start();
        ndis.removeDevice(driverObject, node);
        assertThat(rules()).containsExactly("InterruptNotDeregistered", "ScatterGatherDmaNotDeregistered",
                "SharedMemoryNotFreed", "IoSpaceNotUnmapped");
        assertThat(verifier.violations()).allSatisfy(v -> {
            assertThat(v.driver()).isEqualTo("test.hw/1.0.0");
            assertThat(v.device()).isEqualTo(DEV);
        });
        assertThat(verifier.violations().get(2).message()).contains("1 NdisMAllocateSharedMemory block(s) (8192 bytes)");
        assertThat(device.line).isNull();
        assertThat(device.memory).isEmpty();
        device.everConnected.forEach(l -> l.accept(0x50));
        drainProcessors();
        assertThat(trace.events(e -> e.name().equals("MiniportInterrupt"))).isEmpty();
        assertThat(registers.get().ndisReadRegisterUlong(0)).isEqualTo(0xFFFF_FFFF);
        assertThat(rules()).endsWith("RegisterAccessAfterUnmap");
    }

    @Test
    public void aNetBufferScatterGatherListIsBuiltOverHostMemoryAndGivenToMiniportProcessSGListAtDispatchLevel() {
        start();
        byte[] frame = new byte[5000];
        frame[4097] = 42;
        NetBuffer nb = new NetBuffer(frame, 0, frame.length);
        assertThat(dma.get().ndisMAllocateNetBufferSGList(nb, "ctx", NdisDmaHandle.NDIS_SG_LIST_WRITE_TO_DEVICE))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(processedAt).containsExactly(Irql.DISPATCH_LEVEL);
        ScatterGatherList list = processed.get(0);
        assertThat(list.elements()).extracting(ScatterGatherList.Element::length).containsExactly(4096, 904);
        assertThat(list.totalLength()).isEqualTo(5000);
        long page0 = list.elements().get(0).address();
        assertThat(device.memory.get(page0)[4097]).as("the data is in host memory for the device").isEqualTo((byte) 42);
        assertThat(device.memory).hasSize(2);
        dma.get().ndisMFreeNetBufferSGList(list, nb);
        assertThat(device.memory).as("the bounce buffer stays with the registration, as map registers do").hasSize(2);
        assertThat(device.unmapped).as("its map registers are released: the device can no longer DMA through it")
                .containsExactly(page0);
        byte[] second = new byte[4500];
        second[4097] = 7;
        NetBuffer nb2 = new NetBuffer(second, 0, second.length);
        assertThat(dma.get().ndisMAllocateNetBufferSGList(nb2, "ctx", NdisDmaHandle.NDIS_SG_LIST_WRITE_TO_DEVICE))
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        ScatterGatherList reused = processed.get(1);
        assertThat(reused.elements()).extracting(ScatterGatherList.Element::length).containsExactly(4096, 404);
        assertThat(reused.elements().get(0).address()).as("the same two pages map the next list").isEqualTo(page0);
        assertThat(device.memory.get(page0)[4097]).isEqualTo((byte) 7);
        assertThat(device.memory).hasSize(2);
        assertThat(device.unmapped).as("mapped again for the list that uses it").isEmpty();
        dma.get().ndisMFreeNetBufferSGList(reused, nb2);
        dma.get().ndisMFreeNetBufferSGList(list, nb);
        assertThat(rules()).containsExactly("SGListNotAllocated");
        assertThat(dma.get().ndisMAllocateNetBufferSGList(new NetBuffer(new byte[9001], 0, 9001), null, 0))
                .as("longer than MaximumPhysicalMapping").isEqualTo(NdisStatus.NDIS_STATUS_RESOURCES);
        ndis.removeDevice(driverObject, node);
        assertThat(device.memory).as("NdisMDeregisterScatterGatherDma freed the kept bounce buffer").isEmpty();
        assertThat(rules()).containsExactly("SGListNotAllocated");
    }

    @Test
    public void aMessageSignalledInterruptRunsTheMessageHandlersWhenTheMiniportSupportsMsi() throws Exception {
        msi = true;
        List<Integer> messages = new ArrayList<>();
        ic.msiSupported = true;
        ic.messageInterruptHandler = (ctx, messageId, queueDefault, targets) -> {
            messages.add(messageId);
            queueDefault[0] = true;
            return true;
        };
        ic.messageInterruptDpcHandler = (ctx, messageId, dpcContext) -> { };
        ic.enableMessageInterruptHandler = (ctx, messageId) -> { };
        ic.disableMessageInterruptHandler = (ctx, messageId) -> { };
        start();
        assertThat(interrupt.get().interruptType()).isEqualTo(NdisInterruptType.NDIS_CONNECT_MESSAGE_BASED);
        device.interrupt();
        TraceEvent dpc = await("MiniportMessageInterruptDPC");
        assertThat(dpc.arg("messageId")).isEqualTo("0");
        assertThat(messages).containsExactly(0);
        assertThat(trace.events(e -> e.name().equals("MiniportInterrupt"))).isEmpty();
    }

    @Test
    public void registeringWithoutAllFourLineHandlersFailsWithInvalidParameter() {
        ic.disableInterruptHandler = null;
        AtomicReference<NdisStatus> status = new AtomicReference<>();
        var init = driver.chars.initializeHandlerEx;
        driver.chars.initializeHandlerEx = (h, p) -> {
            h.ndisMSetMiniportAttributes(new NdisMiniportAdapterAttributes.Registration(h, 0, 0, NdisInterfaceType.NdisInterfacePci));
            status.set(h.ndisMRegisterInterruptEx("ctx", ic, new NdisInterruptHandle[1]));
            return NdisStatus.NDIS_STATUS_FAILURE;
        };
        ndis.driverEntry(driverObject, driver);
        ndis.startDevice(driverObject, node, device);
        assertThat(status.get()).isEqualTo(NdisStatus.NDIS_STATUS_INVALID_PARAMETER);
        assertThat(ic.missingHandlers()).containsExactly("MiniportDisableInterruptEx (disableInterruptHandler)");
        assertThat(init).isNotNull();
    }

    @Test
    public void synchronizeWithInterruptRunsTheFunctionAtDirqlAndNotAfterDeregistration() {
        start();
        AtomicReference<Irql> at = new AtomicReference<>();
        assertThat(interrupt.get().ndisMSynchronizeWithInterruptEx(0, c -> {
            at.set(Irql.current());
            return c.equals("x");
        }, "x")).isTrue();
        assertThat(at.get()).isEqualTo(Irql.DIRQL);
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        ndis.removeDevice(driverObject, node);
        assertThat(interrupt.get().ndisMSynchronizeWithInterruptEx(0, c -> true, null)).isFalse();
        assertThat(rules()).containsExactly("InterruptNotRegistered");
    }

    @Test
    public void aLinkStateIndicationIsTracedAndKept() {
        start();
        MiniportBlock a = ndis.adapter(DEV).orElseThrow();
        a.ndisMIndicateStatusEx(new NdisStatusIndication(NdisStatus.NDIS_STATUS_LINK_STATE,
                new NdisLinkState(NdisMediaConnectState.MediaConnectStateDisconnected, -1, -1)));
        assertThat(a.linkState().mediaConnectState()).isEqualTo(NdisMediaConnectState.MediaConnectStateDisconnected);
        assertThat(trace.events(e -> e.name().equals("NdisMIndicateStatusEx")).get(0).arg("statusCode"))
                .isEqualTo("NDIS_STATUS_LINK_STATE");
        assertThat(verifier.violations()).isEmpty();
    }
}
