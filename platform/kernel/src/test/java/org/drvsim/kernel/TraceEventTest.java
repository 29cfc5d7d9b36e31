package org.drvsim.kernel;

import org.drvsim.nt.Irql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.Test;

/** {@link TraceEvent}: argument maps and the one completion of a callback. */
public class TraceEventTest {
    @Test
    public void argMapKeepsTheOrderGivenAsTheWdkPrototypeListsTheParameters() {
        Map<String, Object> args = TraceEvent.argMap("zeta", 1, "alpha", "NdisHaltDeviceDisabled", "mid", true);

        assertThat(args).containsExactly(entry("zeta", 1), entry("alpha", "NdisHaltDeviceDisabled"),
                entry("mid", true));
    }

    @Test
    public void argMapLeavesOutNullValues() {
        Map<String, Object> args = TraceEvent.argMap("a", 1, "b", null, "c", 3);

        assertThat(args).containsExactly(entry("a", 1), entry("c", 3));
        assertThat(args).doesNotContainKey("b");
    }

    @Test
    public void argMapWithAnOddNumberOfArgumentsIsRefused() {
        assertThatThrownBy(() -> TraceEvent.argMap("a", 1, "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace arguments come in key/value pairs");
    }

    @Test
    public void argMapWithAKeyThatIsNotAStringIsRefused() {
        assertThatThrownBy(() -> TraceEvent.argMap(7, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace argument key 7 is not a String");
    }

    @Test
    public void anEventsArgumentsAreACopyThatCannotBeChanged() {
        Map<String, Object> args = TraceEvent.argMap("status", "NDIS_STATUS_SUCCESS");
        TraceEvent e = new TraceEvent(1, 10, 0, Irql.PASSIVE_LEVEL, null, null, "NdisMPauseComplete",
                TraceEvent.Kind.DDI, args);
        args.put("later", 1);

        assertThat(e.args()).containsExactly(entry("status", "NDIS_STATUS_SUCCESS"));
        assertThatThrownBy(() -> e.args().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(e.driver()).isEmpty();
        assertThat(e.device()).isEmpty();
    }

    @Test
    public void aCallbackIsCompletedOnceWithItsReturnValueAndVoidForNull() {
        TraceEvent e = new TraceEvent(1, 10, 0, Irql.PASSIVE_LEVEL, "d", "dev", "MiniportHaltEx",
                TraceEvent.Kind.CALLBACK, Map.of());
        assertThat(e.completed()).isFalse();
        assertThat(e.endNanos()).isEqualTo(-1);
        assertThat(e.returnValue()).isNull();

        e.complete(null, 25);

        assertThat(e.completed()).isTrue();
        assertThat(e.returnValue()).isEqualTo("VOID");
        assertThat(e.endNanos()).isEqualTo(25);
        assertThatThrownBy(() -> e.complete("again", 30))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("trace event 1 MiniportHaltEx cannot be completed");
    }

    @Test
    public void anEventThatIsNotACallbackIsAlwaysCompletedAndCannotBeCompleted() {
        TraceEvent e = new TraceEvent(2, 10, 0, Irql.PASSIVE_LEVEL, "d", "dev", "NdisMPauseComplete",
                TraceEvent.Kind.DDI, Map.of());

        assertThat(e.completed()).isTrue();
        assertThat(e.endNanos()).isEqualTo(10);
        assertThatThrownBy(() -> e.complete(null, 20)).isInstanceOf(IllegalStateException.class);
    }
}
