package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.internal.TraceRecorder;
import org.junit.Test;

/** trace:hold: a callback's entry waits for another event of its device, once, or until its timeout. */
public class TraceHoldsTest {
    static final String DEV0 = "PCI\\VEN_8086&DEV_100E\\0000";
    static final String DEV1 = "PCI\\VEN_8086&DEV_100E\\0001";

    private final TraceRecorder trace = new TraceRecorder(() -> 0);

    private List<String> names() {
        return trace.events().stream().map(e -> e.name() + " " + e.device().substring(e.device().length() - 4)
                + (e.name().equals(TraceHolds.HOLD_EVENT) ? " " + e.args().keySet().iterator().next() : "")).toList();
    }

    @Test
    public void theNextCallOfTheCallbackWaitsAtItsEntryUntilTheEventArrivesForItsDeviceAndOnlyOnce() throws Exception {
        try (TraceHolds holds = new TraceHolds(trace)) {
            holds.arm(TraceCommands.parseHold(List.of("MiniportHaltEx", "--until", "MiniportInterrupt", "--device", "DEV_100E")));
            CompletableFuture<Void> halt = CompletableFuture.runAsync(() -> trace.callback("e1k", DEV0, "MiniportHaltEx", Map.of()));
            trace.await(e -> e.name().equals(TraceHolds.HOLD_EVENT), java.time.Duration.ofSeconds(5));
            trace.callback("e1k", DEV1, "MiniportInterrupt", Map.of()); // another device: still held
            Thread.sleep(50);
            assertThat(halt).isNotDone();
            trace.callback("e1k", DEV0, "MiniportInterrupt", Map.of());
            halt.get(5, TimeUnit.SECONDS);
            trace.ddi("e1k", DEV0, "NdisMDeregisterInterruptEx", Map.of());
            assertThat(names()).containsExactly("MiniportHaltEx 0000", "TraceHold 0000 held", "MiniportInterrupt 0001",
                    "MiniportInterrupt 0000", "TraceHold 0000 released", "NdisMDeregisterInterruptEx 0000");
            assertThat(trace.events().get(4).arg("by")).isEqualTo("MiniportInterrupt (seq 4)");
            assertThat(holds.armed()).isEmpty();
            trace.callback("e1k", DEV1, "MiniportHaltEx", Map.of()); // one-shot: not held again
            assertThat(trace.events()).hasSize(7);
        }
    }

    @Test
    public void aHoldEndsAtItsTimeoutOrWhenCleared() throws Exception {
        try (TraceHolds holds = new TraceHolds(trace)) {
            holds.arm(TraceCommands.parseHold(List.of("EvtDeviceD0Exit", "--until", "EvtInterruptIsr", "--timeout-ms", "30")));
            trace.callback("echo", DEV0, "EvtDeviceD0Exit", Map.of());
            assertThat(trace.events().get(2).arg("by")).isEqualTo("timeout");
            holds.arm(TraceCommands.parseHold(List.of("EvtDeviceD0Exit", "--until", "EvtInterruptIsr")));
            CompletableFuture<Void> held = CompletableFuture.runAsync(() -> trace.callback("echo", DEV0, "EvtDeviceD0Exit", Map.of()));
            trace.await(e -> e.seq() == 5 && e.name().equals(TraceHolds.HOLD_EVENT), java.time.Duration.ofSeconds(5));
            assertThat(holds.clear()).isZero(); // it is in use, no longer armed
            held.get(5, TimeUnit.SECONDS);
            assertThat(trace.events().get(5).arg("by")).isEqualTo("trace:hold --clear");
        }
    }

    @Test
    public void badArgumentsAreRefusedWithTheUsage() {
        assertThatThrownBy(() -> TraceCommands.parseHold(List.of("MiniportHaltEx")))
                .hasMessageStartingWith("trace:hold: --until EVENT is missing").hasMessageContaining(TraceCommands.HOLD_USAGE);
        assertThatThrownBy(() -> TraceCommands.parseHold(List.of("MiniportHaltEx", "--until", "X", "--timeout-ms", "0")))
                .hasMessage("trace:hold: --timeout-ms must be 1 to 20000, not 0");
        assertThatThrownBy(() -> TraceCommands.parseHold(List.of("MiniportHaltEx", "--until")))
                .hasMessageStartingWith("trace:hold: --until needs a value");
        assertThatThrownBy(() -> TraceCommands.parseHold(List.of("--until", "X")))
                .hasMessageStartingWith("trace:hold: the callback name comes first");
        assertThatThrownBy(() -> TraceCommands.parseHold(List.of("MiniportHaltEx", "--when", "X")))
                .hasMessageStartingWith("trace:hold: unknown option --when");
    }
}
