package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.HardwareListener;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.HwResource.InterruptResource;
import org.drvsim.hw.HwResource.MemoryResource;
import org.drvsim.hw.SimDevice;
import org.junit.After;
import org.junit.Test;

/** The bus builds each device from its {@code device.type} and gives PCI devices their slot's resources. */
public class SimHardwareBusTest {
    private final SimHardwareBus bus = new SimHardwareBus(new SimHostMemory());
    private final SimHostBridge bridge = new SimHostBridge();

    @After
    public void stop() {
        bus.deactivate();
    }

    private static DeviceSpec echo(String instanceId, Map<String, String> extra) {
        Map<String, String> p = new java.util.HashMap<>(extra);
        p.putIfAbsent(DeviceSpec.DEVICE_TYPE, EchoDmaRegisters.DEVICE_TYPE);
        p.putIfAbsent(EchoDmaRegisters.BUFFER_BYTES_PROPERTY, "4096");
        return new DeviceSpec(instanceId, List.of(EchoDmaRegisters.HARDWARE_ID), "echo", p);
    }

    private static String pci(int n) {
        return String.format("PCI\\VEN_1414&DEV_EC40\\%04d", n);
    }

    @Test
    public void pluggingAPciEchoDmaSpecGivesADeviceWithItsBarAndItsInterrupt() {
        SimDevice d = bus.plug(echo(pci(0), Map.of()));

        assertThat(d.resources()).containsExactly(new MemoryResource(0, 0xF000_0000L, 4096),
                new InterruptResource(0x50, false));
        assertThat(bridge.mmio(d, 0)).hasValueSatisfying(r -> {
            assertThat(r.length()).isEqualTo(4096);
            assertThat(r.read32(EchoDmaRegisters.ID)).isEqualTo(0x1414EC40);
        });
        assertThat(d.faults().supported()).containsExactlyInAnyOrder("failDma", "dropInterrupts", "interruptStorm",
                "hangDevice", "delayCompletion", "failRegisterRead", "failRegisterWrite", "vanish");
        assertThat(d.hardwareIds()).containsExactly("PCI\\VEN_1414&DEV_EC40");
        assertThat(bus.device("pci\\ven_1414&dev_ec40\\0000")).containsSame(d);
    }

    @Test
    public void eachPciDeviceTakesTheLowestFreeSlotAndARemovedDeviceFreesItsSlot() {
        SimDevice d0 = bus.plug(echo(pci(0), Map.of()));
        SimDevice d1 = bus.plug(echo(pci(1), Map.of()));
        assertThat(d1.resources()).containsExactly(new MemoryResource(0, 0xF001_0000L, 4096),
                new InterruptResource(0x51, false));

        bus.surpriseRemove(d0.instanceId());
        SimDevice d2 = bus.plug(echo(pci(2), Map.of()));
        assertThat(d2.resources()).containsExactly(new MemoryResource(0, 0xF000_0000L, 4096),
                new InterruptResource(0x50, false));
        assertThat(d0.resources()).as("a removed device keeps its resources").isEqualTo(d2.resources());
    }

    @Test
    public void whenEverySlotIsTakenAPciDeviceIsRefused() {
        for (int i = 0; i < PciEchoDma.SLOTS; i++) {
            bus.plug(echo(pci(i), Map.of()));
        }
        assertThatThrownBy(() -> bus.plug(echo(pci(64), Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all 64 PCI slots are taken");
        assertThat(bus.devices()).hasSize(64);
        assertThat(bus.devices().get(63).resources()).contains(new InterruptResource(0x8F, false));
    }

    @Test
    public void aRootEnumeratedDeviceHasNoResourcesNoRegistersAndNoInterrupt() throws Exception {
        SimDevice d = bus.plug(DeviceSpec.of("ROOT\\NETVMINI\\0000", "ROOT\\NETVMINI", "nic"));
        assertThat(d.resources()).isEmpty();
        assertThat(bridge.mmio(d, 0)).isEmpty();
        bridge.connectInterrupt(d, v -> { }).close();
        assertThat(d.faults().supported()).isEmpty();
        assertThatThrownBy(() -> bridge.connectInterrupt(d, null)).isInstanceOf(NullPointerException.class);
        SimDevice foreign = (SimDevice) java.lang.reflect.Proxy.newProxyInstance(SimDevice.class.getClassLoader(),
                new Class<?>[] {SimDevice.class}, (proxy, method, args) -> "FOREIGN");
        assertThatThrownBy(() -> bridge.mmio(foreign, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FOREIGN is not a device of this bus");
    }

    @Test
    public void theDefaultMethodsOfSimDeviceDescribeADeviceWithoutResources() throws Exception {
        SimDevice bare = new SimDevice() {
            @Override public String instanceId() { return "X"; }
            @Override public List<String> hardwareIds() { return List.of("X"); }
            @Override public String description() { return ""; }
            @Override public Map<String, String> properties() { return Map.of(); }
            @Override public boolean present() { return true; }
            @Override public DeviceFaults faults() { return null; }
        };
        assertThat(bare.resources()).isEmpty();
    }

    @Test
    public void anUnknownDeviceTypeOrABadBufferSizeIsRefusedAndNothingChanges() {
        List<SimDevice> heard = new ArrayList<>();
        bus.addListener(new HardwareListener() {
            @Override public void deviceArrived(SimDevice device) { heard.add(device); }
            @Override public void deviceRemoved(SimDevice device, boolean surprise) { }
        });
        assertThatThrownBy(() -> bus.plug(echo(pci(0), Map.of(DeviceSpec.DEVICE_TYPE, "pci-nvme"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device.type='pci-nvme' is not a known device type; use pci-echo-dma");
        for (String bad : new String[] {"0", "-1", "sixteen", "268435457", ""}) {
            assertThatThrownBy(() -> bus.plug(echo(pci(0), Map.of(EchoDmaRegisters.BUFFER_BYTES_PROPERTY, bad))))
                    .as("echo.bufferBytes='%s'", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("echo.bufferBytes='" + bad + "' is not a size in bytes from 1 to 268435456");
        }
        assertThat(bus.devices()).isEmpty();
        assertThat(heard).isEmpty();
        assertThat(bus.plug(echo(pci(0), Map.of())).resources()).as("slot 0 is still free")
                .contains(new InterruptResource(0x50, false));
    }

    @Test
    public void stoppingTheBusUnplugsEveryDeviceAndEndsTheDeviceThreads() throws Exception {
        SimDeviceImpl d = (SimDeviceImpl) bus.plug(echo(pci(0), Map.of()));
        ((PciEchoDma) d.hardware()).onDeviceThread(() -> { }).get(); // the thread exists
        bus.deactivate();
        assertThat(d.present()).isFalse();
        assertThat(d.hardware().awaitStopped(Duration.ZERO)).isTrue();
        assertThat(bus.devices()).isEmpty();
    }

    @Test
    public void theDefaultMachineEndsWithThePciEchoDmaDeviceAndTwoEthernetControllers() {
        List<DeviceSpec> specs = DefaultMachine.defaultDevices().stream().map(DeviceConfigParser.ParsedDevice::spec)
                .toList();
        assertThat(specs).extracting(DeviceSpec::instanceId).containsExactly("ROOT\\NETVMINI\\0000",
                "ROOT\\NETVMINI\\0001", "ROOT\\RAMDISK\\0000", "PCI\\VEN_1414&DEV_EC40\\0000",
                "PCI\\VEN_8086&DEV_100E\\0000", "PCI\\VEN_8086&DEV_100E\\0001");
        DeviceSpec echo = specs.get(3);
        assertThat(echo.hardwareIds()).containsExactly("PCI\\VEN_1414&DEV_EC40");
        assertThat(echo.description()).isEqualTo("Simulated PCI echo DMA device 0");
        assertThat(echo.properties()).containsExactlyInAnyOrderEntriesOf(
                Map.of("device.type", "pci-echo-dma", "echo.bufferBytes", "16777216"));

        specs.forEach(bus::plug);
        List<HwResource> resources = bus.device(echo.instanceId()).orElseThrow().resources();
        assertThat(resources).containsExactly(new MemoryResource(0, 0xF000_0000L, 4096),
                new InterruptResource(0x50, false));
        assertThat(bus.devices().subList(0, 3)).allMatch(d -> d.resources().isEmpty());
        assertThat(bus.device(specs.get(5).instanceId()).orElseThrow().resources()).containsExactly(
                new MemoryResource(0, 0xF002_0000L, 0x1_0000), new InterruptResource(0x52, false));
        assertThat(specs.get(4).properties()).containsEntry("device.type", "e1k");
        E1kController e1k0 = (E1kController) ((SimDeviceImpl) bus.device(specs.get(4).instanceId()).orElseThrow())
                .hardware();
        assertThat(e1k0.peer()).as("the controllers name each other in e1k.cable").hasValueSatisfying(
                p -> assertThat(p).isSameAs(((SimDeviceImpl) bus.device(specs.get(5).instanceId()).orElseThrow())
                        .hardware()));
    }

    @Test
    public void aDeviceOfAKindTheMachineModelsIsThatDeviceWithItsResources() {
        assertThat(bus.kinds()).extracting(org.drvsim.hw.DeviceKind::hardwareId)
                .containsExactly("ROOT\\NETVMINI", "ROOT\\RAMDISK", "PCI\\VEN_1414&DEV_EC40", "PCI\\VEN_8086&DEV_100E");
        SimDevice d = bus.plug(bus.kind("pci\\ven_1414&dev_ec40").orElseThrow().spec(pci(3), null));
        assertThat(d.description()).isEqualTo("Simulated PCI echo DMA device");
        assertThat(d.resources()).containsExactly(new MemoryResource(0, 0xF000_0000L, 4096),
                new InterruptResource(0x50, false));
        assertThat(bus.kind("ROOT\\NOSUCH")).isEmpty();
        SimDevice nic = bus.plug(bus.kind("PCI\\VEN_8086&DEV_100E").orElseThrow().spec("PCI\\VEN_8086&DEV_100E\\0000",
                null));
        assertThat(nic.description()).isEqualTo("Simulated PCI Ethernet controller (8254x-style)");
        assertThat(nic.resources()).containsExactly(new MemoryResource(0, 0xF001_0000L, 0x1_0000),
                new InterruptResource(0x51, false));
        assertThat(DefaultMachine.defaultDevices()).extracting(m -> m.spec().description()).containsExactly(
                "Simulated virtual miniport (netvmini) 0", "Simulated virtual miniport (netvmini) 1",
                "Simulated Storport virtual adapter (ramdisk) 0", "Simulated PCI echo DMA device 0",
                "Simulated PCI Ethernet controller 0", "Simulated PCI Ethernet controller 1");
    }
}
