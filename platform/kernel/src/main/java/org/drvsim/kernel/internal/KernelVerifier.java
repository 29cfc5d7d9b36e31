package org.drvsim.kernel.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Records violations in the trace and the log; the policy is "report and go on". The record is bounded: it keeps
 * the newest {@value #DEFAULT_CAPACITY} violations (framework property {@value #CAPACITY_PROPERTY}) and counts the
 * ones it dropped, so that a driver that breaks a rule in a loop cannot exhaust memory.
 */
@Component(service = Verifier.class)
public final class KernelVerifier implements Verifier {
    /** Framework property: how many violations the record keeps. */
    public static final String CAPACITY_PROPERTY = "drvsim.verifier.capacity";
    static final int DEFAULT_CAPACITY = 1000;
    private static final Logger LOG = Logger.getLogger("org.drvsim.verifier");
    private final Trace trace;
    private final int capacity;
    private final Deque<Violation> violations = new ArrayDeque<>();
    private long dropped;

    @Activate
    public KernelVerifier(@Reference Trace trace, BundleContext context) {
        this(trace, parseCapacity(context.getProperty(CAPACITY_PROPERTY)));
    }

    public KernelVerifier(Trace trace) {
        this(trace, DEFAULT_CAPACITY);
    }

    public KernelVerifier(Trace trace, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(CAPACITY_PROPERTY + " " + capacity + " is not positive");
        }
        this.trace = trace;
        this.capacity = capacity;
    }

    static int parseCapacity(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_CAPACITY;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("framework property " + CAPACITY_PROPERTY + "='" + value
                    + "' is not a number of violations");
        }
    }

    @Override
    public Violation report(String rule, int bugCheckCode, String driver, String device, String message) {
        Violation v;
        // The trace event and the record appear together: whoever sees the event (a trace waiter) and then asks for
        // the violations waits on this lock until the violation is there.
        synchronized (violations) {
            TraceEvent e = trace.event(TraceEvent.Kind.VIOLATION, driver, device, "DriverVerifierViolation",
                    TraceEvent.argMap("rule", rule, "bugCheckCode", String.format("0x%X", bugCheckCode), "message", message));
            v = new Violation(e.seq(), rule, bugCheckCode, driver, device, message);
            violations.addLast(v);
            if (violations.size() > capacity) {
                violations.removeFirst();
                dropped++;
            }
        }
        LOG.warning("DRIVER VERIFIER: " + v);
        return v;
    }

    @Override
    public List<Violation> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public long dropped() {
        synchronized (violations) {
            return dropped;
        }
    }

    @Override
    public void clear() {
        synchronized (violations) {
            violations.clear();
            dropped = 0;
        }
    }
}
