package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.itest.fixtures.FailingD0EntryKmdf;
import org.drvsim.itest.fixtures.FailingPrepareHardwareKmdf;
import org.drvsim.itest.fixtures.FaultyKmdfDriver;
import org.drvsim.itest.fixtures.LeakyMappingKmdf;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.test.DrvsimOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * KMDF failure paths and rules over the real bundles, on the echo device (spec/wdf-lifecycle.md FA-1, FA-2,
 * oracle (vi); spec/seeds/wdf-EVT_WDF_DEVICE_RELEASE_HARDWARE.md).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WdfFailureTest extends DrvsimTestSupport {
    static final String IDS = ";model=wdf;hardware-ids=\"PCI\\VEN_1414&DEV_EC40\"";
    static final String FIX = "org.drvsim.itest.fixtures.";

    static Option kmdfFixture(String bsn, Class<?> driver) {
        return DrvsimOptions.driverBundle(bsn, "wdf", FIX + driver.getSimpleName() + IDS, FaultyKmdfDriver.class, driver);
    }

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            kmdfFixture("fixture.kmdf.prepare", FailingPrepareHardwareKmdf.class),
            kmdfFixture("fixture.kmdf.d0entry", FailingD0EntryKmdf.class),
            kmdfFixture("fixture.kmdf.leaky", LeakyMappingKmdf.class),
        };
    }

    @Override
    public void platformIsUp() throws Exception {
        super.platformIsUp();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        installedBundle(ECHO).stop();
        trace.clear();
    }

    List<String> callbacks(String bsn) {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.driver().startsWith(bsn + "/")).stream()
                .map(e -> e.arg("object") != null ? e.name() + " " + e.arg("object").replaceAll("#\\d+", "") : e.name())
                .toList();
    }

    @Test
    public void aFailedPrepareHardwareIsFollowedByReleaseHardwareTheDeviceGetsCode10AndTheDriverUnloads() throws Exception {
        Bundle b = installedBundle("fixture.kmdf.prepare");
        b.start();
        // the driver's only device failed to start: the driver is unloaded at once, its bundle stays active
        assertThat(callbacks("fixture.kmdf.prepare")).containsExactly("DriverEntry", "EvtDriverDeviceAdd",
                "EvtDevicePrepareHardware", "EvtDeviceReleaseHardware",
                "EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFDEVICE",
                "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
        assertThat(trace.events(e -> e.name().equals("ZwUnloadDriver")).get(0).arg("reason"))
                .isEqualTo("its only device failed to start");
        assertThat(b.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith("fixture.kmdf.prepare/"));
        DeviceNode n = pnp.node(ECHO0).orElseThrow();
        assertThat(n.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(n.problemStatus()).startsWith("STATUS_INSUFFICIENT_RESOURCES");
        int before = callbacks("fixture.kmdf.prepare").size();
        b.stop(); // unloaded already: nothing more reaches the driver
        assertThat(callbacks("fixture.kmdf.prepare")).hasSize(before);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aFailedD0EntryGetsNoD0ExitButReleaseHardware() throws Exception {
        installedBundle("fixture.kmdf.d0entry").start();
        List<String> c = callbacks("fixture.kmdf.d0entry");
        assertThat(c).containsSubsequence("EvtDevicePrepareHardware", "EvtDeviceD0Entry", "EvtDeviceReleaseHardware",
                "EvtCleanupCallback WDFDEVICE");
        assertThat(c).doesNotContain("EvtDeviceD0Exit");
        assertThat(pnp.node(ECHO0).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
    }

    @Test
    public void aMappingLeftMappedAfterReleaseHardwareIsReportedAgainstTheDriver() throws Exception {
        Bundle b = installedBundle("fixture.kmdf.leaky");
        expectViolations();
        b.start();
        b.stop();
        List<Verifier.Violation> v = verifier.violations();
        assertThat(v).extracting(Verifier.Violation::rule).containsExactly("MappingNotUnmappedInReleaseHardware");
        assertThat(v.get(0).driver()).startsWith("fixture.kmdf.leaky/");
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.VIOLATION)).hasSize(1);
    }
}
