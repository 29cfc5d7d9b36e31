package org.drvsim.ndis.internal;

import java.util.EnumMap;
import java.util.Map;

/**
 * The documented adapter state machine (spec/ndis-lifecycle.md section 2, from "Miniport Adapter States
 * and Operations"): Halted → Initializing → Paused → Restarting → Running → Pausing → Paused → Halted,
 * and Shutdown from any started state. An event the table does not allow is refused with an
 * exception and the state is unchanged; NDIS never issues one, so one reaching here is a bug in the
 * port, not in a driver. Thread-safe.
 */
final class AdapterStateMachine {
    /** What happens to the adapter. */
    enum Event {
        INITIALIZE, INITIALIZE_SUCCEEDED, INITIALIZE_FAILED,
        RESTART, RESTART_SUCCEEDED, RESTART_FAILED,
        PAUSE, PAUSE_COMPLETED,
        HALT, SHUTDOWN
    }

    private static final Map<AdapterState, Map<Event, AdapterState>> TABLE = new EnumMap<>(AdapterState.class);

    static {
        for (AdapterState s : AdapterState.values()) {
            TABLE.put(s, new EnumMap<>(Event.class));
        }
        allow(AdapterState.Halted, Event.INITIALIZE, AdapterState.Initializing);
        allow(AdapterState.Initializing, Event.INITIALIZE_SUCCEEDED, AdapterState.Paused);
        allow(AdapterState.Initializing, Event.INITIALIZE_FAILED, AdapterState.Halted);
        allow(AdapterState.Paused, Event.RESTART, AdapterState.Restarting);
        allow(AdapterState.Restarting, Event.RESTART_SUCCEEDED, AdapterState.Running);
        allow(AdapterState.Restarting, Event.RESTART_FAILED, AdapterState.Paused);
        allow(AdapterState.Running, Event.PAUSE, AdapterState.Pausing);
        allow(AdapterState.Pausing, Event.PAUSE_COMPLETED, AdapterState.Paused);
        allow(AdapterState.Paused, Event.HALT, AdapterState.Halted);
        for (AdapterState s : new AdapterState[] {AdapterState.Paused, AdapterState.Restarting, AdapterState.Running,
                AdapterState.Pausing}) {
            allow(s, Event.SHUTDOWN, AdapterState.Shutdown);
        }
    }

    private static void allow(AdapterState from, Event event, AdapterState to) {
        TABLE.get(from).put(event, to);
    }

    private AdapterState state = AdapterState.Halted;

    synchronized AdapterState state() {
        return state;
    }

    /** @return whether {@code event} is allowed in the current state */
    synchronized boolean allows(Event event) {
        return TABLE.get(state).containsKey(event);
    }

    /**
     * Moves the adapter.
     *
     * @return the new state
     * @throws IllegalStateException if the table does not allow {@code event} in the current state
     */
    synchronized AdapterState fire(Event event) {
        AdapterState next = TABLE.get(state).get(event);
        if (next == null) {
            throw new IllegalStateException("adapter state machine: " + event + " is not allowed in state " + state);
        }
        state = next;
        return next;
    }
}
