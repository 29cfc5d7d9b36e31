package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.internal.DeviceConfigParser.DeviceConfigException;
import org.drvsim.hw.internal.DeviceConfigParser.ParsedDevice;
import org.junit.Test;

/** A device configuration read into a spec and fault rules; each refusal names the file and the key. */
public class DeviceConfigParserTest {
    private static final String FILE = "/home/u/.drvsim/etc/org.drvsim.hw.device-nic2.cfg";

    private static ParsedDevice parse(Map<String, Object> properties) {
        return DeviceConfigParser.parse(FILE, properties,
                id -> DefaultMachine.KINDS.stream().filter(k -> k.hardwareId().equalsIgnoreCase(id)).findFirst());
    }

    private static Map<String, Object> nic(Object... more) {
        Map<String, Object> p = new HashMap<>(Map.of("instanceId", "ROOT\\NETVMINI\\0002",
                "hardwareIds", "ROOT\\NETVMINI", "service.pid", "org.drvsim.hw.device~nic2",
                "service.factoryPid", "org.drvsim.hw.device", "felix.fileinstall.filename", "file:" + FILE));
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                p.remove((String) more[i]);
            } else {
                p.put((String) more[i], more[i + 1]);
            }
        }
        return p;
    }

    private static void refused(Map<String, Object> properties, String key, String problem) {
        assertThatThrownBy(() -> parse(properties)).as(key).isInstanceOf(DeviceConfigException.class)
                .hasMessageStartingWith(FILE + ": " + key + ": ").hasMessageContaining(problem)
                .satisfies(e -> assertThat(((DeviceConfigException) e).key()).isEqualTo(key));
    }

    @Test
    public void aConfigurationIsADeviceWhoseOtherKeysAreItsParameters() {
        ParsedDevice d = parse(nic("description", "third adapter", "netvmini.mac", "02-50-F2-00-00-03",
                "ramdisk.sizeBytes", 1048576L, ".private", "x"));
        assertThat(d.spec().instanceId()).isEqualTo("ROOT\\NETVMINI\\0002");
        assertThat(d.spec().hardwareIds()).containsExactly("ROOT\\NETVMINI");
        assertThat(d.spec().description()).isEqualTo("third adapter");
        assertThat(d.spec().properties()).as("bookkeeping and dotted keys are not parameters; values are text")
                .containsExactlyInAnyOrderEntriesOf(Map.of("netvmini.mac", "02-50-F2-00-00-03",
                        "ramdisk.sizeBytes", "1048576"));
        assertThat(d.faults()).isEmpty();
    }

    @Test
    public void hardwareIdsAreCommaSeparatedOrAnArrayMostSpecificFirstAndTheFirstKindGivesItsDefaults() {
        ParsedDevice echo = parse(nic("instanceId", "PCI\\VEN_1414&DEV_EC40&SUBSYS_00011414\\0001", "hardwareIds",
                " PCI\\VEN_1414&DEV_EC40&SUBSYS_00011414 , PCI\\VEN_1414&DEV_EC40 ", "echo.bufferBytes", "4096"));
        assertThat(echo.spec().hardwareIds()).containsExactly("PCI\\VEN_1414&DEV_EC40&SUBSYS_00011414",
                "PCI\\VEN_1414&DEV_EC40");
        assertThat(echo.spec().description()).isEqualTo("Simulated PCI echo DMA device");
        assertThat(echo.spec().properties()).as("the kind's device.type, the configured buffer size")
                .containsExactlyInAnyOrderEntriesOf(Map.of("device.type", "pci-echo-dma", "echo.bufferBytes", "4096"));

        ParsedDevice array = parse(nic("hardwareIds", new String[] {"ROOT\\MYNIC", "ROOT\\NETVMINI"}));
        assertThat(array.spec().hardwareIds()).containsExactly("ROOT\\MYNIC", "ROOT\\NETVMINI");
        assertThat(parse(nic("hardwareIds", List.of("ROOT\\OTHER"))).spec().description())
                .isEqualTo("configured device");
    }

    @Test
    public void faultKeysAreRulesInTheSyntaxOfHwFault() {
        ParsedDevice d = parse(nic("fault.1", "failRegisterRead --nth 1 --times 1", "fault.storm", "interruptStorm"));
        assertThat(d.faults()).containsExactly(
                Map.entry("fault.1", FaultRule.nth("failRegisterRead", 1).times(1)),
                Map.entry("fault.storm", FaultRule.always("interruptStorm")));
        assertThat(d.spec().properties()).isEmpty();
    }

    @Test
    public void eachBadKeyIsRefusedNamingTheFileAndTheKey() {
        refused(nic("instanceId", null), "instanceId", "missing");
        refused(nic("instanceId", "  "), "instanceId", "missing");
        refused(nic("instanceId", "ROOTNETVMINI0002"), "instanceId",
                "'ROOTNETVMINI0002' has no backslash (in a .cfg file write each backslash twice");
        refused(nic("instanceId", "ROOT\\\\NETVMINI"), "instanceId", "has an empty segment");
        refused(nic("instanceId", "ROOT\\NET VMINI\\0"), "instanceId", "has white space, a comma or a quote");
        refused(nic("instanceId", "ROOT\\" + "X".repeat(200)), "instanceId", "is longer than 200 characters");
        refused(nic("hardwareIds", null), "hardwareIds", "missing");
        refused(nic("hardwareIds", " , "), "hardwareIds", "missing");
        refused(nic("hardwareIds", "ROOT\\NETVMINI,NETVMINI"), "hardwareIds", "'NETVMINI' has no backslash");
        refused(nic("fault.1", "failDma --nth 0"), "fault.1", "--nth must be at least 1, not 0");
        refused(nic("fault.1", "failDma --every lots"), "fault.1", "--every 'lots' is not a whole number");
        refused(nic("fault.1", ""), "fault.1", "a fault name is missing");
        refused(nic("fault.a", "failDma", "fault.b", "failDma --nth 2"), "fault.b",
                "arms failDma, which fault.a arms already");
    }

    @Test
    public void whatTheBusRefusesIsNamedByTheKeyItIsAbout() {
        ParsedDevice d = parse(nic("echo.bufferBytes", "lots", "fault.x", "failDma"));
        assertThat(DeviceConfigParser.refusedByTheBus(FILE, d, "device ROOT\\NETVMINI\\0002: echo.bufferBytes='lots' "
                + "is not a size in bytes from 1 to 268435456")).hasMessageStartingWith(FILE + ": echo.bufferBytes: ");
        assertThat(DeviceConfigParser.refusedByTheBus(FILE, d, "device ROOT\\NETVMINI\\0002 has no fault 'failDma'; "
                + "it supports none")).hasMessageStartingWith(FILE + ": fault.x: ");
        assertThat(DeviceConfigParser.refusedByTheBus(FILE, d, "device ROOT\\NETVMINI\\0002 is already present"))
                .hasMessageStartingWith(FILE + ": instanceId: ");
        assertThat(DeviceConfigParser.refusedByTheBus(FILE, d, "device ROOT\\NETVMINI\\0002: device.type='nvme' is "
                + "not a known device type")).hasMessageStartingWith(FILE + ": device.type: ");
    }

    @Test
    public void theDefaultMachineIsSixConfigurationsAndTheRamdiskParametersAreInItsFileNotInTheKind() {
        List<ParsedDevice> machine = DefaultMachine.defaultDevices();
        assertThat(machine).extracting(d -> d.spec().instanceId()).containsExactly("ROOT\\NETVMINI\\0000",
                "ROOT\\NETVMINI\\0001", "ROOT\\RAMDISK\\0000", "PCI\\VEN_1414&DEV_EC40\\0000",
                "PCI\\VEN_8086&DEV_100E\\0000", "PCI\\VEN_8086&DEV_100E\\0001");
        assertThat(machine.get(4).spec().properties()).containsEntry("e1k.cable", "PCI\\VEN_8086&DEV_100E\\0001");
        assertThat(machine.get(2).spec().properties()).containsExactlyInAnyOrderEntriesOf(
                Map.of("ramdisk.sizeBytes", "67108864", "ramdisk.blockSize", "512"));
        Optional<DeviceKind> ramdisk = DefaultMachine.KINDS.stream()
                .filter(k -> k.hardwareId().equals("ROOT\\RAMDISK")).findFirst();
        assertThat(ramdisk).hasValueSatisfying(k -> assertThat(k.properties()).isEmpty());
    }
}
