package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.FaultRuleState;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * Hardware fault rules armed from a test through the kit ({@code armFault}), over the real bundles: the KMDF echo
 * driver's EvtDevicePrepareHardware checks the device ID register, so a register read fault fails its start with
 * Code 10, each firing is a {@code * FaultInjected} trace event, and disarmed the device starts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FaultRulesTest extends DrvsimTestSupport {
    @Override
    public void platformIsUp() throws Exception {
        super.platformIsUp();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
    }

    @Test
    public void aRegisterReadFaultFailsTheEchoDeviceStartWithCode10AndDisarmedItStarts() throws Exception {
        pnp.disable(ECHO0);
        trace.clear();
        DeviceFaults faults = armFault(ECHO0, FaultRule.nth(DeviceFaults.FAIL_REGISTER_READ, 1).times(1));

        DeviceNode failed = pnp.enable(ECHO0);
        assertThat(failed.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(failed.problemStatus().toString()).contains("STATUS_DEVICE_NOT_CONNECTED");
        List<TraceEvent> fired = trace.events(e -> e.name().equals("FaultInjected"));
        assertThat(fired).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(TraceEvent.Kind.PNP);
            assertThat(e.device()).isEqualTo(ECHO0);
            assertThat(e.arg("fault")).isEqualTo("failRegisterRead");
            assertThat(e.arg("device")).isEqualTo(ECHO0);
            assertThat(e.arg("firing")).hasToString("1");
        });
        long prepare = trace.events(e -> e.name().equals("EvtDevicePrepareHardware") && e.device().equals(ECHO0))
                .get(0).seq();
        assertThat(fired.get(0).seq()).as("the fault fired inside EvtDevicePrepareHardware").isGreaterThan(prepare);
        assertThat(faults.armed()).as("--times 1 disarmed the rule after its firing").isEmpty();

        pnp.disable(ECHO0);
        DeviceNode started = pnp.enable(ECHO0);
        assertThat(started.state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(started.problem()).isZero();
    }

    @Test
    public void aRuleCountsItsChecksAndFiringsAndClearDisarmsEveryRule() throws Exception {
        DeviceFaults faults = armFault(ECHO0, FaultRule.every(DeviceFaults.FAIL_REGISTER_READ, 2));
        armFault(ECHO0, "dropInterrupts");
        pnp.disable(ECHO0);
        pnp.enable(ECHO0); // reads ID (check 1, passes) then BUFFER_SIZE (check 2, fires: all ones)
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(faults.rules()).extracting(FaultRuleState::checks, FaultRuleState::firings)
                .startsWith(org.assertj.core.groups.Tuple.tuple(0L, 0L)); // dropInterrupts: nothing raised yet
        FaultRuleState read = faults.rules().stream().filter(r -> r.rule().fault().equals("failRegisterRead"))
                .findFirst().orElseThrow();
        assertThat(read.checks()).isGreaterThanOrEqualTo(2);
        assertThat(read.firings()).isEqualTo(read.checks() / 2);
        faults.clear();
        assertThat(faults.rules()).isEmpty();
    }

    @Test
    public void aVanishFaultSurpriseRemovesTheDeviceFromTheHardwareSideAtItsRegisterAccess() throws Exception {
        pnp.disable(ECHO0);
        trace.clear();
        armFault(ECHO0, DeviceFaults.VANISH);
        pnp.enable(ECHO0); // EvtDevicePrepareHardware reads the ID register: the device vanishes under it
        pnp.drain();
        assertThat(hardware.device(ECHO0)).as("gone from the bus").isEmpty();
        assertThat(pnp.node(ECHO0)).as("gone from the device tree").isEmpty();
        assertThat(trace.events(e -> e.name().equals("FaultInjected"))).singleElement()
                .satisfies(e -> assertThat(e.arg("fault")).hasToString("vanish"));
        assertThat(trace.events(e -> e.name().equals("EvtDevicePrepareHardware") && e.device().equals(ECHO0)))
                .singleElement().satisfies(e -> assertThat(e.returnValue()).hasToString("STATUS_DEVICE_NOT_CONNECTED"));
    }
}
