package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.itest.fixtures.MisprogrammingE1kMiniport;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.test.DrvsimOptions;
import org.drvsim.test.Machine;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * A driver that programs the e1k controller wrongly, over the real bundles: each error the device model detects (a
 * ring outside host memory, a tail past the ring, DMA from freed memory, DMA through a freed scatter/gather list) becomes a verifier violation
 * (DRIVER_VERIFIER_DMA_VIOLATION, 0xE6) naming that driver and device; the device refuses what it cannot do and the
 * platform goes on: the adapter still starts, the driver unloads cleanly, and the sample e1k driver then runs the
 * same controller.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class E1kMisprogrammingTest extends DrvsimTestSupport {
    static final String MISPROGRAMMING = "fixture.e1k.misprogramming";

    @Override
    protected Machine machine() {
        return Machine.EMPTY;
    }

    @Override
    protected Option[] moreOptions() {
        return new Option[] {DrvsimOptions.driverBundle(MISPROGRAMMING, "ndis",
                MisprogrammingE1kMiniport.class.getName() + ";model=ndis;hardware-ids=\"" + E1kRegisters.HARDWARE_ID + "\"",
                MisprogrammingE1kMiniport.class, MisprogrammingE1kMiniport.Nic.class)};
    }

    /** No netvmini adapters to wait for: the machine is empty. */
    @Override
    public void platformIsUp() {
    }

    @Test
    public void eachProgrammingErrorIsAViolationNamingTheDriverAndThePlatformGoesOn() throws Exception {
        expectViolations();
        Bundle fixture = bundle(MISPROGRAMMING);
        fixture.start();
        plug(hardware.kind(E1kRegisters.HARDWARE_ID).orElseThrow().spec(E1K0, null));
        awaitCallback("MiniportRestart", E1K0);
        // the DMAs from freed memory are found on the device's thread, after the TDT writes returned
        // (in ring order: the second is the one through the freed scatter/gather list)
        await(e -> e.kind() == TraceEvent.Kind.VIOLATION && E1kRegisters.ERROR_DMA_OUTSIDE_HOST_MEMORY.equals(e.arg("rule"))
                && String.valueOf(e.arg("message")).contains("transmit descriptor 1"));
        List<Verifier.Violation> found = newViolations();
        assertThat(found).extracting(Verifier.Violation::rule).containsExactly(E1kRegisters.ERROR_RING_OUTSIDE_HOST_MEMORY,
                E1kRegisters.ERROR_TAIL_PAST_RING, E1kRegisters.ERROR_DMA_OUTSIDE_HOST_MEMORY,
                E1kRegisters.ERROR_DMA_OUTSIDE_HOST_MEMORY);
        assertThat(found).allSatisfy(v -> {
            assertThat(v.driver()).startsWith(MISPROGRAMMING + "/");
            assertThat(v.device()).isEqualToIgnoringCase(E1K0);
            assertThat(v.bugCheckCode()).isEqualTo(0xE6);
        });
        assertThat(found.get(0).message()).contains("transmit ring").contains("does not lie inside");
        assertThat(found.get(1).message()).contains("RDT=" + MisprogrammingE1kMiniport.BAD_TAIL).contains("256 descriptors");
        assertThat(found.get(2).message()).contains("transmit descriptor 0").contains("freed block");
        assertThat(found.get(3).message()).contains("transmit descriptor 1").contains("not mapped for DMA")
                .contains("scatter/gather list is freed");
        assertThat(pnp.node(E1K0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);

        // the platform is unharmed: the driver unloads as documented, and the sample driver runs the controller
        fixture.stop();
        await(e -> e.name().equals("MiniportDriverUnload") && e.driver().startsWith(MISPROGRAMMING + "/") && e.completed());
        bundle(E1K).start();
        await(e -> e.name().equals("MiniportRestart") && e.driver().startsWith(E1K + "/") && e.completed());
        bundle(E1K).stop();
        assertThat(newViolations()).hasSize(4);
    }
}
