package org.drvsim.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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

    @Descriptor("shows the whole trace")
    public List<TraceEvent> show() {
        return trace.events();
    }

    @Descriptor("shows the trace events whose name, driver, device or arguments contain the filter text (case-insensitive)")
    public List<TraceEvent> show(@Descriptor("text to look for, for example MiniportHaltEx or 'ROOT\\NETVMINI\\0001'") String filter) {
        String f = filter.toLowerCase(Locale.ROOT);
        return trace.events(e -> e.toString().toLowerCase(Locale.ROOT).contains(f));
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
