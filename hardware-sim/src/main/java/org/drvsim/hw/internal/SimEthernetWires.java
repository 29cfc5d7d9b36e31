package org.drvsim.hw.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The wires of the bus's Ethernet controllers. The cables and recordings live in the controllers themselves (a
 * controller that leaves the bus takes its cable end and completes its recording), so this component holds no state:
 * it finds each port on the {@link HardwareBus} it references (static, mandatory: {@link SimHardwareBus}).
 */
@Component(service = EthernetWires.class)
public final class SimEthernetWires implements EthernetWires {
    private final HardwareBus bus;

    @Activate
    public SimEthernetWires(@Reference HardwareBus bus) {
        this.bus = bus;
    }

    /** @throws IllegalArgumentException naming the device if it is not a present Ethernet controller */
    private E1kController controller(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        SimDevice d = bus.device(instanceId).orElseThrow(() -> new IllegalArgumentException("no device " + instanceId
                + " is present"));
        if (d instanceof SimDeviceImpl s && s.hardware() instanceof E1kController c) {
            return c;
        }
        throw new IllegalArgumentException("device " + d.instanceId() + " is not an Ethernet controller ("
                + org.drvsim.hw.DeviceSpec.DEVICE_TYPE + "=" + E1kRegisters.DEVICE_TYPE + ")");
    }

    private static Port port(E1kController c) {
        return new Port(c.instanceId(), c.macAddress(), c.linkUp(), c.peer().map(E1kController::instanceId),
                c.recordingFile());
    }

    @Override
    public List<Port> ports() {
        List<Port> ports = new ArrayList<>();
        for (SimDevice d : bus.devices()) {
            if (d instanceof SimDeviceImpl s && s.hardware() instanceof E1kController c) {
                ports.add(port(c));
            }
        }
        return ports;
    }

    @Override
    public Port port(String instanceId) {
        return port(controller(instanceId));
    }

    @Override
    public void cable(String instanceA, String instanceB) {
        E1kController.cable(controller(instanceA), controller(instanceB));
    }

    @Override
    public boolean uncable(String instanceId) {
        return controller(instanceId).uncable();
    }

    @Override
    public boolean setLink(String instanceId, boolean up) {
        return controller(instanceId).setLink(up);
    }

    @Override
    public Replayed replayFrames(String instanceId, Path pcapFile) throws IOException, InterruptedException {
        E1kController c = controller(instanceId);
        Optional<E1kController> peer = c.peer();
        if (peer.isEmpty()) {
            throw new IllegalArgumentException("port " + c.instanceId() + " is not cabled: the frames of " + pcapFile
                    + " would reach nobody; cable it first");
        }
        List<byte[]> frames = PcapFiles.read(pcapFile);
        List<Future<Boolean>> taken = new ArrayList<>(frames.size());
        for (byte[] frame : frames) {
            taken.add(c.sendOnWire(frame));
        }
        int stored = 0;
        for (Future<Boolean> t : taken) { // the receiver takes frames in order
            try {
                stored += t.get() ? 1 : 0;
            } catch (ExecutionException e) {
                throw new IllegalStateException("port " + peer.get().instanceId() + " failed to take a frame", e.getCause());
            }
        }
        return new Replayed(frames.size(), stored);
    }

    @Override
    public void record(String instanceId, Path pcapFile) throws IOException {
        controller(instanceId).startRecording(pcapFile);
    }

    @Override
    public long stopRecording(String instanceId) throws IOException {
        return controller(instanceId).stopRecording();
    }
}
