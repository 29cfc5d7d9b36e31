package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.drvsim.ndis.internal.AdapterStateMachine.Event;
import org.junit.Test;

/** The adapter state table of spec/ndis-lifecycle.md section 2. */
public class AdapterStateMachineTest {
    private final AdapterStateMachine sm = new AdapterStateMachine();

    @Test
    public void theDocumentedLifecycleGoesHaltedInitializingPausedRestartingRunningPausingPausedHalted() {
        assertThat(sm.state()).isEqualTo(AdapterState.Halted);
        assertThat(sm.fire(Event.INITIALIZE)).isEqualTo(AdapterState.Initializing);
        assertThat(sm.fire(Event.INITIALIZE_SUCCEEDED)).isEqualTo(AdapterState.Paused);
        assertThat(sm.fire(Event.RESTART)).isEqualTo(AdapterState.Restarting);
        assertThat(sm.fire(Event.RESTART_SUCCEEDED)).isEqualTo(AdapterState.Running);
        assertThat(sm.fire(Event.PAUSE)).isEqualTo(AdapterState.Pausing);
        assertThat(sm.fire(Event.PAUSE_COMPLETED)).isEqualTo(AdapterState.Paused);
        assertThat(sm.fire(Event.HALT)).isEqualTo(AdapterState.Halted);
    }

    @Test
    public void aFailedInitializeGoesBackToHaltedWithoutHalt() {
        sm.fire(Event.INITIALIZE);
        assertThat(sm.fire(Event.INITIALIZE_FAILED)).isEqualTo(AdapterState.Halted);
        assertThat(sm.allows(Event.HALT)).isFalse();
    }

    @Test
    public void aFailedRestartLeavesTheAdapterPaused() {
        sm.fire(Event.INITIALIZE);
        sm.fire(Event.INITIALIZE_SUCCEEDED);
        sm.fire(Event.RESTART);
        assertThat(sm.fire(Event.RESTART_FAILED)).isEqualTo(AdapterState.Paused);
    }

    @Test
    public void haltIsAllowedOnlyFromPaused() {
        sm.fire(Event.INITIALIZE);
        assertThat(sm.allows(Event.HALT)).isFalse();
        sm.fire(Event.INITIALIZE_SUCCEEDED);
        assertThat(sm.allows(Event.HALT)).isTrue();
        sm.fire(Event.RESTART);
        assertThat(sm.allows(Event.HALT)).isFalse();
        sm.fire(Event.RESTART_SUCCEEDED);
        assertThatThrownBy(() -> sm.fire(Event.HALT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HALT is not allowed in state Running");
        assertThat(sm.state()).isEqualTo(AdapterState.Running);
    }

    @Test
    public void pauseIsAllowedOnlyFromRunning() {
        sm.fire(Event.INITIALIZE);
        sm.fire(Event.INITIALIZE_SUCCEEDED);
        assertThat(sm.allows(Event.PAUSE)).isFalse();
    }

    @Test
    public void shutdownIsAllowedFromEveryStartedStateButNotFromHaltedOrInitializing() {
        assertThat(sm.allows(Event.SHUTDOWN)).isFalse();
        sm.fire(Event.INITIALIZE);
        assertThat(sm.allows(Event.SHUTDOWN)).isFalse();
        sm.fire(Event.INITIALIZE_SUCCEEDED);
        assertThat(sm.fire(Event.SHUTDOWN)).isEqualTo(AdapterState.Shutdown);
    }
}
