package org.drvsim.kernel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The verifier records each broken rule in the trace and lists it. */
public class KernelVerifierTest {
    private static final String DRIVER = "org.drvsim.drivers.netvmini/0.1.0";
    private static final String DEVICE = "ROOT\\NETVMINI\\0000";
    /** Held strongly so that the level set here sticks; every violation is logged at WARNING by design. */
    private static final Logger VERIFIER_LOG = Logger.getLogger("org.drvsim.verifier");

    private final TraceRecorder trace = new TraceRecorder(() -> 0);
    private final KernelVerifier verifier = new KernelVerifier(trace);
    private Level logLevel;

    @Before
    public void quiet() {
        logLevel = VERIFIER_LOG.getLevel();
        VERIFIER_LOG.setLevel(Level.OFF);
    }

    @After
    public void restoreLog() {
        VERIFIER_LOG.setLevel(logLevel);
    }

    @Test
    public void aReportRecordsADriverVerifierViolationEventWithRuleBugCheckCodeAndMessage() {
        Verifier.Violation v = verifier.report("MiniportDriverUnloadWithoutDeregister", 0xC9, DRIVER, DEVICE,
                "MiniportDriverUnload returned without NdisMDeregisterMiniportDriver");

        List<TraceEvent> events = trace.events();
        assertThat(events).hasSize(1);
        TraceEvent e = events.get(0);
        assertThat(e.kind()).isEqualTo(TraceEvent.Kind.VIOLATION);
        assertThat(e.name()).isEqualTo("DriverVerifierViolation");
        assertThat(e.driver()).isEqualTo(DRIVER);
        assertThat(e.device()).isEqualTo(DEVICE);
        assertThat(e.args()).containsExactly(entry("rule", "MiniportDriverUnloadWithoutDeregister"),
                entry("bugCheckCode", "0xC9"),
                entry("message", "MiniportDriverUnload returned without NdisMDeregisterMiniportDriver"));

        assertThat(v).isEqualTo(new Verifier.Violation(e.seq(), "MiniportDriverUnloadWithoutDeregister", 0xC9, DRIVER,
                DEVICE, "MiniportDriverUnload returned without NdisMDeregisterMiniportDriver"));
    }

    @Test
    public void violationsListsEveryReportInOrder() {
        Verifier.Violation first = verifier.report("IrqlTooHigh", 0xC4, DRIVER, DEVICE, "first");
        Verifier.Violation second = verifier.report("TimerNotFreed", 0xC4, DRIVER, null, "second");

        assertThat(verifier.violations()).containsExactly(first, second);
        assertThat(second.seq()).isGreaterThan(first.seq());
    }

    @Test
    public void aDriverWideViolationHasNoDevice() {
        Verifier.Violation v = verifier.report("MiniportDriverUnloadBeforeHalt", 0xC9, DRIVER, null, "adapters left");

        assertThat(v.device()).isNull();
        assertThat(trace.events().get(0).device()).isEmpty();
        assertThat(v).hasToString("MiniportDriverUnloadBeforeHalt (bug check 0xC9) by " + DRIVER + ": adapters left");
    }

    @Test
    public void aViolationOnADeviceNamesItInItsText() {
        Verifier.Violation v = verifier.report("IrqlTooHigh", 0xC4, DRIVER, DEVICE, "at DISPATCH_LEVEL");

        assertThat(v).hasToString("IrqlTooHigh (bug check 0xC4) by " + DRIVER + " on " + DEVICE + ": at DISPATCH_LEVEL");
    }

    @Test
    public void violationsAreKeptWhenTheTraceIsCleared() {
        Verifier.Violation before = verifier.report("IrqlTooHigh", 0xC4, DRIVER, DEVICE, "before clear");
        trace.clear();
        Verifier.Violation after = verifier.report("TimerNotFreed", 0xC4, DRIVER, DEVICE, "after clear");

        assertThat(verifier.violations()).containsExactly(before, after);
    }

    @Test
    public void theRecordKeepsTheNewestViolationsAndCountsTheDroppedOnes() {
        KernelVerifier small = new KernelVerifier(trace, 3);
        for (int i = 1; i <= 5; i++) {
            small.report("NdisCallAfterHalt", 0xC9, DRIVER, DEVICE, "call " + i);
        }
        assertThat(small.violations()).extracting(Verifier.Violation::message).containsExactly("call 3", "call 4", "call 5");
        assertThat(small.dropped()).isEqualTo(2);
        assertThat(trace.events(e -> e.kind() == org.drvsim.kernel.TraceEvent.Kind.VIOLATION)).hasSize(5);
    }

    @Test
    public void clearingForgetsTheViolationsAndTheDroppedCount() {
        KernelVerifier small = new KernelVerifier(trace, 1);
        small.report("NdisCallAfterHalt", 0xC9, DRIVER, DEVICE, "first");
        small.report("NdisCallAfterHalt", 0xC9, DRIVER, DEVICE, "second");
        small.clear();
        assertThat(small.violations()).isEmpty();
        assertThat(small.dropped()).isZero();
        small.report("NdisCallAfterHalt", 0xC9, DRIVER, DEVICE, "third");
        assertThat(small.violations()).extracting(Verifier.Violation::message).containsExactly("third");
    }

    @Test
    public void aCapacityBelowOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KernelVerifier(trace, 0))
                .hasMessageContaining("drvsim.verifier.capacity 0 is not positive");
    }
}
