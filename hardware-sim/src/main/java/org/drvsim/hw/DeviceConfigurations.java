package org.drvsim.hw;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The machine as configuration, as netdevsim's {@code new_device} written down: each ConfigAdmin factory
 * configuration of {@value #FACTORY_PID} is one device (in drvsim.jar, a file {@code etc/org.drvsim.hw.device-NAME.cfg}
 * of drvsim's home, which FileInstall reads). Creating a configuration plugs its device, changing it unplugs the
 * device and plugs it again as configured (a change that leaves the device as it was does nothing), deleting it
 * surprise-removes the device. A bad configuration plugs nothing: it is refused with a message that names its file
 * (or PID) and the key that is wrong, logged at SEVERE (ERROR) and listed here (the shell's {@code hw:config}); a
 * configuration that was good and became bad leaves its device as it was.
 *
 * <table class="striped">
 * <caption>The keys of a device configuration</caption>
 * <thead><tr><th>Key</th><th>Meaning</th></tr></thead>
 * <tbody>
 * <tr><td>{@value #INSTANCE_ID}</td><td>required: the device instance ID, unique on the bus, for example
 *     {@code ROOT\NETVMINI\0002} (in a {@code .cfg} file each backslash is written twice: {@code .cfg} files are
 *     Java properties files)</td></tr>
 * <tr><td>{@value #HARDWARE_IDS}</td><td>required: the hardware IDs, most specific first, separated by commas (or a
 *     typed array)</td></tr>
 * <tr><td>{@value #DESCRIPTION}</td><td>what the shell shows; default: the kind's description</td></tr>
 * <tr><td>{@value DeviceSpec#DEVICE_TYPE}</td><td>the hardware the bus builds (absent: a device without resources;
 *     {@value EchoDmaRegisters#DEVICE_TYPE}: the PCI echo DMA device). The kind of the first hardware ID the machine
 *     models ({@link HardwareBus#kinds()}) gives it and its parameters' defaults, so {@code
 *     hardwareIds=PCI\\VEN_1414&DEV_EC40} alone is an echo device, as {@code hw:plug} of that hardware ID is</td></tr>
 * <tr><td>{@code fault.NAME}</td><td>a fault rule armed before the device arrives, in {@code hw:fault}'s syntax
 *     ({@link FaultRule#parse(String)}), for example {@code fault.1 = failRegisterRead --nth 1 --times 1}</td></tr>
 * <tr><td>any other key</td><td>a device parameter ({@link DeviceSpec#properties()}): a kind's parameter such as
 *     {@value EchoDmaRegisters#BUFFER_BYTES_PROPERTY}, which the bus checks, or a value the device's driver reads as it
 *     reads its registry, such as the ramdisk's {@code ramdisk.sizeBytes}, which the driver checks</td></tr>
 * </tbody>
 * </table>
 * ConfigAdmin's and FileInstall's own keys ({@code service.pid}, {@code service.factoryPid},
 * {@code felix.fileinstall.filename}, ...) and keys that start with a dot are not device parameters.
 *
 * <p>The embedded default machine is such a set of configurations, {@link #defaultMachine()}: drvsim.jar writes them
 * into an {@code etc/} that has no device configuration, where a user sees and edits them; a framework without
 * drvsim's home (a test) plugs them directly unless {@code drvsim.machine=empty}.
 *
 * @since 2.2
 */
@ProviderType
public interface DeviceConfigurations {
    /** The factory PID of device configurations: {@code etc/org.drvsim.hw.device-NAME.cfg}. */
    String FACTORY_PID = "org.drvsim.hw.device";
    /** Key: the device instance ID. */
    String INSTANCE_ID = "instanceId";
    /** Key: the hardware IDs, most specific first. */
    String HARDWARE_IDS = "hardwareIds";
    /** Key: the description. */
    String DESCRIPTION = "description";
    /** Prefix of the keys that arm fault rules. */
    String FAULT_PREFIX = "fault.";
    /** The names ({@code NAME} of {@code org.drvsim.hw.device-NAME.cfg}) of the default machine's devices, in plug order. */
    List<String> DEFAULT_MACHINE = List.of("netvmini0", "netvmini1", "ramdisk0", "echo0", "e1k0", "e1k1");

    /** What became of one device configuration. */
    enum State {
        /** Its device is plugged. */
        PLUGGED,
        /** Its device was plugged and has left the bus since ({@code hw:unplug}, {@code hw:surprise}, a vanish fault). */
        REMOVED,
        /** It was refused; {@link Status#problem()} says why. */
        REFUSED
    }

    /**
     * One device configuration.
     *
     * @param pid        its PID ({@code org.drvsim.hw.device~NAME})
     * @param source     the file it was read from, or {@code configuration PID} when it has none
     * @param instanceId the device instance ID it configures; empty when it has none
     * @param state      what became of it
     * @param problem    why it was refused (naming the source and the key), or why the device it configures is as it
     *                   was; empty when there is nothing to say
     */
    record Status(String pid, String source, String instanceId, State state, String problem) {
    }

    /** @return every device configuration ConfigAdmin gave the machine, in the order they arrived */
    List<Status> configurations();

    /**
     * The default machine's configurations, as {@code .cfg} files.
     *
     * @return the text of each file, by file name ({@code org.drvsim.hw.device-netvmini0.cfg}), in plug order
     */
    static Map<String, String> defaultMachine() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : DEFAULT_MACHINE) {
            String file = FACTORY_PID + "-" + name + ".cfg";
            try (InputStream in = DeviceConfigurations.class.getResourceAsStream("machine/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("the hardware bundle has no default configuration " + file);
                }
                files.put(file, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
