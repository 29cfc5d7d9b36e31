package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.ForgetfulKmdfMiniport;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.test.DrvsimOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * KMDF inside an NDIS miniport (spec/wdf-lifecycle.md oracle (vii); spec/seeds/wdf-WdfDriverMiniportUnload.md):
 * each MiniportHaltEx deletes its miniport device (children's cleanups first), then MiniportDriverUnload
 * deregisters from NDIS and calls WdfDriverMiniportUnload, which runs the driver's cleanup and destroy; no
 * EvtDriverUnload (the framework source's behaviour, the default).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KmdfMiniportTest extends DrvsimTestSupport {
    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            DrvsimOptions.driverBundle("fixture.forgetful.kmdf", "ndis",
                    "org.drvsim.itest.fixtures.ForgetfulKmdfMiniport;model=ndis;hardware-ids=\"ROOT\\NETVMINI\"",
                    List.of("org.drvsim.wdf"), FixtureDriver.class, ForgetfulKmdfMiniport.class)
        };
    }

    @Test
    public void haltDeletesTheMiniportDeviceAndUnloadEndsWithWdfDriverMiniportUnload() throws Exception {
        installedBundle(NETVMINI).stop();
        Bundle b = installedBundle(KMDFMINI);
        b.start();
        assertThat(gogo("ndis:adapters")).contains("netvmini0").contains("Running");
        trace.clear();
        b.stop();
        List<String> chain = trace.events(e -> e.driver().startsWith(KMDFMINI + "/") && e.kind() != TraceEvent.Kind.PNP
                        && !e.name().equals("MiniportPause"))
                .stream().map(e -> e.arg("object") != null && !e.name().equals("WdfObjectDelete")
                        ? e.name() + " " + e.arg("object").replaceAll("#\\d+", "") : e.name() + (e.device().isEmpty() ? "" : " " + e.device()))
                .toList();
        assertThat(chain).containsExactly(
                "MiniportHaltEx " + A0, "WdfObjectDelete " + A0,
                "EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFDEVICE",
                "MiniportHaltEx " + A1, "WdfObjectDelete " + A1,
                "EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFDEVICE",
                "MiniportDriverUnload", "NdisMDeregisterMiniportDriver", "WdfDriverMiniportUnload",
                "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
        // the WDFOBJECT each adapter parents to its miniport device carries that device
        assertThat(trace.events(e -> e.driver().startsWith(KMDFMINI + "/") && e.name().equals("EvtCleanupCallback")
                && e.arg("object").startsWith("WDFOBJECT#")).stream().map(TraceEvent::device).toList())
                .containsExactly(A0, A1);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void theWdfModelListsTheMiniportDevicesAndUnloadsTheMiniportBeforeItStops() throws Exception {
        installedBundle(NETVMINI).stop();
        Bundle b = installedBundle(KMDFMINI);
        b.start();
        assertThat(gogo("wdf:devices")).contains(A0).contains(A1).contains(KMDFMINI);
        trace.clear();

        installedBundle("org.drvsim.wdf").stop();

        // the miniport (an NDIS driver) is unloaded first, its KMDF part while the framework still runs
        assertThat(trace.events(e -> e.driver().startsWith(KMDFMINI + "/") && e.kind() != TraceEvent.Kind.PNP)
                .stream().map(TraceEvent::name).filter(n -> n.startsWith("Miniport") || n.startsWith("Wdf")
                        || n.startsWith("Ndis")).toList())
                .containsExactly("MiniportPause", "MiniportHaltEx", "WdfObjectDelete", "MiniportPause", "MiniportHaltEx",
                        "WdfObjectDelete", "MiniportDriverUnload", "NdisMDeregisterMiniportDriver", "WdfDriverMiniportUnload");
        assertThat(pnp.drivers()).extracting(d -> d.name()).noneMatch(n -> n.startsWith(KMDFMINI));
        assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(verifier.violations()).isEmpty();

        // and loaded again when the framework returns
        installedBundle("org.drvsim.wdf").start();
        awaitCallback("MiniportRestart", A1);
        assertThat(pnp.drivers()).extracting(d -> d.name()).anyMatch(n -> n.startsWith(KMDFMINI));
    }

    @Test
    public void aMiniportThatUnloadsWithoutWdfDriverMiniportUnloadIsReported() throws Exception {
        installedBundle(NETVMINI).stop();
        Bundle b = installedBundle("fixture.forgetful.kmdf");
        expectViolations();
        b.start();
        b.stop();
        assertThat(verifier.violations()).extracting(org.drvsim.kernel.Verifier.Violation::rule)
                .containsExactly("WdfDriverMiniportUnloadMissing");
        assertThat(verifier.violations().get(0).driver()).startsWith("fixture.forgetful.kmdf/");
    }
}
