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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code trace:} commands: show, export (Trace Event Format) and clear the trace. */
@Component(service = TraceCommands.class, property = {
        "osgi.command.scope=trace",
        "osgi.command.function=show",
        "osgi.command.function=export",
        "osgi.command.function=clear",
        "osgi.command.function=io"})
public final class TraceCommands {
    private final Trace trace;

    @Activate
    public TraceCommands(@Reference Trace trace) {
        this.trace = trace;
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
