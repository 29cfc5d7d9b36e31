package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * The halting seed page's rule from the shell of the real drvsim.jar, made certain with {@code trace:hold}: the first
 * e1k controller screams ({@code hw:fault … interrupt-storm}), MiniportHaltEx is held at its entry until
 * MiniportInterrupt has run, and the trace shows MiniportInterrupt between the MiniportHaltEx entry and
 * NdisMDeregisterInterruptEx, and none after (spec/seeds/ndis-halting-a-miniport-adapter.md).
 */
public class E1kHaltPreemptionScriptTest extends DrvsimJarTestSupport {
    @Test
    public void miniportInterruptRunsBetweenTheHaltExEntryAndNdisMDeregisterInterruptExAndNeverAfter() throws Exception {
        Run r = run("hw:fault 'PCI\\VEN_8086&DEV_100E\\0000' interrupt-storm\n"
                + "trace:hold MiniportHaltEx --until MiniportInterrupt --device 'DEV_100E\\0000'\n"
                + "trace:hold\n"
                + "trace:clear\n"
                + "stop org.drvsim.drivers.e1k\n"
                + "trace:show -v 'DEV_100E\\0000'\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("armed: MiniportHaltEx until MiniportInterrupt on devices containing 'DEV_100E\\0000', "
                + "at most 5000 ms");
        String shown = r.out().substring(r.out().indexOf("drvsim> trace:show"));
        List<String> events = events(shown);
        int halt = events.indexOf("MiniportHaltEx");
        int held = events.indexOf("TraceHold");
        int released = events.lastIndexOf("TraceHold");
        int deregister = events.indexOf("NdisMDeregisterInterruptEx");
        assertThat(halt).as(String.join("\n", events)).isNotNegative();
        // the storm's interrupts go on while HaltEx is entered and held: at least one runs inside the hold
        assertThat(List.of(halt, held, released, deregister)).as(String.join("\n", events)).isSorted()
                .doesNotHaveDuplicates();
        assertThat(events.subList(held + 1, released)).contains("MiniportInterrupt");
        assertThat(events.subList(deregister, events.size())).doesNotContain("MiniportInterrupt", "MiniportInterruptDPC")
                .contains("NdisMUnmapIoSpace");
        assertThat(shown).contains("by: MiniportInterrupt (seq ");
    }

    /**
     * Without {@code trace:hold}: MiniportHaltEx masks and stops the NIC, then gives DMA in flight 10 ms (NdisMSleep)
     * before it resets the NIC and deregisters the interrupt, and the storm (an interrupt every 100 µs here) keeps
     * running MiniportInterrupt inside that window: stopping the driver during a storm shows the preemption as it is.
     */
    @Test
    public void stoppingTheDriverDuringAStormShowsMiniportInterruptInsideHaltExWithoutAHold() throws Exception {
        Run r = run("hw:fault 'PCI\\VEN_8086&DEV_100E\\0000' interrupt-storm --delay-us 100\n"
                + "trace:clear\n"
                + "stop org.drvsim.drivers.e1k\n"
                + "trace:show -v 'DEV_100E\\0000'\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String shown = r.out().substring(r.out().indexOf("drvsim> trace:show"));
        List<String> events = events(shown);
        int halt = events.indexOf("MiniportHaltEx");
        int sleep = events.indexOf("NdisMSleep");
        int deregister = events.indexOf("NdisMDeregisterInterruptEx");
        assertThat(List.of(halt, sleep, deregister)).as(String.join("\n", events)).allMatch(i -> i >= 0).isSorted();
        assertThat(events.subList(halt + 1, deregister)).as(String.join("\n", events)).contains("MiniportInterrupt");
        assertThat(events.subList(deregister, events.size())).doesNotContain("MiniportInterrupt", "MiniportInterruptDPC")
                .contains("NdisMUnmapIoSpace");
    }

    /** The names of the first controller's events in {@code trace:show} output, without the storm's FaultInjected. */
    static List<String> events(String shown) {
        return Arrays.stream(shown.split("\\R")).filter(l -> l.contains("PCI\\VEN_8086&DEV_100E\\0000"))
                .filter(l -> !l.contains("FaultInjected")).map(l -> l.replaceAll("^.*DEV_100E\\\\0000\\s+", ""))
                .map(l -> l.split("[ :]")[l.startsWith("* ") ? 1 : l.startsWith("  ") ? 2 : 0]).toList();
    }
}
