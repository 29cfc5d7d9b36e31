package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.drvsim.itest.fixtures.ErrorInInitializeExDriver;
import org.drvsim.itest.fixtures.FailingInitializeDriver;
import org.drvsim.itest.fixtures.StackOverflowInHaltExDriver;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.MissingHaltHandlerDriver;
import org.drvsim.itest.fixtures.NoDeregisterDriver;
import org.drvsim.itest.fixtures.NotAMiniport;
import org.drvsim.itest.fixtures.PendingPauseDriver;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * Failing drivers: DriverEntry and registration failures fail the bundle start and leave nothing
 * registered; an InitializeEx failure gives Code 10 and no HaltEx; bad driver manifests are refused
 * with the bundle and the problem named (spec/ndis-lifecycle.md sections 1, 3 and 4).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DriverFailureTest extends DrvsimTestSupport {
    static final String IDS = ";model=ndis;hardware-ids=\"ROOT\\NETVMINI\"";
    static final String FIX = "org.drvsim.itest.fixtures.";

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            fixtureBundle("fixture.failing.initialize", FIX + "FailingInitializeDriver" + IDS,
                    FixtureDriver.class, FailingInitializeDriver.class),
            fixtureBundle("fixture.error.initialize", FIX + "ErrorInInitializeExDriver" + IDS,
                    FixtureDriver.class, ErrorInInitializeExDriver.class),
            fixtureBundle("fixture.overflow.halt", FIX + "StackOverflowInHaltExDriver" + IDS,
                    FixtureDriver.class, StackOverflowInHaltExDriver.class),
            fixtureBundle("fixture.missing.halt", FIX + "MissingHaltHandlerDriver" + IDS,
                    FixtureDriver.class, MissingHaltHandlerDriver.class),
            fixtureBundle("fixture.no.deregister", FIX + "NoDeregisterDriver" + IDS,
                    FixtureDriver.class, NoDeregisterDriver.class),
            fixtureBundle("fixture.pending.pause", FIX + "PendingPauseDriver" + IDS,
                    FixtureDriver.class, PendingPauseDriver.class),
            fixtureBundle("fixture.no.header", null, FixtureDriver.class, NoDeregisterDriver.class),
            fixtureBundle("fixture.unknown.model", FIX + "NoDeregisterDriver;model=scsiport;hardware-ids=\"ROOT\\X\"",
                    FixtureDriver.class, NoDeregisterDriver.class),
            fixtureBundle("fixture.missing.class", FIX + "DoesNotExist" + IDS, FixtureDriver.class),
            fixtureBundle("fixture.not.a.miniport", FIX + "NotAMiniport" + IDS, NotAMiniport.class),
        };
    }

    private void freeTheAdapters() throws Exception {
        installedBundle(NETVMINI).stop();
        trace.clear();
    }

    @Test
    public void aRegistrationFailureInDriverEntryFailsTheBundleStartWithTheStatusAndRegistersNothing() throws Exception {
        freeTheAdapters();
        Bundle b = installedBundle("fixture.missing.halt");
        assertThatThrownBy(b::start).isInstanceOf(BundleException.class)
                .hasMessageContaining("fixture.missing.halt")
                .hasMessageContaining("DriverEntry failed with NDIS_STATUS_BAD_CHARACTERISTICS (0xC0010005): "
                        + "NdisMRegisterMiniportDriver: required handler(s) missing: MiniportHaltEx (haltHandlerEx)");
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        assertThat(ndisDrivers()).isEmpty();
        assertThat(calls("fixture.missing.halt")).containsExactly("DriverEntry", "NdisMRegisterMiniportDriver");
        assertThat(trace.events(e -> e.name().equals("NdisMRegisterMiniportDriver")).get(0).arg("status"))
                .isEqualTo("NDIS_STATUS_BAD_CHARACTERISTICS");
        assertThat(pnp.deviceTree()).filteredOn(n -> n.instanceId().contains("NETVMINI"))
                .extracting(DeviceNode::state).containsOnly(DeviceNodeState.DeviceNodeUninitialized);
        // the adapters are still free: netvmini takes them again
        installedBundle(NETVMINI).start();
        assertThat(gogo("ndis:adapters")).contains("netvmini0").contains("netvmini1");
    }

    @Test
    public void anInitializeFailureLeavesCode10NeverHaltsThatAdapterAndDoesNotDisturbTheOther() throws Exception {
        freeTheAdapters();
        Bundle b = installedBundle("fixture.failing.initialize");
        b.start();
        DeviceNode failed = pnp.node(A1).orElseThrow();
        assertThat(failed.state()).isEqualTo(DeviceNodeState.DeviceNodeStartFailed);
        assertThat(failed.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(failed.problemStatus()).startsWith("NDIS_STATUS_FAILURE (0xC0000001)");
        assertThat(pnp.node(A0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(gogo("pnp:tree")).contains("Code 10");
        b.stop();
        assertThat(callbacks("fixture.failing.initialize")).containsExactly(
                "DriverEntry",
                "MiniportInitializeEx " + A0, "MiniportDevicePnPEventNotify " + A0, "MiniportRestart " + A0,
                "MiniportInitializeEx " + A1,
                "MiniportPause " + A0, "MiniportHaltEx " + A0,
                "MiniportDriverUnload");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void anErrorThrownByInitializeExIsReportedAndIsAFailedStartWithoutHaltExForThatAdapter() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.error.initialize");
        b.start();
        DeviceNode failed = pnp.node(A1).orElseThrow();
        assertThat(failed.state()).isEqualTo(DeviceNodeState.DeviceNodeStartFailed);
        assertThat(failed.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(pnp.node(A0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("DriverCallbackThrew");
        assertThat(v.get(0).driver()).startsWith("fixture.error.initialize/");
        assertThat(v.get(0).device()).isEqualTo(A1);
        assertThat(v.get(0).message()).contains("MiniportInitializeEx threw java.lang.Error: adapter on fire");
        b.stop();
        assertThat(callbacks("fixture.error.initialize")).containsExactly(
                "DriverEntry",
                "MiniportInitializeEx " + A0, "MiniportDevicePnPEventNotify " + A0, "MiniportRestart " + A0,
                "MiniportInitializeEx " + A1,
                "MiniportPause " + A0, "MiniportHaltEx " + A0,
                "MiniportDriverUnload");
        assertThat(ndisDrivers()).isEmpty();
        netvminiCarriesTrafficAgain();
    }

    @Test
    public void aStackOverflowInHaltExIsReportedTheAdapterStillHaltsAndTheUnloadFollows() throws Exception {
        freeTheAdapters();
        expectViolations();
        Bundle b = installedBundle("fixture.overflow.halt");
        b.start();
        b.stop();
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("DriverCallbackThrew");
        assertThat(v.get(0).driver()).startsWith("fixture.overflow.halt/");
        assertThat(v.get(0).device()).isEqualTo(A0);
        assertThat(v.get(0).message()).contains("MiniportHaltEx threw java.lang.StackOverflowError");
        assertThat(callbacks("fixture.overflow.halt")).containsExactly(
                "DriverEntry",
                "MiniportInitializeEx " + A0, "MiniportDevicePnPEventNotify " + A0, "MiniportRestart " + A0,
                "MiniportInitializeEx " + A1, "MiniportDevicePnPEventNotify " + A1, "MiniportRestart " + A1,
                "MiniportPause " + A0, "MiniportHaltEx " + A0, "MiniportPause " + A1, "MiniportHaltEx " + A1,
                "MiniportDriverUnload");
        assertThat(gogo("ndis:adapters")).doesNotContain(A0);
        assertThat(ndisDrivers()).isEmpty();
        netvminiCarriesTrafficAgain();
    }

    /** netvmini takes both adapters again and sends a frame: the platform went on. */
    private void netvminiCarriesTrafficAgain() throws Exception {
        trace.clear();
        installedBundle(NETVMINI).start();
        awaitCallback("MiniportRestart", A0);
        awaitCallback("MiniportRestart", A1);
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        assertThat(ndis.send(A0, List.of(frame)).framesSent()).isEqualTo(1);
    }

    @Test
    public void aMiniportDriverUnloadThatDoesNotDeregisterIsReportedAsARuleViolation() throws Exception {
        freeTheAdapters();
        Bundle b = installedBundle("fixture.no.deregister");
        expectViolations();
        b.start();
        b.stop();
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("MiniportDriverUnloadWithoutDeregister");
        assertThat(v.get(0).driver()).startsWith("fixture.no.deregister/");
        TraceEvent e = trace.events(x -> x.kind() == TraceEvent.Kind.VIOLATION).get(0);
        assertThat(e.name()).isEqualTo("DriverVerifierViolation");
        assertThat(e.arg("rule")).isEqualTo("MiniportDriverUnloadWithoutDeregister");
        assertThat(calls("fixture.no.deregister")).endsWith("MiniportDriverUnload", "DriverVerifierViolation");
        assertThat(ndisDrivers()).isEmpty();
    }

    @Test
    public void aPendedPauseIsWaitedForBeforeMiniportHaltEx() throws Exception {
        freeTheAdapters();
        Bundle b = installedBundle("fixture.pending.pause");
        b.start();
        trace.clear();
        b.stop();
        assertThat(calls("fixture.pending.pause")).containsExactly(
                "MiniportPause " + A0, "NdisMPauseComplete " + A0, "MiniportHaltEx " + A0,
                "MiniportPause " + A1, "NdisMPauseComplete " + A1, "MiniportHaltEx " + A1,
                "MiniportDriverUnload", "NdisMDeregisterMiniportDriver");
        assertThat(trace.events(e -> e.name().equals("MiniportPause")).get(0).returnValue().toString())
                .isEqualTo("NDIS_STATUS_PENDING");
        assertThat(verifier.violations()).isEmpty();
    }

    private void assertRefused(String bsn, String... messageParts) {
        List<DriverObject> before = pnp.drivers();
        Bundle b = installedBundle(bsn);
        var thrown = assertThatThrownBy(b::start).isInstanceOf(BundleException.class).hasMessageContaining(bsn);
        for (String p : messageParts) {
            thrown.hasMessageContaining(p);
        }
        assertThat(b.getState()).isEqualTo(Bundle.RESOLVED);
        assertThat(pnp.drivers()).isEqualTo(before);
    }

    @Test
    public void aDriverBundleWithoutTheDriverHeaderIsRefusedNamingTheBundleAndTheHeader() {
        assertRefused("fixture.no.header", "Drvsim-Driver manifest header is missing");
    }

    @Test
    public void aDriverBundleNamingAnUnknownModelIsRefused() {
        assertRefused("fixture.unknown.model", "unknown model 'scsiport'");
    }

    @Test
    public void aDriverBundleWhoseEntryClassCannotBeLoadedIsRefused() {
        assertRefused("fixture.missing.class", "entry class org.drvsim.itest.fixtures.DoesNotExist cannot be loaded");
    }

    @Test
    public void aDriverBundleWhoseEntryClassIsNotAMiniportIsRefused() {
        assertRefused("fixture.not.a.miniport", "STATUS_OBJECT_TYPE_MISMATCH", "does not implement org.drvsim.ndis.MiniportDriverEntry");
    }
}
