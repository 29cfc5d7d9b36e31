package org.drvsim.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Runs each test in a fresh Felix 7 (Pax Exam native container) with the real built bundles and the
 * embedded default machine: ROOT\NETVMINI\0000 and \0001 run by the netvmini sample driver.
 */
public abstract class DrvsimTestSupport {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String A0 = "ROOT\\NETVMINI\\0000";
    static final String A1 = "ROOT\\NETVMINI\\0001";
    static final String NETVMINI = "org.drvsim.drivers.netvmini";
    static final String RAMDISK = "org.drvsim.drivers.ramdisk";
    static final String ECHO = "org.drvsim.drivers.echo";
    static final String ECHO0 = "PCI\\VEN_1414&DEV_EC40\\0000";
    static final String RD0 = "ROOT\\RAMDISK\\0000";

    @Inject
    protected BundleContext context;
    @Inject
    protected Trace trace;
    @Inject
    protected PnpManager pnp;
    @Inject
    protected Verifier verifier;
    @Inject
    protected CommandProcessor commands;

    static Option testBundle(String name, int startLevel) {
        File f = new File(System.getProperty("drvsim.testBundles"), name + ".jar");
        return bundle(f.toURI().toString()).startLevel(startLevel);
    }

    /** More options for one test class, such as fixture bundles (installed, not started). */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(new Option[] {
            cleanCaches(),
            junitBundles(),
            frameworkStartLevel(20),
            systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
            systemProperty("drvsim.testBundles").value(System.getProperty("drvsim.testBundles")),
            systemProperty("drvsim.capture").value(
                    new File("src/test/resources/captures/netns-arp-ipv4-ipv6.pcap").getAbsolutePath()),
            composite(
                testBundle("org.osgi.util.function", 1),
                testBundle("org.osgi.util.promise", 1),
                testBundle("org.osgi.service.component", 1),
                testBundle("org.apache.felix.scr", 1),
                testBundle("org.apache.felix.gogo.runtime", 1),
                testBundle("org.apache.felix.gogo.command", 1),
                testBundle("jackson-core", 1),
                testBundle("byte-buddy", 1),
                testBundle("assertj-core", 1),
                testBundle("org.drvsim.nt", 2),
                testBundle("org.drvsim.hw", 2),
                testBundle("org.drvsim.kernel", 2),
                testBundle("org.drvsim.ndis", 3),
                testBundle("org.drvsim.shell", 3),
                testBundle("org.drvsim.storport", 3),
                testBundle("org.drvsim.tools.ramdisk", 3),
                testBundle("org.drvsim.wdf", 3),
                testBundle(NETVMINI, 10),
                testBundle(RAMDISK, 10),
                testBundle(ECHO, 10))
        }, extraOptions());
    }

    /** Waits until both default adapters have returned from MiniportRestart. */
    @Before
    public void platformIsUp() throws Exception {
        awaitCallback("MiniportRestart", A0);
        awaitCallback("MiniportRestart", A1);
    }

    TraceEvent awaitCallback(String name, String device) throws Exception {
        return trace.await(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.name().equals(name)
                && (device == null || e.device().equals(device)), TIMEOUT);
    }

    TraceEvent await(Predicate<TraceEvent> p) throws Exception {
        return trace.await(p, TIMEOUT);
    }

    /** @return the loaded NDIS drivers (the Storport ramdisk runs beside them) */
    List<org.drvsim.kernel.DriverObject> ndisDrivers() {
        return pnp.drivers().stream().filter(d -> d.model().equals("ndis")).toList();
    }

    Bundle installedBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
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

    /**
     * Builds a driver bundle from fixture classes, as a driver developer's bnd would, to install (not
     * start) with the framework. Runs outside the framework, in {@link #extraOptions()}.
     */
    static Option fixtureBundle(String symbolicName, String driverHeader, Class<?>... classes) {
        return streamBundle(driverBundle(symbolicName, driverHeader, classes)).noStart().startLevel(10);
    }

    /** A Storport miniport fixture bundle (installed, not started). */
    static Option storportFixtureBundle(String symbolicName, String driverHeader, Class<?>... classes) {
        return streamBundle(driverBundle(symbolicName, driverHeader, "org.drvsim.storport,org.drvsim.nt",
                "org.drvsim.storport.StorportDriverActivator", classes)).noStart().startLevel(10);
    }

    static InputStream driverBundle(String symbolicName, String driverHeader, Class<?>... classes) {
        return driverBundle(symbolicName, driverHeader, "org.drvsim.ndis", "org.drvsim.ndis.NdisDriverActivator", classes);
    }

    static InputStream driverBundle(String symbolicName, String driverHeader, String imports, String activator,
                                    Class<?>... classes) {
        TinyBundle b = TinyBundles.bundle()
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, symbolicName)
                .setHeader(Constants.BUNDLE_VERSION, "1.0.0")
                .setHeader(Constants.IMPORT_PACKAGE, imports)
                .setHeader(Constants.BUNDLE_ACTIVATOR, activator);
        if (driverHeader != null) {
            b.setHeader("Drvsim-Driver", driverHeader);
        }
        for (Class<?> c : classes) {
            b.addClass(c);
        }
        return b.build(TinyBundles.rawBuilder());
    }

    /** Runs a Gogo command line and returns what it printed and returned. */
    String gogo(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession s = commands.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object result = s.execute(line);
            if (result != null) {
                ps.println(s.format(result, Converter.INSPECT));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
