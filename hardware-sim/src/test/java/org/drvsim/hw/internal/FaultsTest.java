package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.FaultRuleState;
import org.junit.Test;

/** The rule arithmetic: which checks fire for always, nth, every, a seeded probability, and times. */
public class FaultsTest {
    private final List<String> reported = new ArrayList<>();
    private final Faults faults = faults();

    private Faults faults() {
        Faults f = new Faults("DEV\\0", Set.of("failX", "failY"));
        f.reportTo((fault, firing) -> reported.add(fault + "#" + firing));
        return f;
    }

    /** @return the 1-based numbers of the checks, out of {@code checks}, that fired */
    private List<Integer> firing(String fault, int checks) {
        List<Integer> fired = new ArrayList<>();
        for (int i = 1; i <= checks; i++) {
            if (faults.fires(fault)) {
                fired.add(i);
            }
        }
        return fired;
    }

    @Test
    public void anUnarmedFaultNeverFiresAndCountsNothing() {
        assertThat(firing("failX", 5)).isEmpty();
        assertThat(faults.rules()).isEmpty();
        assertThat(reported).isEmpty();
    }

    @Test
    public void alwaysFiresAtEveryCheck() {
        faults.arm("failX");
        assertThat(firing("failX", 4)).containsExactly(1, 2, 3, 4);
        assertThat(reported).containsExactly("failX#1", "failX#2", "failX#3", "failX#4");
    }

    @Test
    public void nthFiresOnlyAtTheNthCheck() {
        faults.arm(FaultRule.nth("failX", 3));
        assertThat(firing("failX", 10)).containsExactly(3);
        assertThat(faults.rules()).containsExactly(new FaultRuleState(FaultRule.nth("failX", 3), 10, 1));
    }

    @Test
    public void everyFiresAtEachMultipleOfN() {
        faults.arm(FaultRule.every("failX", 3));
        assertThat(firing("failX", 10)).containsExactly(3, 6, 9);
    }

    @Test
    public void timesDisarmsTheRuleAfterItsLastFiring() {
        faults.arm(FaultRule.every("failX", 2).times(2));
        assertThat(firing("failX", 10)).containsExactly(2, 4);
        assertThat(faults.isArmed("failX")).isFalse();
        assertThat(reported).containsExactly("failX#1", "failX#2");
    }

    @Test
    public void probabilityFiresAsItsSeededRandomDrawsSayAndTheSameSeedRepeatsTheRun() {
        FaultRule rule = FaultRule.probability("failX", 0.3).seed(42);
        faults.arm(rule);
        List<Integer> first = firing("failX", 200);
        Random expected = new Random(42);
        List<Integer> drawn = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            if (expected.nextDouble() < 0.3) {
                drawn.add(i);
            }
        }
        assertThat(first).isEqualTo(drawn).hasSizeBetween(40, 80);

        faults.arm(rule); // arming again restarts the counters and the draws
        assertThat(firing("failX", 200)).isEqualTo(first);
        faults.arm(rule.seed(43));
        assertThat(firing("failX", 200)).isNotEqualTo(first);
        faults.arm(FaultRule.probability("failX", 1));
        assertThat(firing("failX", 5)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    public void probabilityWithTimesStopsAfterTimesFirings() {
        faults.arm(FaultRule.probability("failX", 0.5).times(3));
        assertThat(firing("failX", 100)).hasSize(3);
        assertThat(faults.armed()).isEmpty();
    }

    @Test
    public void eachFaultHasItsOwnRuleAndCountersAndClearDisarmsAll() {
        faults.arm(FaultRule.nth("failX", 2));
        faults.arm(FaultRule.every("failY", 2));
        faults.fires("failX");
        assertThat(faults.rules()).extracting(FaultRuleState::checks).containsExactly(1L, 0L);
        faults.clear();
        assertThat(faults.armed()).isEmpty();
        assertThat(firing("failX", 3)).isEmpty();
    }

    @Test
    public void badRulesAndUnknownFaultsAreRefusedAndNothingChanges() {
        faults.arm(FaultRule.nth("failX", 2));
        assertThatThrownBy(() -> faults.arm("failZ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device DEV\\0 has no fault 'failZ'; it supports [failX, failY]");
        assertThatThrownBy(() -> FaultRule.nth("failX", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.every("failX", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.probability("failX", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.probability("failX", 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.probability("failX", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultRule.always("failX").times(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(faults.rules()).containsExactly(new FaultRuleState(FaultRule.nth("failX", 2), 0, 0));
    }

    @Test
    public void whenDescribesTheTrigger() {
        assertThat(FaultRule.always("f").when()).isEqualTo("always");
        assertThat(FaultRule.nth("f", 3).when()).isEqualTo("nth 3");
        assertThat(FaultRule.every("f", 2).when()).isEqualTo("every 2");
        assertThat(FaultRule.probability("f", 0.25).seed(7).when()).isEqualTo("probability 0.25 seed 7");
    }
}
