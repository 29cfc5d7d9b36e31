package org.drvsim.kernel;

import org.drvsim.nt.Irql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded call across a port/driver boundary, or one PnP or verifier event. Fields follow
 * DESIGN.md's trace: a sequence number, a monotonic time in nanoseconds, the simulated processor,
 * the IRQL, the driver (bundle symbolic name and version), the device instance ID, the exact WDK
 * name ({@code MiniportHaltEx}, {@code NdisMDeregisterMiniportDriver}) and the arguments, keyed by
 * the WDK parameter name in lowerCamelCase and valued by the WDK constant name where the value is
 * an enum.
 *
 * <p>A {@link Kind#CALLBACK} is recorded when the port calls into the driver and is completed when
 * the driver returns, with its return value (a status, or {@code VOID}); events recorded while it
 * runs (the DDIs the driver calls) have larger sequence numbers. Immutable except for that one
 * completion, which is published safely.
 */
public final class TraceEvent {
    /** What kind of event this is. */
    public enum Kind {
        /** The port (NDIS, Storport, WDF) called a driver routine. */
        CALLBACK,
        /** A driver called a port or kernel routine (a DDI). */
        DDI,
        /** The kernel's PnP manager or driver loader did something a driver did not ask for. */
        PNP,
        /** The verifier found a broken rule. */
        VIOLATION
    }

    private final long seq;
    private final long timeNanos;
    private final int processor;
    private final Irql irql;
    private final String driver;
    private final String device;
    private final String name;
    private final Kind kind;
    private final Map<String, Object> args;
    private volatile Object returnValue;
    private volatile long endNanos = -1;

    public TraceEvent(long seq, long timeNanos, int processor, Irql irql, String driver, String device,
                      String name, Kind kind, Map<String, ?> args) {
        this.seq = seq;
        this.timeNanos = timeNanos;
        this.processor = processor;
        this.irql = Objects.requireNonNull(irql);
        this.driver = driver == null ? "" : driver;
        this.device = device == null ? "" : device;
        this.name = Objects.requireNonNull(name);
        this.kind = Objects.requireNonNull(kind);
        this.args = Collections.unmodifiableMap(new LinkedHashMap<>(args == null ? Map.of() : args));
    }

    /**
     * Builds an argument map that keeps the order given, as the WDK prototype lists the parameters.
     *
     * @param keyValues alternating keys (String) and values; a null value is left out
     * @throws IllegalArgumentException if the count is odd or a key is not a String
     */
    public static Map<String, Object> argMap(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("trace arguments come in key/value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String key)) {
                throw new IllegalArgumentException("trace argument key " + keyValues[i] + " is not a String");
            }
            if (keyValues[i + 1] != null) {
                m.put(key, keyValues[i + 1]);
            }
        }
        return m;
    }

    public long seq() { return seq; }
    /** @return nanoseconds from the trace's start (monotonic) */
    public long timeNanos() { return timeNanos; }
    public int processor() { return processor; }
    public Irql irql() { return irql; }
    /** @return the driver as {@code symbolicName/version}, or empty */
    public String driver() { return driver; }
    /** @return the device instance ID, or empty */
    public String device() { return device; }
    /** @return the exact WDK name */
    public String name() { return name; }
    public Kind kind() { return kind; }
    /** @return the arguments, in the order of the WDK prototype */
    public Map<String, Object> args() { return args; }

    /** @return the argument's text, or null */
    public String arg(String key) {
        Object v = args.get(key);
        return v == null ? null : v.toString();
    }

    /** @return what the callback returned, once it has ({@code VOID} for a void routine), else null */
    public Object returnValue() { return returnValue; }

    /** @return whether a callback has returned; always true for other kinds */
    public boolean completed() { return kind != Kind.CALLBACK || endNanos >= 0; }

    /** @return when the callback returned, in trace nanoseconds, or -1 while it runs */
    public long endNanos() { return kind == Kind.CALLBACK ? endNanos : timeNanos; }

    /**
     * Records the callback's return. For the trace implementation.
     *
     * @throws IllegalStateException if this is not a callback or it was already completed
     */
    public void complete(Object value, long nanos) {
        if (kind != Kind.CALLBACK || endNanos >= 0) {
            throw new IllegalStateException("trace event " + seq + " " + name + " cannot be completed");
        }
        returnValue = value == null ? "VOID" : value;
        endNanos = nanos;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%6d %12.6f ms  cpu%d %-14s %-40s %-22s %s", seq, timeNanos / 1e6, processor,
                irql, driver, device, kind == Kind.CALLBACK ? name : (kind == Kind.DDI ? "  " + name : "* " + name)));
        if (!args.isEmpty()) {
            b.append(' ');
            boolean first = true;
            for (Map.Entry<String, Object> e : args.entrySet()) {
                b.append(first ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
                first = false;
            }
        }
        if (kind == Kind.CALLBACK) {
            Object r = returnValue;
            b.append(r == null ? "  (running)" : "  -> " + r);
        }
        return b.toString();
    }
}
