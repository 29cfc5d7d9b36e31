package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.itest.fixtures.RawChildBusKmdf;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.SystemPowerState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.test.DrvsimOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * A KMDF bus driver and the raw child device it enumerates (WdfPdoInitAllocate, WdfFdoAddStaticChild): the child is
 * enumerated under its parent after the parent started, removed before it, and, when the parent fails to power up on
 * wake, EvtDeviceReleaseHardware of the parent runs before the child's with WdfReleaseHardwareOrderOnFailureEarly and
 * after it with WdfReleaseHardwareOrderOnFailureAfterDescendants (WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE,
 * WdfDeviceInitSetReleaseHardwareOrderOnFailure).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ChildDevicesTest extends DrvsimTestSupport {
    static final String EARLY_BUS = "ROOT\\DRVSIMBUS\\0000";
    static final String EARLY_CHILD = "DRVSIMBUS\\CHILD\\0";
    static final String LATE_BUS = "ROOT\\DRVSIMBUS\\0001";
    static final String LATE_CHILD = "DRVSIMBUS\\CHILD\\1";

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            DrvsimOptions.driverBundle("fixture.kmdf.bus", "wdf", "org.drvsim.itest.fixtures.RawChildBusKmdf;model=wdf;"
                    + "hardware-ids=\"ROOT\\DRVSIMBUS\"", RawChildBusKmdf.class),
        };
    }

    /** The PnP IRPs and the callbacks of the bus and its child, as "IRP device" and "Callback device". */
    private List<String> sequence() {
        return trace.events(e -> (e.kind() == TraceEvent.Kind.PNP && (e.name().startsWith("IRP_MN_")
                        || e.name().equals("IoDeleteDevice")) || e.kind() == TraceEvent.Kind.CALLBACK)
                        && e.device().contains("DRVSIMBUS") && !e.name().equals("IRP_MN_SET_POWER"))
                .stream().map(e -> e.name() + " " + e.device()).toList();
    }

    private void plugBus(String instanceId, String child) throws Exception {
        bundle("fixture.kmdf.bus").start();
        hardware.plug(DeviceSpec.of(instanceId, "ROOT\\DRVSIMBUS", "a KMDF bus"));
        pnp.drain();
        pnp.drain();
        DeviceNode node = pnp.node(child).orElseThrow();
        assertThat(node.state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(node.parentInstanceId()).isEqualTo(instanceId);
        assertThat(node.driverName()).startsWith("fixture.kmdf.bus/");
    }

    @Test
    public void theChildIsEnumeratedAfterItsParentStartedAndRemovedBeforeIt() throws Exception {
        bundle("fixture.kmdf.bus").start();
        trace.clear();
        plugBus(EARLY_BUS, EARLY_CHILD);
        assertThat(sequence()).containsExactly(
                "IRP_MN_QUERY_DEVICE_RELATIONS " + EARLY_BUS,
                "EvtDriverDeviceAdd " + EARLY_BUS,
                "IRP_MN_START_DEVICE " + EARLY_BUS,
                "EvtDevicePrepareHardware " + EARLY_BUS,
                "EvtDeviceD0Entry " + EARLY_BUS,
                "IRP_MN_QUERY_DEVICE_RELATIONS " + EARLY_BUS,
                "IRP_MN_START_DEVICE " + EARLY_CHILD,
                "EvtDevicePrepareHardware " + EARLY_CHILD,
                "EvtDeviceD0Entry " + EARLY_CHILD);
        String tree = gogo("pnp:tree");
        assertThat(tree).containsSubsequence(EARLY_BUS, "  └ " + EARLY_CHILD);
        trace.clear();
        hardware.unplug(EARLY_BUS);
        pnp.drain();
        assertThat(sequence()).containsExactly(
                "IRP_MN_QUERY_DEVICE_RELATIONS " + EARLY_BUS,
                "IRP_MN_QUERY_REMOVE_DEVICE " + EARLY_CHILD,
                "IRP_MN_REMOVE_DEVICE " + EARLY_CHILD,
                "EvtDeviceD0Exit " + EARLY_CHILD,
                "EvtDeviceReleaseHardware " + EARLY_CHILD,
                "IoDeleteDevice " + EARLY_CHILD,
                "IRP_MN_QUERY_REMOVE_DEVICE " + EARLY_BUS,
                "IRP_MN_REMOVE_DEVICE " + EARLY_BUS,
                "EvtDeviceD0Exit " + EARLY_BUS,
                "EvtDeviceReleaseHardware " + EARLY_BUS);
        assertThat(pnp.node(EARLY_CHILD)).isEmpty();
        assertThat(verifier.violations()).isEmpty();
    }

    /**
     * What a bus that fails its EvtDeviceD0Entry on wake and its raw child go through with
     * WdfReleaseHardwareOrderOnFailureEarly (the default): the bus's EvtDeviceReleaseHardware right after the failed
     * D0Entry, before the child's.
     */
    static List<String> failedWakeEarly(String bus, String child) {
        return List.of("EvtDeviceD0Entry " + bus,
                "EvtDeviceReleaseHardware " + bus,
                "IRP_MN_QUERY_PNP_DEVICE_STATE " + bus,
                "IRP_MN_SURPRISE_REMOVAL " + child,
                "EvtDeviceReleaseHardware " + child,
                "IRP_MN_REMOVE_DEVICE " + child,
                "IoDeleteDevice " + child,
                "IRP_MN_SURPRISE_REMOVAL " + bus,
                "IRP_MN_REMOVE_DEVICE " + bus);
    }

    /** As {@link #failedWakeEarly}, with WdfReleaseHardwareOrderOnFailureAfterDescendants: the bus's release last. */
    static List<String> failedWakeAfterDescendants(String bus, String child) {
        return List.of("EvtDeviceD0Entry " + bus,
                "IRP_MN_QUERY_PNP_DEVICE_STATE " + bus,
                "IRP_MN_SURPRISE_REMOVAL " + child,
                "EvtDeviceReleaseHardware " + child,
                "IRP_MN_REMOVE_DEVICE " + child,
                "IoDeleteDevice " + child,
                "IRP_MN_SURPRISE_REMOVAL " + bus,
                "EvtDeviceReleaseHardware " + bus,
                "IRP_MN_REMOVE_DEVICE " + bus);
    }

    @Test
    public void aParentThatFailsToPowerUpReleasesItsHardwareBeforeOrAfterItsChildAsItAsked() throws Exception {
        plugBus(EARLY_BUS, EARLY_CHILD);
        plugBus(LATE_BUS, LATE_CHILD);
        pnp.sleep(SystemPowerState.PowerSystemSleeping3);
        trace.clear();
        pnp.wake();
        pnp.drain();
        List<String> all = sequence();
        // Early (the default): the parent's EvtDeviceReleaseHardware right after its failed D0Entry, before the child's
        List<String> early = all.stream().filter(s -> s.endsWith(EARLY_BUS) || s.endsWith(EARLY_CHILD)).toList();
        assertThat(early).containsExactlyElementsOf(failedWakeEarly(EARLY_BUS, EARLY_CHILD));
        // AfterDescendants: the parent's EvtDeviceReleaseHardware only after the child's
        List<String> late = all.stream().filter(s -> s.endsWith(LATE_BUS) || s.endsWith(LATE_CHILD)).toList();
        assertThat(late).containsExactlyElementsOf(failedWakeAfterDescendants(LATE_BUS, LATE_CHILD));
        assertThat(pnp.node(EARLY_BUS).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(pnp.node(EARLY_CHILD)).isEmpty();
        assertThat(pnp.node(LATE_CHILD)).isEmpty();
        assertThat(verifier.violations()).isEmpty();
    }
}
