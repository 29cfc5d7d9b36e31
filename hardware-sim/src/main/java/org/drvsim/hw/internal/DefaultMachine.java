package org.drvsim.hw.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.HardwareBus;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The embedded default machine, so that the platform runs with no configuration: two
 * root-enumerated NDIS virtual adapters ({@code ROOT\NETVMINI\0000} and {@code ROOT\NETVMINI\0001},
 * hardware ID {@code ROOT\NETVMINI}), one Storport virtual adapter ({@code ROOT\RAMDISK\0000},
 * hardware ID {@code ROOT\RAMDISK}) configured for a 64 MiB memory-backed LUN of 512-byte blocks, and
 * one PCI echo DMA device ({@code PCI\VEN_1414&DEV_EC40\0000}, hardware ID
 * {@code PCI\VEN_1414&DEV_EC40}) with a 16 MiB buffer, in the first free PCI slot (0 on a fresh
 * machine), and two PCI Ethernet controllers ({@code PCI\VEN_8086&DEV_100E\0000} and {@code \0001}, hardware ID
 * {@code PCI\VEN_8086&DEV_100E}, {@link E1kRegisters}) in the next slots, cabled to each other. Set the framework
 * property {@code drvsim.machine=empty} to start with an empty bus.
 */
@Component(immediate = true)
public final class DefaultMachine {
    static final String MACHINE_PROPERTY = "drvsim.machine";

    /** The kinds of device the machine models (see {@link HardwareBus#kinds()}). */
    static final List<DeviceKind> KINDS = List.of(
            new DeviceKind("ROOT\\NETVMINI", "Simulated virtual miniport (netvmini)", Map.of()),
            new DeviceKind("ROOT\\RAMDISK", "Simulated Storport virtual adapter (ramdisk)",
                    Map.of("ramdisk.sizeBytes", String.valueOf(64L << 20), "ramdisk.blockSize", "512")),
            new DeviceKind(EchoDmaRegisters.HARDWARE_ID, "Simulated PCI echo DMA device",
                    Map.of(DeviceSpec.DEVICE_TYPE, EchoDmaRegisters.DEVICE_TYPE,
                            EchoDmaRegisters.BUFFER_BYTES_PROPERTY, String.valueOf(16 << 20))),
            new DeviceKind(E1kRegisters.HARDWARE_ID, "Simulated PCI Ethernet controller (8254x-style)",
                    Map.of(DeviceSpec.DEVICE_TYPE, E1kRegisters.DEVICE_TYPE)));

    static final String E1K0 = E1kRegisters.HARDWARE_ID + "\\0000";
    static final String E1K1 = E1kRegisters.HARDWARE_ID + "\\0001";

    /** The default machine's devices, in plug order. */
    static List<DeviceSpec> defaultDevices() {
        return List.of(
                KINDS.get(0).spec("ROOT\\NETVMINI\\0000", "Simulated virtual miniport (netvmini) 0"),
                KINDS.get(0).spec("ROOT\\NETVMINI\\0001", "Simulated virtual miniport (netvmini) 1"),
                KINDS.get(1).spec("ROOT\\RAMDISK\\0000", "Simulated Storport virtual adapter (ramdisk) 0"),
                KINDS.get(2).spec("PCI\\VEN_1414&DEV_EC40\\0000", "Simulated PCI echo DMA device 0"),
                KINDS.get(3).spec(E1K0, "Simulated PCI Ethernet controller 0"),
                KINDS.get(3).spec(E1K1, "Simulated PCI Ethernet controller 1"));
    }

    private final HardwareBus bus;
    private final List<String> plugged = new ArrayList<>();

    @Activate
    public DefaultMachine(@Reference HardwareBus bus, BundleContext context) {
        this.bus = bus;
        String machine = context.getProperty(MACHINE_PROPERTY);
        if (machine == null || machine.isBlank() || machine.equals("default")) {
            for (DeviceSpec spec : defaultDevices()) {
                if (bus.device(spec.instanceId()).isEmpty()) {
                    bus.plug(spec);
                    plugged.add(spec.instanceId());
                }
            }
            // the two Ethernet controllers' cable, when this machine plugged both
            if (plugged.contains(E1K0) && plugged.contains(E1K1)) {
                E1kController.cable(controller(E1K0), controller(E1K1));
            }
        } else if (!machine.equals("empty")) {
            throw new IllegalArgumentException("framework property " + MACHINE_PROPERTY + "='" + machine
                    + "' is not a known machine; use 'default' or 'empty'");
        }
    }

    private E1kController controller(String instanceId) {
        return (E1kController) ((SimDeviceImpl) bus.device(instanceId).orElseThrow()).hardware();
    }

    @Deactivate
    void deactivate() {
        for (int i = plugged.size() - 1; i >= 0; i--) {
            String id = plugged.get(i);
            if (bus.device(id).isPresent()) {
                bus.unplug(id);
            }
        }
    }
}
