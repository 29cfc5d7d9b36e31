package org.drvsim.kernel.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.drvsim.drivers.e1k.E1kDriver;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.SimDevice;
import org.drvsim.hw.internal.SimEthernetWires;
import org.drvsim.hw.internal.SimHardwareBus;
import org.drvsim.hw.internal.SimHostBridge;
import org.drvsim.hw.internal.SimHostMemory;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Verifier;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.ndis.internal.NdisPort;
import org.drvsim.ndis.internal.ProtocolHarnessImpl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The machine under measurement, built without an OSGi framework: the kernel's scheduler (two simulated processors),
 * trace and verifier; hardware-sim's bus, host memory, host bridge and Ethernet wires with two e1k controllers
 * {@value #SENDER} and {@value #RECEIVER} cabled together; ndis.sys ({@link NdisPort}) with its protocol harness
 * ({@link ProtocolHarnessImpl}, what tcpip.sys is to a miniport); and the real e1k miniport ({@link E1kDriver})
 * started on both controllers through the same {@link DeviceNodeImpl} resources the PnP manager grants (BAR mapping,
 * interrupt connection, common buffers). Every frame crosses the whole path: NdisSendNetBufferLists, the driver's
 * transmit descriptors, the sender's DMA and wire, the receiver's DMA into the driver's receive buffers, its interrupt
 * (throttled by the ITR value the driver programs, 488 × 256 ns), MiniportInterrupt, MiniportInterruptDPC,
 * NdisMIndicateReceiveNetBufferLists, the protocol's copy, MiniportReturnNetBufferLists; and the sender's
 * transmit-done interrupt and NdisMSendNetBufferListsComplete.
 *
 * <p>It sits in the kernel's internal package (a split package, fine on a plain classpath) because the device node
 * that grants a device's resources to a port is package-private there.
 *
 * <p>{@link #ioTracing} is {@code Trace.setIoTracing}: with {@code true} (drvsim's default) every data-path call is
 * recorded; with {@code false} only lifecycle events are.
 */
@State(Scope.Benchmark)
public class E1kLoopbackPlatform {
    /** The controller that transmits. */
    public static final String SENDER = "PCI\\VEN_8086&DEV_100E\\0000";
    /** The controller at the other end of the cable, whose protocol receives. */
    public static final String RECEIVER = "PCI\\VEN_8086&DEV_100E\\0001";
    private static final String DRIVER_NAME = "org.drvsim.drivers.e1k/0.1.0.benchmark";

    /** Whether per-frame (data-path) events are recorded in the trace. */
    @Param({"true", "false"})
    public boolean ioTracing;

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private SimHardwareBus bus;
    private NdisPort ndis;
    private ProtocolHarnessImpl protocol;
    private Driver driver;
    private final List<DeviceNodeImpl> nodes = new ArrayList<>();
    /** One permit per frame the receiver's protocol got. */
    private final Semaphore received = new Semaphore(0);
    private AutoCloseable listener;
    private byte[] senderAddress;
    private byte[] receiverAddress;
    /** Sends whose completions the benchmark has not checked yet, oldest first. */
    private final ArrayDeque<Future<ProtocolHarness.SendResult>> sends = new ArrayDeque<>();
    /** Frames sent and not yet counted as received. */
    private int outstanding;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        SimHostMemory memory = new SimHostMemory();
        bus = new SimHardwareBus(memory);
        SimEthernetWires wires = new SimEthernetWires(bus);
        SimHostBridge bridge = new SimHostBridge();
        ndis = new NdisPort(trace, verifier, scheduler);
        protocol = new ProtocolHarnessImpl(ndis);

        for (String id : List.of(SENDER, RECEIVER)) {
            SimDevice device = bus.plug(new DeviceSpec(id, List.of(E1kRegisters.HARDWARE_ID), "e1k (benchmark)",
                    Map.of(DeviceSpec.DEVICE_TYPE, E1kRegisters.DEVICE_TYPE)));
            DeviceNodeImpl node = new DeviceNodeImpl(device, bridge, memory);
            node.driverName = DRIVER_NAME;
            nodes.add(node);
        }
        wires.cable(SENDER, RECEIVER);
        driver = new Driver(List.copyOf(nodes));
        PortStatus entry = ndis.driverEntry(driver, new E1kDriver());
        check(entry.isSuccess(), "DriverEntry: " + entry);
        for (DeviceNodeImpl node : nodes) {
            node.state = DeviceNodeState.DeviceNodeStartPending;
            PortStatus start = ndis.startDevice(driver, node, node.grant());
            check(start.isSuccess(), "start of " + node.instanceId() + ": " + start);
            node.state = DeviceNodeState.DeviceNodeStarted;
        }
        senderAddress = currentAddress(SENDER);
        receiverAddress = currentAddress(RECEIVER);
        ProtocolHarness.OidResult filter = protocol.setOid(RECEIVER, NdisOid.OID_GEN_CURRENT_PACKET_FILTER,
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(NdisPacketType.NDIS_PACKET_TYPE_DIRECTED).array());
        check(filter.status() == NdisStatus.NDIS_STATUS_SUCCESS, "OID_GEN_CURRENT_PACKET_FILTER: " + filter.status());
        listener = protocol.receive(RECEIVER, frame -> received.release());
        checkNoViolations("setup");
        trace.clear();
        trace.setIoTracing(ioTracing);
    }

    /**
     * Waits for every frame of the iteration to arrive and every send to complete with NDIS_STATUS_SUCCESS, forgets the
     * iteration's events (the trace would grow without bound) and fails the run on any violation.
     */
    @TearDown(Level.Iteration)
    public void afterIteration() throws Exception {
        if (outstanding > 0) {
            awaitReceived(outstanding);
            outstanding = 0;
        }
        while (!sends.isEmpty()) {
            checkSent(sends.poll());
        }
        trace.clear();
        checkNoViolations("iteration");
    }

    /**
     * Sends {@code frames} from {@link #SENDER} (NdisSendNetBufferLists, without waiting for the completions), then waits
     * until at most {@code window} frames sent so far have not yet reached {@link #RECEIVER}'s protocol.
     *
     * @throws IllegalStateException if a frame was lost or a send failed
     */
    public void send(List<byte[]> frames, int window) throws Exception {
        sends.add(protocol.startSend(SENDER, frames, 0).completion());
        outstanding += frames.size();
        if (outstanding > window) {
            awaitReceived(outstanding - window);
            outstanding = window;
        }
        while (!sends.isEmpty() && sends.peek().isDone()) {
            checkSent(sends.poll());
        }
    }

    private static void checkSent(Future<ProtocolHarness.SendResult> send) throws Exception {
        ProtocolHarness.SendResult r = send.get(30, TimeUnit.SECONDS);
        if (r.completionStatuses().keySet().stream().anyMatch(s -> s != NdisStatus.NDIS_STATUS_SUCCESS)) {
            throw new IllegalStateException("a send completed with " + r.completionStatuses());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (listener != null) {
                listener.close();
            }
            trace.setIoTracing(true);
            for (DeviceNodeImpl node : nodes) {
                if (node.state == DeviceNodeState.DeviceNodeStarted) {
                    ndis.removeDevice(driver, node);
                    node.revoke();
                }
            }
            ndis.driverUnload(driver);
            checkNoViolations("removal");
        } finally {
            bus.unplug(SENDER);
            bus.unplug(RECEIVER);
            scheduler.close();
        }
    }

    /** @return the sender's current MAC address */
    public byte[] senderAddress() {
        return senderAddress.clone();
    }

    /** @return the receiver's current MAC address */
    public byte[] receiverAddress() {
        return receiverAddress.clone();
    }

    /**
     * Waits until the receiver's protocol got {@code frames} more frames.
     *
     * @throws IllegalStateException if they did not all arrive within 30 s (a frame was lost)
     */
    private void awaitReceived(int frames) throws InterruptedException {
        if (!received.tryAcquire(frames, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + received.availablePermits() + " of " + frames
                    + " frames arrived at " + RECEIVER + " within 30 s; its adapter: " + info(RECEIVER)
                    + "; the sender's: " + info(SENDER));
        }
    }

    private String info(String id) {
        return protocol.adapters().stream().filter(a -> a.instanceId().equalsIgnoreCase(id)).findFirst()
                .map(Object::toString).orElse("gone");
    }

    private byte[] currentAddress(String id) {
        ProtocolHarness.OidResult r = protocol.queryOid(id, NdisOid.OID_802_3_CURRENT_ADDRESS, 6);
        check(r.status() == NdisStatus.NDIS_STATUS_SUCCESS && r.data().length == 6,
                "OID_802_3_CURRENT_ADDRESS of " + id + ": " + r.status());
        return r.data();
    }

    private void checkNoViolations(String when) {
        List<Verifier.Violation> v = verifier.violations();
        check(v.isEmpty(), "verifier violations after " + when + ": " + v);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** DRIVER_OBJECT of the e1k miniport, without a bundle. */
    private record Driver(List<DeviceNode> devices) implements DriverObject {
        @Override public String name() { return DRIVER_NAME; }
        @Override public org.osgi.framework.Bundle bundle() { return null; }
        @Override public String model() { return "ndis"; }
        @Override public List<String> hardwareIds() { return List.of(E1kRegisters.HARDWARE_ID); }
    }
}
