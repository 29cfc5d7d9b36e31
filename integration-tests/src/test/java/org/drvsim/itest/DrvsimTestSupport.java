package org.drvsim.itest;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.List;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.test.DrvsimOptions;
import org.drvsim.test.Machine;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.Bundle;

/**
 * drvsim's own integration tests, on the driver kit ({@link org.drvsim.test.DrvsimTestSupport}) as a driver
 * author's tests are: each test runs in a fresh Felix 7 with the platform the kit resolved, on the embedded
 * default machine, with the sample drivers netvmini, e1k, ramdisk and echo (and the ramdisk tool) in place of a
 * driver under test.
 */
public abstract class DrvsimTestSupport extends org.drvsim.test.DrvsimTestSupport {
    static final String A0 = "ROOT\\NETVMINI\\0000";
    static final String A1 = "ROOT\\NETVMINI\\0001";
    static final String NETVMINI = "org.drvsim.drivers.netvmini";
    static final String E1K = "org.drvsim.drivers.e1k";
    static final String E1K0 = "PCI\\VEN_8086&DEV_100E\\0000";
    static final String E1K1 = "PCI\\VEN_8086&DEV_100E\\0001";
    static final String RAMDISK = "org.drvsim.drivers.ramdisk";
    static final String ECHO = "org.drvsim.drivers.echo";
    static final String KMDFMINI = "org.drvsim.drivers.kmdfmini";
    static final String ECHO0 = "PCI\\VEN_1414&DEV_EC40\\0000";
    static final String RD0 = "ROOT\\RAMDISK\\0000";

    @Override
    protected Machine machine() {
        return Machine.DEFAULT;
    }

    @Override
    protected boolean withDriverUnderTest() {
        return false;
    }

    /** More options for one test class, such as fixture bundles (installed, not started). */
    protected Option[] moreOptions() {
        return new Option[0];
    }

    @Override
    protected final Option[] extraOptions() {
        return OptionUtils.combine(new Option[] {
            systemProperty("drvsim.capture").value(
                    new File("src/test/resources/captures/netns-arp-ipv4-ipv6.pcap").getAbsolutePath()),
            DrvsimOptions.classpathBundle("org.drvsim.tools.ramdisk", DrvsimOptions.PLATFORM_START_LEVEL),
            DrvsimOptions.classpathBundle(NETVMINI, DrvsimOptions.DRIVER_START_LEVEL),
            DrvsimOptions.classpathBundle(E1K, DrvsimOptions.DRIVER_START_LEVEL).noStart(), // started by the tests of it
            DrvsimOptions.classpathBundle(RAMDISK, DrvsimOptions.DRIVER_START_LEVEL),
            DrvsimOptions.classpathBundle(ECHO, DrvsimOptions.DRIVER_START_LEVEL),
            DrvsimOptions.classpathBundle(KMDFMINI, DrvsimOptions.DRIVER_START_LEVEL).noStart(),
        }, moreOptions());
    }

    /** Waits until both default adapters have returned from MiniportRestart. */
    @Before
    public void platformIsUp() throws Exception {
        awaitCallback("MiniportRestart", A0);
        awaitCallback("MiniportRestart", A1);
    }

    /** @return the loaded NDIS drivers (the Storport ramdisk and KMDF echo run beside them) */
    List<DriverObject> ndisDrivers() {
        return pnp.drivers().stream().filter(d -> d.model().equals("ndis")).toList();
    }

    Bundle installedBundle(String symbolicName) {
        return bundle(symbolicName);
    }

    /** @return "Name device" for every callback into the driver whose bundle is {@code symbolicName} */
    List<String> callbacks(String symbolicName) {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.driver().startsWith(symbolicName + "/"))
                .stream().map(e -> e.device().isEmpty() ? e.name() : e.name() + " " + e.device()).toList();
    }

    /** @return "Name device" for every callback, DDI and violation of the driver, in sequence order */
    List<String> calls(String symbolicName) {
        return trace.events(e -> e.kind() != TraceEvent.Kind.PNP && e.driver().startsWith(symbolicName + "/"))
                .stream().map(e -> e.device().isEmpty() ? e.name() : e.name() + " " + e.device()).toList();
    }

    /** An NDIS fixture driver bundle built from test classes, installed but not started. */
    static Option fixtureBundle(String symbolicName, String driverHeader, Class<?>... classes) {
        return DrvsimOptions.driverBundle(symbolicName, "ndis", driverHeader, classes);
    }

    /** A Storport miniport fixture bundle, installed but not started. */
    static Option storportFixtureBundle(String symbolicName, String driverHeader, Class<?>... classes) {
        return DrvsimOptions.driverBundle(symbolicName, "storport", driverHeader, classes);
    }
}
