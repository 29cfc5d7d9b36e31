package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceConfigurations.State;
import org.drvsim.hw.DeviceConfigurations.Status;
import org.drvsim.hw.HardwareListener;
import org.drvsim.hw.SimDevice;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A factory configuration plugs its device; a change unplugs and plugs it again, a change to nothing does nothing; a
 * deletion surprise-removes it; a bad configuration plugs nothing and says why, naming its file and key.
 */
public class ConfiguredDeviceTest {
    private static final String FILE = "/tmp/etc/org.drvsim.hw.device-nic2.cfg";
    private final SimHardwareBus bus = new SimHardwareBus(new SimHostMemory());
    private final DeviceConfigurationsImpl outcomes = new DeviceConfigurationsImpl(bus);
    private final List<String> events = new ArrayList<>();

    @Before
    public void listen() {
        bus.addListener(new HardwareListener() {
            @Override
            public void deviceArrived(SimDevice device) {
                events.add("arrived " + device.instanceId() + " " + device.description());
            }

            @Override
            public void deviceRemoved(SimDevice device, boolean surprise) {
                events.add((surprise ? "surprise-removed " : "unplugged ") + device.instanceId());
            }
        });
    }

    @After
    public void stop() {
        bus.deactivate();
    }

    private static Map<String, Object> config(String name, Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "org.drvsim.hw.device~" + name);
        p.put("felix.fileinstall.filename", "file:/tmp/etc/org.drvsim.hw.device-" + name + ".cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private static Map<String, Object> nic2(String description) {
        return config("nic2", "instanceId", "ROOT\\NETVMINI\\0002", "hardwareIds", "ROOT\\NETVMINI",
                "description", description);
    }

    @Test
    public void createdItPlugsChangedItReplugsUnchangedNothingDeletedItSurpriseRemoves() {
        ConfiguredDevice c = new ConfiguredDevice(bus, outcomes, nic2("first"));
        assertThat(events).containsExactly("arrived ROOT\\NETVMINI\\0002 first");
        assertThat(outcomes.configurations()).containsExactly(new Status("org.drvsim.hw.device~nic2", FILE,
                "ROOT\\NETVMINI\\0002", State.PLUGGED, ""));

        c.modified(nic2("first"));
        assertThat(events).as("the same device: nothing happens").hasSize(1);

        c.modified(nic2("second"));
        assertThat(events).containsExactly("arrived ROOT\\NETVMINI\\0002 first", "unplugged ROOT\\NETVMINI\\0002",
                "arrived ROOT\\NETVMINI\\0002 second");

        c.deactivate(ConfiguredDevice.DEACTIVATION_REASON_CONFIGURATION_DELETED);
        assertThat(events).endsWith("surprise-removed ROOT\\NETVMINI\\0002");
        assertThat(bus.devices()).isEmpty();
        assertThat(outcomes.configurations()).isEmpty();
    }

    @Test
    public void aBadConfigurationPlugsNothingAndSaysWhyNamingTheFileAndTheKey() {
        new ConfiguredDevice(bus, outcomes, config("nic2", "instanceId", "ROOTNETVMINI0002",
                "hardwareIds", "ROOT\\NETVMINI"));
        new ConfiguredDevice(bus, outcomes, config("echo9", "instanceId", "PCI\\VEN_1414&DEV_EC40\\0009",
                "hardwareIds", "PCI\\VEN_1414&DEV_EC40", "echo.bufferBytes", "lots"));
        new ConfiguredDevice(bus, outcomes, config("nvme", "instanceId", "PCI\\VEN_1B36&DEV_0010\\0000",
                "hardwareIds", "PCI\\VEN_1B36&DEV_0010", "device.type", "pci-nvme"));
        new ConfiguredDevice(bus, outcomes, config("quiet", "instanceId", "ROOT\\QUIET\\0000",
                "hardwareIds", "ROOT\\QUIET", "fault.1", "failDma"));
        assertThat(events).isEmpty();
        assertThat(bus.devices()).isEmpty();
        List<Status> all = outcomes.configurations();
        assertThat(all).extracting(Status::state).containsOnly(State.REFUSED);
        assertThat(all.get(0).problem()).startsWith(FILE + ": instanceId: 'ROOTNETVMINI0002' has no backslash");
        assertThat(all.get(1).problem()).startsWith("/tmp/etc/org.drvsim.hw.device-echo9.cfg: echo.bufferBytes: ")
                .contains("echo.bufferBytes='lots' is not a size in bytes");
        assertThat(all.get(2).problem()).startsWith("/tmp/etc/org.drvsim.hw.device-nvme.cfg: device.type: ")
                .contains("'pci-nvme' is not a known device type");
        assertThat(all.get(3).problem()).startsWith("/tmp/etc/org.drvsim.hw.device-quiet.cfg: fault.1: ")
                .contains("has no fault 'failDma'");
    }

    @Test
    public void aDuplicateInstanceIdIsRefusedNamingTheConfigurationThatHasIt() {
        new ConfiguredDevice(bus, outcomes, nic2("first"));
        new ConfiguredDevice(bus, outcomes, config("copy", "instanceId", "root\\netvmini\\0002",
                "hardwareIds", "ROOT\\NETVMINI"));
        assertThat(bus.devices()).hasSize(1);
        assertThat(outcomes.configurations().get(1).problem()).startsWith("/tmp/etc/org.drvsim.hw.device-copy.cfg: "
                + "instanceId: device root\\netvmini\\0002 is already present (configured by " + FILE + ")");
    }

    @Test
    public void aBadChangeLeavesTheDeviceAsItWasAndAGoodOneAfterItPlugsTheNewDevice() {
        ConfiguredDevice c = new ConfiguredDevice(bus, outcomes, nic2("first"));
        c.modified(config("nic2", "instanceId", "ROOT\\NETVMINI\\0002"));
        assertThat(events).containsExactly("arrived ROOT\\NETVMINI\\0002 first");
        Status s = outcomes.configurations().get(0);
        assertThat(s.state()).isEqualTo(State.PLUGGED);
        assertThat(s.problem()).startsWith(FILE + ": hardwareIds: missing").endsWith("ROOT\\NETVMINI\\0002 stays as it was");

        // the bus refuses the change (an echo buffer too large): unplugged, and plugged again as it was
        c.modified(config("nic2", "instanceId", "ROOT\\NETVMINI\\0002", "hardwareIds", "PCI\\VEN_1414&DEV_EC40",
                "echo.bufferBytes", "0"));
        assertThat(bus.device("ROOT\\NETVMINI\\0002")).hasValueSatisfying(d ->
                assertThat(d.description()).isEqualTo("first"));
        assertThat(outcomes.configurations().get(0).problem()).contains("echo.bufferBytes: ")
                .endsWith("ROOT\\NETVMINI\\0002 was plugged again as it was");

        c.modified(nic2("fixed"));
        assertThat(events).endsWith("unplugged ROOT\\NETVMINI\\0002", "arrived ROOT\\NETVMINI\\0002 fixed");
        assertThat(outcomes.configurations().get(0).problem()).isEmpty();
    }

    @Test
    public void faultRulesFromConfigurationAreArmedBeforeTheDeviceArrives() {
        List<String> armedAtArrival = new ArrayList<>();
        bus.addListener(new HardwareListener() {
            @Override
            public void deviceArrived(SimDevice device) {
                armedAtArrival.addAll(device.faults().armed());
            }

            @Override
            public void deviceRemoved(SimDevice device, boolean surprise) {
            }
        });
        new ConfiguredDevice(bus, outcomes, config("echo1", "instanceId", "PCI\\VEN_1414&DEV_EC40\\0001",
                "hardwareIds", "PCI\\VEN_1414&DEV_EC40", "echo.bufferBytes", "4096",
                "fault.1", "failRegisterRead --nth 1 --times 1", "fault.2", "dropInterrupts"));
        assertThat(armedAtArrival).containsExactly("dropInterrupts", "failRegisterRead");
    }

    @Test
    public void aDeviceRemovedByHandIsNotRemovedAgainWhenItsConfigurationGoes() {
        ConfiguredDevice c = new ConfiguredDevice(bus, outcomes, nic2("first"));
        bus.unplug("ROOT\\NETVMINI\\0002");
        assertThat(outcomes.configurations().get(0).state()).isEqualTo(State.REMOVED);
        bus.plug(org.drvsim.hw.DeviceSpec.of("ROOT\\NETVMINI\\0002", "ROOT\\NETVMINI", "by hand"));
        c.deactivate(ConfiguredDevice.DEACTIVATION_REASON_CONFIGURATION_DELETED);
        assertThat(bus.device("ROOT\\NETVMINI\\0002")).hasValueSatisfying(d ->
                assertThat(d.description()).isEqualTo("by hand"));
    }
}
