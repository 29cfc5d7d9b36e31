package org.drvsim.nt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/** KeRaiseIrql/KeLowerIrql and the thread-confined IRQL of {@link Irql}. */
public class IrqlTest {
    @After
    public void backToPassiveLevel() {
        Irql.lower(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void theLevelsHaveTheirKirqlValues() {
        assertThat(Irql.PASSIVE_LEVEL.level()).isEqualTo(0);
        assertThat(Irql.APC_LEVEL.level()).isEqualTo(1);
        assertThat(Irql.DISPATCH_LEVEL.level()).isEqualTo(2);
        assertThat(Irql.DIRQL.level()).isEqualTo(5);
        assertThat(Irql.HIGH_LEVEL.level()).isEqualTo(15);
    }

    @Test
    public void aThreadTheSchedulerDoesNotOwnRunsAtPassiveLevel() {
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void raiseReturnsThePreviousIrqlAndLowerGoesBackToIt() {
        Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
        assertThat(old).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);

        assertThat(Irql.raise(Irql.DIRQL)).isEqualTo(Irql.DISPATCH_LEVEL);
        Irql.lower(Irql.DISPATCH_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);

        Irql.lower(old);
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
    }

    @Test
    public void raisingToTheCurrentIrqlIsAllowed() {
        Irql.raise(Irql.DISPATCH_LEVEL);
        assertThat(Irql.raise(Irql.DISPATCH_LEVEL)).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void loweringToTheCurrentIrqlIsAllowed() {
        Irql.raise(Irql.DISPATCH_LEVEL);
        Irql.lower(Irql.DISPATCH_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void raisingBelowTheCurrentIrqlBugChecksWithIrqlNotGreaterOrEqualAndLeavesTheIrqlUnchanged() {
        Irql.raise(Irql.DISPATCH_LEVEL);

        assertThatThrownBy(() -> Irql.raise(Irql.APC_LEVEL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("IRQL_NOT_GREATER_OR_EQUAL (0x9): KeRaiseIrql to APC_LEVEL from DISPATCH_LEVEL");
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void loweringAboveTheCurrentIrqlBugChecksWithIrqlNotLessOrEqualAndLeavesTheIrqlUnchanged() {
        Irql.raise(Irql.DISPATCH_LEVEL);

        assertThatThrownBy(() -> Irql.lower(Irql.DIRQL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("IRQL_NOT_LESS_OR_EQUAL (0xA): KeLowerIrql to DIRQL from DISPATCH_LEVEL");
        assertThat(Irql.current()).isEqualTo(Irql.DISPATCH_LEVEL);
    }

    @Test
    public void theIrqlIsConfinedToTheThreadThatRaisedIt() throws Exception {
        Irql.raise(Irql.HIGH_LEVEL);

        FutureTask<Irql> onAnotherThread = new FutureTask<>(Irql::current);
        new Thread(onAnotherThread, "irql-test").start();

        assertThat(onAnotherThread.get(5, TimeUnit.SECONDS)).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.HIGH_LEVEL);
    }
}
