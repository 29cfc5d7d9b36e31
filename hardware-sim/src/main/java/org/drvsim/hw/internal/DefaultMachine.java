package org.drvsim.hw.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.internal.DeviceConfigParser.ParsedDevice;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The embedded default machine, so that the platform runs with no configuration: two root-enumerated NDIS virtual
 * adapters ({@code ROOT\NETVMINI\0000} and {@code ROOT\NETVMINI\0001}, hardware ID {@code ROOT\NETVMINI}), one Storport
 * virtual adapter ({@code ROOT\RAMDISK\0000}, hardware ID {@code ROOT\RAMDISK}) with the ramdisk driver's parameters
 * for a 64 MiB memory-backed LUN of 512-byte blocks, one PCI echo DMA device ({@code PCI\VEN_1414&DEV_EC40\0000},
 * hardware ID {@code PCI\VEN_1414&DEV_EC40}) with a 16 MiB buffer, in the first free PCI slot (0 on a fresh machine),
 * and two PCI Ethernet controllers ({@code PCI\VEN_8086&DEV_100E\0000} and {@code \0001}, hardware ID
 * {@code PCI\VEN_8086&DEV_100E}, {@link E1kRegisters}) in the next slots, cabled to each other (their
 * {@value E1kRegisters#CABLE_PROPERTY} parameters).
 *
 * <p>The machine is a set of device configurations ({@link DeviceConfigurations#defaultMachine()}, the
 * {@code org.drvsim.hw.device-NAME.cfg} files in this bundle). In drvsim.jar (the framework property
 * {@value #HOME_PROPERTY} is set) the shell writes them into {@code etc/} when it has no device configuration, and
 * ConfigAdmin gives them to {@link ConfiguredDevice} like any other: this component then plugs nothing. Without
 * drvsim's home (a test framework, an embedding) it reads the same files with the same parser and plugs the devices
 * itself, as it activates, and unplugs them when it deactivates. The framework property {@code drvsim.machine=empty}
 * turns the default machine off.
 */
@Component(immediate = true)
public final class DefaultMachine {
    static final String MACHINE_PROPERTY = "drvsim.machine";
    /** Set in drvsim.jar, where the default machine comes as files in {@code etc/}. */
    static final String HOME_PROPERTY = "drvsim.home";

    /** The kinds of device the machine models (see {@link HardwareBus#kinds()}). */
    static final List<DeviceKind> KINDS = List.of(
            new DeviceKind("ROOT\\NETVMINI", "Simulated virtual miniport (netvmini)", Map.of()),
            new DeviceKind("ROOT\\RAMDISK", "Simulated Storport virtual adapter (ramdisk)", Map.of()),
            new DeviceKind(EchoDmaRegisters.HARDWARE_ID, "Simulated PCI echo DMA device",
                    Map.of(DeviceSpec.DEVICE_TYPE, EchoDmaRegisters.DEVICE_TYPE,
                            EchoDmaRegisters.BUFFER_BYTES_PROPERTY, String.valueOf(16 << 20))),
            new DeviceKind(E1kRegisters.HARDWARE_ID, "Simulated PCI Ethernet controller (8254x-style)",
                    Map.of(DeviceSpec.DEVICE_TYPE, E1kRegisters.DEVICE_TYPE)));

    /** The default machine's devices, in plug order, read from its configuration files. */
    static List<ParsedDevice> defaultDevices() {
        List<ParsedDevice> devices = new ArrayList<>();
        for (Map.Entry<String, String> file : DeviceConfigurations.defaultMachine().entrySet()) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(file.getValue()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Object> properties = new HashMap<>();
            p.stringPropertyNames().forEach(k -> properties.put(k, p.getProperty(k)));
            devices.add(DeviceConfigParser.parse("default machine " + file.getKey(), properties,
                    id -> KINDS.stream().filter(k -> k.hardwareId().equalsIgnoreCase(id)).findFirst()));
        }
        return devices;
    }

    private final HardwareBus bus;
    private final List<String> plugged = new ArrayList<>();

    @Activate
    public DefaultMachine(@Reference HardwareBus bus, BundleContext context) {
        this.bus = bus;
        String machine = context.getProperty(MACHINE_PROPERTY);
        if (machine == null || machine.isBlank() || machine.equals("default")) {
            if (context.getProperty(HOME_PROPERTY) != null) {
                return; // drvsim.jar: the default machine is in etc/, and ConfigAdmin plugs it
            }
            for (ParsedDevice d : defaultDevices()) {
                if (bus.device(d.spec().instanceId()).isEmpty()) {
                    bus.plug(d.spec(), d.rules());
                    plugged.add(d.spec().instanceId());
                }
            }
        } else if (!machine.equals("empty")) {
            throw new IllegalArgumentException("framework property " + MACHINE_PROPERTY + "='" + machine
                    + "' is not a known machine; use 'default' or 'empty'");
        }
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
