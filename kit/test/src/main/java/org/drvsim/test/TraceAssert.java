package org.drvsim.test;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;

/**
 * AssertJ assertions on the trace: narrow it to a device or a driver, then assert on the WDK names of its
 * callbacks, of its callbacks and DDIs, or of its PnP events, in trace order:
 *
 * <pre>
 * assertThat(trace).forDevice("ROOT\\MYNIC\\0000").callbacks().containsExactly("MiniportInitializeEx", "MiniportRestart");
 * assertThat(trace).forDriver("com.example.mynic").calls().endsWith("MiniportDriverUnload", "NdisMDeregisterMiniportDriver");
 * </pre>
 *
 * Instance IDs match without regard to case, as Windows compares them. Read at the moment of the call: wait for
 * what the test expects first ({@link DrvsimTestSupport#awaitCallback}).
 */
public final class TraceAssert extends AbstractAssert<TraceAssert, Trace> {
    private final Predicate<TraceEvent> filter;
    private final String scope;

    TraceAssert(Trace trace, Predicate<TraceEvent> filter, String scope) {
        super(trace, TraceAssert.class);
        this.filter = filter;
        this.scope = scope;
    }

    /** @return the assertion narrowed to the events of one device (instance ID) */
    public TraceAssert forDevice(String instanceId) {
        isNotNull();
        return new TraceAssert(actual, filter.and(e -> e.device().equalsIgnoreCase(instanceId)),
                scope + " of device " + instanceId);
    }

    /** @return the assertion narrowed to the events of one driver (bundle symbolic name, any version) */
    public TraceAssert forDriver(String bundleSymbolicName) {
        isNotNull();
        String prefix = bundleSymbolicName.toLowerCase(Locale.ROOT) + "/";
        return new TraceAssert(actual, filter.and(e -> e.driver().toLowerCase(Locale.ROOT).startsWith(prefix)),
                scope + " of driver " + bundleSymbolicName);
    }

    /** @return the events in scope, in sequence order */
    public List<TraceEvent> events() {
        isNotNull();
        return actual.events(filter);
    }

    /** @return assertions on the WDK names of the callbacks into the driver (MiniportHaltEx, EvtDeviceD0Exit, ...) */
    public ListAssert<String> callbacks() {
        return names(e -> e.kind() == TraceEvent.Kind.CALLBACK, "callbacks");
    }

    /** @return assertions on the WDK names of the callbacks and of the DDIs the driver called, interleaved */
    public ListAssert<String> calls() {
        return names(e -> e.kind() == TraceEvent.Kind.CALLBACK || e.kind() == TraceEvent.Kind.DDI, "callbacks and DDIs");
    }

    /**
     * @return assertions on the names of what the PnP manager or a port did that the driver did not ask for
     *         (IRP_MN_START_DEVICE, ZwUnloadDriver, a KMDF queue's WdfIoQueueStart, IoConnectInterruptEx, ...)
     */
    public ListAssert<String> pnpEvents() {
        return names(e -> e.kind() == TraceEvent.Kind.PNP, "PnP events");
    }

    /** Asserts that no verifier violation was recorded in scope. */
    public TraceAssert hasNoViolations() {
        List<TraceEvent> v = actual.events(filter.and(e -> e.kind() == TraceEvent.Kind.VIOLATION));
        if (!v.isEmpty()) {
            failWithMessage("expected no verifier violation in the trace%s but found:%n%s", scope, lines(v));
        }
        return this;
    }

    private ListAssert<String> names(Predicate<TraceEvent> kind, String what) {
        isNotNull();
        List<TraceEvent> events = actual.events(filter.and(kind));
        return Assertions.assertThat(events.stream().map(TraceEvent::name).toList())
                .as("%s%s; trace:%n%s", what, scope, lines(events));
    }

    static String lines(List<TraceEvent> events) {
        StringBuilder b = new StringBuilder();
        for (TraceEvent e : events) {
            b.append("  ").append(e).append(System.lineSeparator());
        }
        return b.toString();
    }
}
