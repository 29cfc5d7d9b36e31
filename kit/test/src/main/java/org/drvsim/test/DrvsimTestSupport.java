package org.drvsim.test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.HardwareBus;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Rule;
import org.junit.rules.TestRule;
import org.junit.runners.model.Statement;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The base of a drvsim integration test (JUnit 4 with Pax Exam's native container). Annotate the test class with
 * {@code @RunWith(PaxExam.class)} and {@code @ExamReactorStrategy(PerMethod.class)}: each test gets a fresh Felix 7
 * with the drvsim platform, the driver under test ({@link DrvsimOptions#driverUnderTest()}) started, and the
 * machine {@link #machine()} names (empty by default). The fields are the platform's services, injected; the
 * methods plug devices, wait for the trace and run shell commands.
 *
 * <p>A test fails if the verifier recorded a violation while it ran ({@link #verifierCheck}), with each
 * violation and the trace events before it; a test that provokes violations on purpose calls {@link
 * #expectViolations()} and checks them itself. At the end of each test the kit stops the driver under test
 * (unless {@link #stopDriverAfterTest()} says not to), so that every test also checks the driver's removal and
 * unload: a timer MiniportHaltEx did not free fails even a test that never stops the driver itself.
 *
 * <p>Test methods run inside the framework, on the JUnit thread (PASSIVE_LEVEL): they may call the harnesses,
 * which block until the driver completes the request.
 */
public abstract class DrvsimTestSupport {
    /** How long the helpers wait for the trace. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject protected BundleContext bundleContext;
    /** Every call across the port/driver boundary, in order. */
    @Inject protected Trace trace;
    /** The device tree and the loaded drivers. */
    @Inject protected PnpManager pnp;
    /** The rules the drivers broke. */
    @Inject protected Verifier verifier;
    /** The simulated machine: plug, unplug, surprise-remove, fault rules ({@link #armFault}). */
    @Inject protected HardwareBus hardware;
    /** NDIS's protocol side: OIDs, sends, receives. */
    @Inject protected ProtocolHarness ndis;
    /** Storport's class-driver side: SRBs to logical units. */
    @Inject protected ClassDriverHarness storport;
    /** KMDF's I/O-manager side: read, write and device-control requests. */
    @Inject protected IoManagerHarness wdf;

    /** The sequence number of the newest violation before the test began (-1: none). */
    private long violationsBefore;
    private boolean violationsExpected;

    /** @return the machine the test starts on; {@link Machine#EMPTY} unless overridden */
    protected Machine machine() {
        return Machine.EMPTY;
    }

    /** @return whether the project's own driver is installed and started; {@code true} unless overridden */
    protected boolean withDriverUnderTest() {
        return true;
    }

    /** @return more options for this test class: sample drivers, fixture driver bundles, system properties */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /** The Pax Exam configuration; runs outside the framework. */
    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>();
        options.add(DrvsimOptions.platform(machine()));
        if (withDriverUnderTest()) {
            options.add(DrvsimOptions.driverUnderTest());
        }
        return OptionUtils.combine(options.toArray(Option[]::new), extraOptions());
    }

    /**
     * Fails the test, naming each violation and the trace events before it, if a driver broke a rule while it
     * ran. When the test failed anyway, the violations are attached to its failure (as a suppressed exception),
     * so that a failed assertion does not hide them.
     */
    @Rule
    public final TestRule verifierCheck = (base, description) -> new Statement() {
        @Override
        public void evaluate() throws Throwable {
            List<Verifier.Violation> before = verifier.violations();
            violationsBefore = before.isEmpty() ? -1 : before.get(before.size() - 1).seq();
            violationsExpected = false;
            try {
                base.evaluate();
            } catch (Throwable failure) {
                try {
                    stopTheDriverUnderTest();
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
                String report = violationReport();
                if (report != null) {
                    failure.addSuppressed(new AssertionError(report));
                }
                throw failure;
            }
            stopTheDriverUnderTest();
            String report = violationReport();
            if (report != null) {
                throw new AssertionError(report);
            }
        }
    };

    /**
     * @return whether the kit stops the driver under test at the end of each test, inside the test, so that its
     *         removal and unload run while the verifier check still counts; {@code true} unless overridden
     */
    protected boolean stopDriverAfterTest() {
        return true;
    }

    private void stopTheDriverUnderTest() throws Exception {
        if (!withDriverUnderTest() || !stopDriverAfterTest()) {
            return;
        }
        Bundle b = driverBundle();
        if (b.getState() == Bundle.ACTIVE) {
            b.stop();
        }
    }

    /** @return the violations recorded during the test, each with the trace before it; null when there are none */
    private String violationReport() {
        List<Verifier.Violation> found = newViolations();
        if (violationsExpected || found.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("the verifier recorded ").append(found.size())
                .append(" violation(s):").append(System.lineSeparator());
        List<TraceEvent> events = trace.events();
        for (Verifier.Violation v : found) {
            b.append(v).append(System.lineSeparator()).append("  trace before it:").append(System.lineSeparator());
            List<TraceEvent> before = events.stream().filter(e -> e.seq() <= v.seq()).toList();
            b.append(TraceAssert.lines(before.subList(Math.max(0, before.size() - 8), before.size())));
        }
        return b.toString();
    }

    /** Turns off the after-test verifier check for this test: it provokes violations and checks them itself. */
    protected void expectViolations() {
        violationsExpected = true;
    }

    /** @return the violations recorded since this test started */
    protected List<Verifier.Violation> newViolations() {
        return verifier.violations().stream().filter(v -> v.seq() > violationsBefore).toList();
    }

    /** @return the driver under test's bundle */
    protected Bundle driverBundle() {
        String location = bundleContext.getProperty(DrvsimOptions.DRIVER_LOCATION_PROPERTY);
        Bundle b = location == null ? null : bundleContext.getBundle(location);
        if (b == null) {
            throw new IllegalStateException("no driver under test is installed (withDriverUnderTest() is false?)");
        }
        return b;
    }

    /** @return the installed bundle with this symbolic name */
    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new IllegalStateException("no bundle " + symbolicName + " is installed");
    }

    /**
     * Plugs a root-enumerated device and waits until the PnP manager has started it with the driver that claims
     * it (or given it a problem code).
     *
     * @return its device node
     */
    protected DeviceNode plug(String instanceId, String hardwareId) throws InterruptedException {
        return plug(DeviceSpec.of(instanceId, hardwareId, "device plugged by " + getClass().getSimpleName()));
    }

    /** Plugs a device described by {@code spec} and waits for the PnP work it causes. */
    protected DeviceNode plug(DeviceSpec spec) throws InterruptedException {
        hardware.plug(spec);
        pnp.drain();
        return pnp.node(spec.instanceId()).orElseThrow();
    }

    /** Removes a device in an orderly way (an eject) and waits for the PnP work it causes. */
    protected void unplug(String instanceId) throws InterruptedException {
        hardware.unplug(instanceId);
        pnp.drain();
    }

    /** Pulls a device without warning (surprise removal) and waits for the PnP work it causes. */
    protected void surpriseRemove(String instanceId) throws InterruptedException {
        hardware.surpriseRemove(instanceId);
        pnp.drain();
    }

    /**
     * Arms a fault rule on a device, as {@code hw:fault} does: the operation the fault names checks the rule first
     * and fails as the device documents when it fires (see {@link DeviceFaults}); each firing is a {@code *
     * FaultInjected} trace event. For example {@code armFault(id, FaultRule.nth(DeviceFaults.FAIL_REGISTER_READ,
     * 1))} makes the driver's first register read return all ones. A test runs in a fresh framework, so a rule
     * never outlives its test; {@link DeviceFaults#disarm} or {@link DeviceFaults#clear} it to prove the success
     * path in the same test.
     *
     * @param instanceId the device instance ID (case-insensitive)
     * @return the device's faults, to read the counters ({@link DeviceFaults#rules()}) or disarm
     * @throws IllegalArgumentException if no such device is present or it does not know the fault; nothing changes
     */
    protected DeviceFaults armFault(String instanceId, FaultRule rule) {
        DeviceFaults faults = hardware.device(instanceId).orElseThrow(() -> new IllegalArgumentException(
                "no device " + instanceId + " is present")).faults();
        faults.arm(rule);
        return faults;
    }

    /**
     * Configures a device as a file {@code etc/org.drvsim.hw.device-NAME.cfg} would: creates or updates the ConfigAdmin
     * factory configuration {@code org.drvsim.hw.device~NAME} with the keys of {@link DeviceConfigurations} (for
     * example {@code instanceId}, {@code hardwareIds}, device parameters, {@code fault.1 = failRegisterRead --nth 1}).
     * ConfigAdmin hands it to the hardware on its own thread: wait for the device on the trace (for example
     * {@link #awaitCallback}); {@link #deviceConfigurations} says what became of it, and a refused configuration is
     * there with its problem.
     *
     * @return the configuration; {@code delete()} it to surprise-remove the device
     */
    protected org.osgi.service.cm.Configuration configureDevice(String name, Map<String, ?> properties)
            throws java.io.IOException {
        ServiceReference<org.osgi.service.cm.ConfigurationAdmin> ref =
                bundleContext.getServiceReference(org.osgi.service.cm.ConfigurationAdmin.class);
        if (ref == null) {
            throw new IllegalStateException("ConfigAdmin is not running");
        }
        org.osgi.service.cm.ConfigurationAdmin admin = bundleContext.getService(ref);
        try {
            // "?": whichever bundle consumes the factory PID (the hardware bundle) may have it
            org.osgi.service.cm.Configuration c = admin.getFactoryConfiguration(DeviceConfigurations.FACTORY_PID,
                    name, "?");
            c.update(new java.util.Hashtable<>(properties));
            return c;
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** @return what became of each device configuration (plugged, removed, refused with its problem) */
    protected List<DeviceConfigurations.Status> deviceConfigurations() {
        ServiceReference<DeviceConfigurations> ref = bundleContext.getServiceReference(DeviceConfigurations.class);
        try {
            return bundleContext.getService(ref).configurations();
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** Arms a fault that fires at every check: {@code armFault(instanceId, FaultRule.always(fault))}. */
    protected DeviceFaults armFault(String instanceId, String fault) {
        return armFault(instanceId, FaultRule.always(fault));
    }

    /**
     * Waits until a callback has returned.
     *
     * @param device its device instance ID, or null for any
     */
    protected TraceEvent awaitCallback(String name, String device) throws Exception {
        return trace.await(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.name().equals(name)
                && (device == null || e.device().equalsIgnoreCase(device)), TIMEOUT);
    }

    /** Waits until an event matching {@code filter} has been recorded. */
    protected TraceEvent await(Predicate<TraceEvent> filter) throws Exception {
        return trace.await(filter, TIMEOUT);
    }

    /**
     * Runs a Gogo command line, as the shell would.
     *
     * @return what it printed and returned
     * @throws Exception what the command threw
     */
    protected String gogo(String commandLine) throws Exception {
        ServiceReference<CommandProcessor> ref = bundleContext.getServiceReference(CommandProcessor.class);
        if (ref == null) {
            throw new IllegalStateException("the Gogo shell runtime is not running");
        }
        CommandProcessor commands = bundleContext.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession s = commands.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object result = s.execute(commandLine);
            if (result != null) {
                ps.println(s.format(result, Converter.INSPECT));
            }
        } finally {
            bundleContext.ungetService(ref);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
