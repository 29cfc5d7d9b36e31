package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.HostBridge;
import org.drvsim.hw.HostMemory;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.QuietDriver;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.DriverWatchdog;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.driver.DriverLoader;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * A driver bundle reaches its devices only through what its port hands it: it sees none of drvsim's services (PnP
 * control, verifier, trace, scheduler, hardware bus, host memory, ports, harnesses) except the DriverLoader, which
 * loads and unloads only the bundle that uses it; a second port driver for a model is refused and changes nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RogueBundleTest extends DrvsimTestSupport {
    static final List<Class<?>> PLATFORM_SERVICES = List.of(PnpManager.class, Verifier.class, Trace.class,
            Scheduler.class, DriverWatchdog.class, PortDriver.class, HardwareBus.class, HostMemory.class,
            HostBridge.class, ProtocolHarness.class, ClassDriverHarness.class, IoManagerHarness.class);
    /** Services only the kernel (and a port's own bundle) find: no tool, test or driver reaches hardware or a port. */
    static final List<Class<?>> KERNEL_ONLY = List.of(PortDriver.class, HostMemory.class, HostBridge.class);

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            fixtureBundle("fixture.rogue", QuietDriver.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\ROGUE\"",
                    FixtureDriver.class, QuietDriver.class),
        };
    }

    private BundleContext rogue() throws Exception {
        Bundle b = installedBundle("fixture.rogue");
        b.start();
        assertThat(pnp.drivers()).anyMatch(d -> d.name().startsWith("fixture.rogue/"));
        return b.getBundleContext();
    }

    private static List<String> drvsimServices(BundleContext context) throws Exception {
        ServiceReference<?>[] all = context.getAllServiceReferences(null, null);
        List<String> names = new ArrayList<>();
        for (ServiceReference<?> r : all == null ? new ServiceReference<?>[0] : all) {
            for (String c : (String[]) r.getProperty(Constants.OBJECTCLASS)) {
                if (c.startsWith("org.drvsim.")) {
                    names.add(c);
                }
            }
        }
        return names;
    }

    @Test
    public void aDriverBundleSeesNoneOfTheDrvsimServicesButTheDriverLoader() throws Exception {
        BundleContext rogue = rogue();
        for (Class<?> c : PLATFORM_SERVICES) {
            assertThat(rogue.getServiceReference(c)).as(c.getName()).isNull();
            if (!KERNEL_ONLY.contains(c)) {
                assertThat(bundleContext.getServiceReference(c)).as("a test, a tool or the shell sees " + c.getName())
                        .isNotNull();
            }
        }
        assertThat(drvsimServices(rogue)).containsExactly(DriverLoader.class.getName());
        assertThat(drvsimServices(bundleContext)).contains(PnpManager.class.getName(), HardwareBus.class.getName());
    }

    @Test
    public void aPlainBundleReachesNoDevicesHardwareNoDriversEntryAndNoPortWhileTheDriversGoOnUsingTheirs()
            throws Exception {
        // this test is a plain bundle (the Pax Exam probe), like a user's tool
        for (Class<?> c : KERNEL_ONLY) {
            assertThat(bundleContext.getServiceReference(c)).as(c.getName()).isNull();
            assertThat(bundleContext.getAllServiceReferences(c.getName(), null)).as(c.getName()).isNull();
        }
        assertThat(drvsimServices(bundleContext)).doesNotContain(PortDriver.class.getName(),
                HostMemory.class.getName(), HostBridge.class.getName());
        List<String> heard = new CopyOnWriteArrayList<>();
        bundleContext.addServiceListener(e -> heard.add("event " + e.getType()),
                "(" + Constants.OBJECTCLASS + "=" + PortDriver.class.getName() + ")");
        Bundle storportModel = installedBundle("org.drvsim.storport");
        storportModel.stop();
        storportModel.start();
        assertThat(heard).as("a port's coming and going is not told to a plain bundle").isEmpty();

        DeviceNode echo = pnp.node(ECHO0).orElseThrow();
        assertThat(echo.resources()).as("the device's resources are described").hasSize(2);
        assertThat(echo).isNotInstanceOf(org.drvsim.kernel.DeviceResources.class);
        assertThat(Arrays.stream(echo.getClass().getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("mapIoSpace", "connectInterrupt", "allocateCommonBuffer");
        assertThat(Arrays.stream(hardware.device(ECHO0).orElseThrow().getClass().getMethods())
                .map(java.lang.reflect.Method::getName)).doesNotContain("mmio", "connectInterrupt");
        for (DriverObject d : pnp.drivers()) {
            assertThat(Arrays.stream(d.getClass().getMethods()).map(java.lang.reflect.Method::getName))
                    .as(d.name()).doesNotContain("entry");
        }
        // the echo driver, restarted, still maps its registers, takes interrupts and does DMA
        Bundle echoDriver = installedBundle(ECHO);
        echoDriver.stop();
        trace.clear();
        echoDriver.start();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            byte[] data = "only the port of its driver".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).isEqualTo(org.drvsim.nt.NtStatus.STATUS_SUCCESS);
            IoManagerHarness.IoResult back = f.read(data.length);
            assertThat(back.status()).isEqualTo(org.drvsim.nt.NtStatus.STATUS_SUCCESS);
            assertThat(back.data()).isEqualTo(data);
        } finally {
            f.close();
        }
        assertThat(trace.events(e -> e.name().equals("MmMapIoSpace") && e.device().equals(ECHO0)))
                .isNotEmpty().allSatisfy(e -> assertThat(e.arg("mapped")).isEqualTo("true"));
    }

    @Test
    public void aDriverBundleIsNotToldOfADrvsimServiceThatComesAndCannotBindIt() throws Exception {
        BundleContext rogue = rogue();
        List<String> rogueHeard = new CopyOnWriteArrayList<>();
        List<String> probeHeard = new CopyOnWriteArrayList<>();
        String filter = "(" + Constants.OBJECTCLASS + "=" + Verifier.class.getName() + ")";
        rogue.addServiceListener(e -> rogueHeard.add("event " + e.getType()), filter);
        bundleContext.addServiceListener(e -> probeHeard.add("event " + e.getType()), filter);
        ServiceRegistration<Verifier> second = bundleContext.registerService(Verifier.class, verifier, null);
        second.unregister();
        assertThat(probeHeard).hasSize(2);
        assertThat(rogueHeard).isEmpty();
    }

    @Test
    public void theDriverLoaderLoadsAndUnloadsOnlyTheBundleThatUsesIt() throws Exception {
        BundleContext rogue = rogue();
        Bundle netvmini = installedBundle(NETVMINI);
        DriverLoader loader = rogue.getService(rogue.getServiceReference(DriverLoader.class));
        assertThatThrownBy(() -> loader.unload(netvmini)).isInstanceOf(SecurityException.class)
                .hasMessage("bundle fixture.rogue may unload only itself through DriverLoader, not "
                        + NETVMINI + ": a driver is loaded and unloaded by starting and stopping its own bundle");
        assertThatThrownBy(() -> loader.load(netvmini)).isInstanceOf(SecurityException.class)
                .hasMessageStartingWith("bundle fixture.rogue may load only itself through DriverLoader");
        // a plain bundle (this test) is held to the same rule
        DriverLoader mine = bundleContext.getService(bundleContext.getServiceReference(DriverLoader.class));
        assertThatThrownBy(() -> mine.unload(netvmini)).isInstanceOf(SecurityException.class);
        // netvmini still has both adapters, running
        for (String a : List.of(A0, A1)) {
            DeviceNode n = pnp.node(a).orElseThrow();
            assertThat(n.driverName()).startsWith(NETVMINI + "/");
            assertThat(n.problem()).isZero();
        }
        assertThat(gogo("ndis:adapters")).contains("netvmini0").contains("netvmini1");
        assertThat(verifier.violations()).isEmpty();
    }

    /** A port that claims the ndis model and would forget every adapter if it were used. */
    static final class FakeNdisPort implements PortDriver {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override public String model() { return "ndis"; }
        @Override public PortStatus driverEntry(DriverObject d, Object entry) { calls.add("driverEntry"); return PortStatus.SUCCESS; }
        @Override public PortStatus startDevice(DriverObject d, DeviceNode n, org.drvsim.kernel.DeviceResources r) { calls.add("start"); return PortStatus.SUCCESS; }
        @Override public void removeDevice(DriverObject d, DeviceNode n) { calls.add("remove"); }
        @Override public void surpriseRemoveDevice(DriverObject d, DeviceNode n) { calls.add("surprise"); }
        @Override public void driverUnload(DriverObject d) { calls.add("unload"); }
    }

    @Test
    public void aSecondPortDriverForAModelIsRefusedAndTheModelsDriversKeepTheirPort() throws Exception {
        FakeNdisPort fake = new FakeNdisPort();
        ServiceRegistration<PortDriver> reg = bundleContext.registerService(PortDriver.class, fake, null);
        pnp.drain();
        trace.clear();
        installedBundle(NETVMINI).stop();
        assertThat(callbacks(NETVMINI)).containsSubsequence("MiniportHaltEx " + A0, "MiniportHaltEx " + A1,
                "MiniportDriverUnload");
        installedBundle(NETVMINI).start();
        awaitCallback("MiniportRestart", A1);
        reg.unregister(); // its going away takes no driver with it
        pnp.drain();
        assertThat(fake.calls).isEmpty();
        assertThat(pnp.node(A0).orElseThrow().driverName()).startsWith(NETVMINI + "/");
        assertThat(Arrays.asList(gogo("ndis:adapters").split("\\R"))).anyMatch(l -> l.contains("netvmini0"));
    }
}
