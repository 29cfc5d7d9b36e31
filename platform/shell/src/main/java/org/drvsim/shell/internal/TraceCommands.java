package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.console.Table;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code trace:} commands: show, export (Trace Event Format) and clear the trace. */
@Component(service = TraceCommands.class, immediate = true, property = { // immediate: the armed holds outlive each command
        "osgi.command.scope=trace",
        "osgi.command.function=show",
        "osgi.command.function=export",
        "osgi.command.function=clear",
        "osgi.command.function=io",
        "osgi.command.function=hold"})
public final class TraceCommands {
    static final String HOLD_USAGE = "usage: trace:hold CALLBACK --until EVENT [--device TEXT] [--timeout-ms N] | "
            + "trace:hold --clear | trace:hold";
    private final Trace trace;
    private final TraceHolds holds;

    @Activate
    public TraceCommands(@Reference Trace trace) {
        this.trace = trace;
        this.holds = new TraceHolds(trace);
    }

    @Deactivate
    void deactivate() throws Exception {
        holds.close();
    }

    @Descriptor("shows the whole trace: sequence number, time, processor, IRQL, driver, device and the event")
    public String show(@Descriptor("show everything: times to the nanosecond, the drivers' versions, whole events")
                       @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide) {
        return table(trace.events(), wide);
    }

    @Descriptor("shows the trace events whose name, driver, device or arguments contain the filter text (case-insensitive)")
    public String show(@Descriptor("show everything: times to the nanosecond, the drivers' versions, whole events")
                       @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide,
                       @Descriptor("text to look for, for example MiniportHaltEx or 'ROOT\\NETVMINI\\0001'") String filter) {
        String f = filter.toLowerCase(Locale.ROOT);
        return table(trace.events(e -> e.toString().toLowerCase(Locale.ROOT).contains(f)), wide);
    }

    /**
     * The trace as a table: the default form shows the time to the microsecond and the driver by the last part of
     * its symbolic name ({@code netvmini} for {@code org.drvsim.drivers.netvmini}, as Windows names it netvmini.sys),
     * and cuts the event to fit; the wide form shows all that {@link TraceEvent#toString()} shows.
     */
    static String table(List<TraceEvent> events, boolean wide) {
        Table t = new Table(column("SEQ").alignRight().uncut(), column("TIME (MS)").alignRight().uncut(),
                column("CPU").alignRight().uncut(), column("IRQL").uncut(), column("DRIVER"),
                column("DEVICE").uncut(), column("EVENT"));
        for (TraceEvent e : events) {
            t.add(e.seq(), String.format(Locale.ROOT, wide ? "%.6f" : "%.3f", e.timeNanos() / 1e6), e.processor(),
                    e.irql(), wide ? e.driver() : shortName(e.driver()), e.device(), event(e));
        }
        return t.format(wide);
    }

    /** @return the last part of the driver's symbolic name, without the version */
    static String shortName(String driver) {
        String name = PnpCommands.driver(driver, false);
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * @return the event as the trace line ends: a callback unindented with what it returned, a DDI indented, a PnP
     *         manager action or a verifier violation after {@code *}, then the arguments
     */
    static String event(TraceEvent e) {
        StringBuilder b = new StringBuilder(switch (e.kind()) {
            case CALLBACK -> "";
            case DDI -> "  ";
            default -> "* ";
        }).append(e.name());
        String sep = " ";
        for (Map.Entry<String, Object> a : e.args().entrySet()) {
            b.append(sep).append(a.getKey()).append(": ").append(a.getValue());
            sep = ", ";
        }
        if (e.kind() == TraceEvent.Kind.CALLBACK) {
            Object r = e.returnValue();
            b.append(r == null ? "  (running)" : "  -> " + r);
        }
        return b.toString();
    }

    @Descriptor("writes the trace in the Trace Event Format (JSON) that Perfetto and chrome://tracing open")
    public String export(@Descriptor("file to write, for example trace.json") String file) throws IOException {
        Path p = Path.of(file);
        int n = trace.exportTraceEventFormat(p);
        return "wrote " + n + " trace events to " + p.toAbsolutePath();
    }

    @Descriptor("forgets every trace event")
    public String clear() {
        trace.clear();
        return "trace cleared";
    }


    @Descriptor("holds the next call of a driver callback at its entry until another event is recorded for the same "
            + "device (a one-shot breakpoint that makes a rare interleaving certain); without arguments lists the armed "
            + "holds, --clear disarms them")
    public String hold(@Descriptor("CALLBACK --until EVENT [--device TEXT] [--timeout-ms N] (default 5000, at most 20000), "
            + "or --clear") String... args) {
        if (args.length == 0) {
            List<TraceHolds.Hold> armed = holds.armed();
            return armed.isEmpty() ? "no hold armed" : "armed: " + armed.stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining("; "));
        }
        if (args.length == 1 && args[0].equals("--clear")) {
            return "cleared " + holds.clear() + " hold(s)";
        }
        TraceHolds.Hold h = parseHold(List.of(args));
        holds.arm(h);
        return "armed: the next " + h + "; each end is a * " + TraceHolds.HOLD_EVENT + " event";
    }

    /**
     * @param args CALLBACK --until EVENT [--device TEXT] [--timeout-ms N]
     * @throws IllegalArgumentException naming the command and what is wrong, with the usage
     */
    static TraceHolds.Hold parseHold(List<String> args) {
        String callback = args.get(0);
        if (callback.startsWith("-")) {
            throw new IllegalArgumentException("trace:hold: the callback name comes first, not " + callback + "\n"
                    + HOLD_USAGE);
        }
        String until = null;
        String device = "";
        long timeout = TraceHolds.DEFAULT_TIMEOUT_MILLIS;
        for (int i = 1; i < args.size(); i += 2) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("trace:hold: " + option + " needs a value\n" + HOLD_USAGE);
            }
            String value = args.get(i + 1);
            switch (option) {
                case "--until" -> until = value;
                case "--device" -> device = value;
                case "--timeout-ms" -> {
                    try {
                        timeout = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        timeout = -1;
                    }
                    if (timeout < 1 || timeout > TraceHolds.MAX_TIMEOUT_MILLIS) {
                        throw new IllegalArgumentException("trace:hold: --timeout-ms must be 1 to "
                                + TraceHolds.MAX_TIMEOUT_MILLIS + ", not " + value);
                    }
                }
                default -> throw new IllegalArgumentException("trace:hold: unknown option " + option + "\n" + HOLD_USAGE);
            }
        }
        if (until == null) {
            throw new IllegalArgumentException("trace:hold: --until EVENT is missing: what ends the hold\n" + HOLD_USAGE);
        }
        return new TraceHolds.Hold(callback, until, device, timeout);
    }

    @Descriptor("shows whether per-request events (SRBs, sends, receives) are recorded")
    public String io() {
        return "per-request tracing is " + (trace.ioTracing() ? "on" : "off");
    }

    @Descriptor("turns the recording of per-request events (SRBs, sends, receives) on or off; lifecycle events are always recorded")
    public String io(@Descriptor("on or off") String onOff) {
        switch (onOff) {
            case "on" -> trace.setIoTracing(true);
            case "off" -> trace.setIoTracing(false);
            default -> throw new IllegalArgumentException("usage: trace:io [on|off]");
        }
        return io();
    }
}
