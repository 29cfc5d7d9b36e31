package org.drvsim.kernel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.internal.SimHardwareBus;
import org.drvsim.hw.internal.SimHostBridge;
import org.drvsim.hw.internal.SimHostMemory;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

/**
 * Driver matching by hardware ID in the PnP manager: a second driver claiming a hardware ID that a loaded driver
 * claims is warned about, leaves the devices with the first, and takes them over when the first stops.
 */
public class PnpManagerImplTest {
    /** An entry class: the fake port below does not look at it. */
    public static final class Entry {
        public Entry() {
        }
    }

    /** A port that starts every device and records what it was asked to do. */
    static final class RecordingPort implements PortDriver {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, DeviceResources> granted = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, Object> entries = new java.util.concurrent.ConcurrentHashMap<>();

        @Override public String model() { return "ndis"; }

        @Override
        public PortStatus driverEntry(DriverObject driver, Object entry) {
            calls.add("DriverEntry " + driver.name());
            entries.put(driver.name(), entry);
            return PortStatus.SUCCESS;
        }

        @Override
        public PortStatus startDevice(DriverObject driver, DeviceNode node, DeviceResources resources) {
            calls.add("start " + node.instanceId() + " " + driver.name());
            granted.put(node.instanceId(), resources);
            return PortStatus.SUCCESS;
        }

        @Override
        public void removeDevice(DriverObject driver, DeviceNode node) {
            calls.add("remove " + node.instanceId() + " " + driver.name());
        }

        @Override
        public void surpriseRemoveDevice(DriverObject driver, DeviceNode node) {
            calls.add("surprise " + node.instanceId() + " " + driver.name());
        }

        @Override
        public void driverUnload(DriverObject driver) {
            calls.add("unload " + driver.name());
        }
    }

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private SimHardwareBus bus;
    private PnpManagerImpl pnp;
    private final RecordingPort port = new RecordingPort();
    private final SimHostMemory memory = new SimHostMemory();

    static Bundle bundle(long id, String symbolicName, String header) {
        Dictionary<String, String> headers = new Hashtable<>();
        headers.put("Drvsim-Driver", header);
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> Version.parseVersion("1.0.0");
                    case "getHeaders" -> headers;
                    case "getState" -> Bundle.ACTIVE;
                    case "loadClass" -> Entry.class;
                    case "hashCode" -> (int) id;
                    case "equals" -> proxy == args[0];
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Before
    public void setUp() throws Exception {
        scheduler = new ThreadedScheduler(1);
        trace = new TraceRecorder(scheduler::currentProcessor);
        bus = new SimHardwareBus(memory);
        bus.plug(DeviceSpec.of("ROOT\\MYNIC\\0000", "ROOT\\MYNIC", "a NIC"));
        pnp = new PnpManagerImpl(bus, scheduler, trace, memory, new SimHostBridge());
        pnp.bindPortDriver(port, Map.of("service.bundleid", 7L));
        pnp.drain();
    }

    @After
    public void tearDown() {
        pnp.deactivate();
        scheduler.close();
    }

    @Test
    public void aSecondDriverForTheSameHardwareIdIsWarnedAboutAndTakesOverWhenTheFirstStops() throws Exception {
        Bundle first = bundle(1, "com.example.first", Entry.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\MYNIC\"");
        Bundle second = bundle(2, "com.example.second", Entry.class.getName() + ";model=ndis;hardware-ids=\"root\\mynic\"");
        pnp.load(first);
        pnp.load(second);

        TraceEvent load = trace.events(e -> e.name().equals("ZwLoadDriver") && e.driver().startsWith("com.example.second"))
                .get(0);
        assertThat(load.arg("alsoClaimedBy")).isEqualTo("root\\mynic (com.example.first/1.0.0)");
        assertThat(pnp.node("ROOT\\MYNIC\\0000").orElseThrow().driverName()).isEqualTo("com.example.first/1.0.0");

        pnp.unload(first);

        assertThat(port.calls).containsExactly(
                "DriverEntry com.example.first/1.0.0",
                "start ROOT\\MYNIC\\0000 com.example.first/1.0.0",
                "DriverEntry com.example.second/1.0.0",
                "remove ROOT\\MYNIC\\0000 com.example.first/1.0.0",
                "unload com.example.first/1.0.0",
                "start ROOT\\MYNIC\\0000 com.example.second/1.0.0");
        assertThat(pnp.node("ROOT\\MYNIC\\0000").orElseThrow().driverName()).isEqualTo("com.example.second/1.0.0");
    }

    @Test
    public void aSecondPortForAModelIsRefusedAndItsGoingAwayLeavesTheModelsDriversAlone() throws Exception {
        Bundle first = bundle(1, "com.example.first", Entry.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\MYNIC\"");
        pnp.load(first);
        RecordingPort rogue = new RecordingPort();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(PnpManagerImpl.class.getName());
        List<String> logged = new CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { logged.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(h);
        try {
            pnp.bindPortDriver(rogue, Map.of("service.bundleid", 42L));
            pnp.drain();
            pnp.unbindPortDriver(rogue);
        } finally {
            log.removeHandler(h);
        }
        assertThat(logged).containsExactly("drvsim: a second port driver for the ndis model ("
                + RecordingPort.class.getName() + ", bundle 42) is refused: the model already has one ("
                + RecordingPort.class.getName() + ", bundle 7)");
        // the first port keeps the driver and its device; the rogue was never called
        assertThat(rogue.calls).isEmpty();
        assertThat(port.calls).containsExactly("DriverEntry com.example.first/1.0.0",
                "start ROOT\\MYNIC\\0000 com.example.first/1.0.0");
        pnp.unload(first);
        assertThat(port.calls).endsWith("unload com.example.first/1.0.0");
    }

    @Test
    public void aDriverThatSharesNoHardwareIdLoadsWithoutAWarning() throws Exception {
        pnp.load(bundle(1, "com.example.first", Entry.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\MYNIC\""));
        pnp.load(bundle(2, "com.example.other", Entry.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\OTHER\""));
        assertThat(trace.events(e -> e.name().equals("ZwLoadDriver")))
                .allSatisfy(e -> assertThat(e.arg("alsoClaimedBy")).isNull());
    }

    @Test
    public void onlyThePortOfTheDevicesDriverGetsItsHardwareAndOnlyUntilTheDeviceIsRemoved() throws Exception {
        String echo = "PCI\\VEN_1414&DEV_EC40\\0000";
        bus.plug(new DeviceSpec(echo, List.of("PCI\\VEN_1414&DEV_EC40"), "echo",
                Map.of(DeviceSpec.DEVICE_TYPE, org.drvsim.hw.EchoDmaRegisters.DEVICE_TYPE)));
        pnp.drain();
        Bundle driver = bundle(1, "com.example.echo", Entry.class.getName()
                + ";model=ndis;hardware-ids=\"PCI\\VEN_1414&DEV_EC40\"");
        pnp.load(driver);

        DeviceNode node = pnp.node(echo).orElseThrow();
        assertThat(node).as("the public device node hands out no hardware").isNotInstanceOf(DeviceResources.class);
        assertThat(node.resources()).hasSize(2);
        assertThat(pnp.drivers()).singleElement().satisfies(d -> assertThat(d.getClass().getMethods())
                .noneMatch(m -> m.getName().equals("entry")));
        assertThat(port.entries.get("com.example.echo/1.0.0")).isInstanceOf(Entry.class);

        DeviceResources hw = port.granted.get(echo);
        long bar0 = node.resources().get(0).start();
        org.drvsim.kernel.IoSpace regs = hw.mapIoSpace(bar0, 4096);
        assertThat(regs.read32(org.drvsim.hw.EchoDmaRegisters.ID)).isEqualTo(0x1414EC40);
        assertThat(hw.mapIoSpace(bar0, 4097)).as("past the BAR").isNull();
        org.drvsim.kernel.CommonBuffer buffer = hw.allocateCommonBuffer(4096);
        assertThat(buffer).isNotNull();
        long allocated = memory.allocatedBytes();

        bus.surpriseRemove(echo);
        pnp.drain();

        assertThat(port.calls).contains("surprise " + echo + " com.example.echo/1.0.0");
        assertThat(hw.mapIoSpace(bar0, 4096)).as("revoked at removal").isNull();
        assertThat(hw.allocateCommonBuffer(4096)).as("revoked at removal").isNull();
        assertThat(memory.allocatedBytes()).isEqualTo(allocated);
        hw.connectInterrupt(v -> { }).close();
        assertThat(regs.read32(org.drvsim.hw.EchoDmaRegisters.ID)).as("an earlier mapping of a device pulled from its slot")
                .isEqualTo(-1);
    }

    @Test
    public void aProgrammingErrorTheDeviceDetectsIsAVerifierViolationBlamingTheDriverThatRunsIt() throws Exception {
        KernelVerifier verifier = new KernelVerifier(trace);
        DeviceErrorReport report = new DeviceErrorReport(bus, pnp, verifier);
        try {
            SimHostBridge bridge = new SimHostBridge();
            org.drvsim.hw.SimDevice nic = bus.plug(bus.kind(org.drvsim.hw.E1kRegisters.HARDWARE_ID).orElseThrow()
                    .spec("PCI\\VEN_8086&DEV_100E\\0000", "a controller"));
            pnp.drain();
            org.drvsim.hw.MmioRegion bar0 = bridge.mmio(nic, 0).orElseThrow();
            bar0.write32(org.drvsim.hw.E1kRegisters.TDLEN, 8 * 16);
            bar0.write32(org.drvsim.hw.E1kRegisters.TDT, 9); // past the 8-descriptor ring

            assertThat(verifier.violations()).hasSize(1);
            Verifier.Violation v = verifier.violations().get(0);
            assertThat(v.rule()).isEqualTo(org.drvsim.hw.E1kRegisters.ERROR_TAIL_PAST_RING);
            assertThat(v.bugCheckCode()).isEqualTo(0xE6);
            assertThat(v.device()).isEqualTo("PCI\\VEN_8086&DEV_100E\\0000");
            assertThat(v.driver()).isEqualTo("(no driver)");

            Bundle driver = bundle(1, "com.example.nic", Entry.class.getName()
                    + ";model=ndis;hardware-ids=\"PCI\\VEN_8086&DEV_100E\"");
            pnp.load(driver);
            bar0.write32(org.drvsim.hw.E1kRegisters.TDT, 8);
            assertThat(verifier.violations()).hasSize(2);
            assertThat(verifier.violations().get(1).driver()).isEqualTo("com.example.nic/1.0.0");
        } finally {
            report.deactivate();
        }
    }
}
