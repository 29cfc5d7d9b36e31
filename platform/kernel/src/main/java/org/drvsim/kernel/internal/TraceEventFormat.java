package org.drvsim.kernel.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import org.drvsim.kernel.TargetFile;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.drvsim.kernel.TraceEvent;

/**
 * Writes the Trace Event Format (the JSON object form, {@code {"traceEvents": [...]}}) that Perfetto
 * and chrome://tracing open. One process ({@code pid} 1, "drvsim"); one thread per simulated
 * processor ({@code tid} = processor). Callbacks are complete events ({@code ph: "X"}, {@code ts} and
 * {@code dur} in microseconds); DDIs, PnP and verifier events are thread-scoped instants
 * ({@code ph: "i"}).
 */
final class TraceEventFormat {
    private TraceEventFormat() {
    }

    /**
     * Writes the events to a temporary file beside {@code file} and renames it onto {@code file} when complete.
     *
     * @throws IllegalArgumentException if {@code file} cannot be written (see {@link TargetFile#check})
     */
    static int write(List<TraceEvent> events, Path file) throws IOException {
        JsonFactory factory = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        try (TargetFile target = TargetFile.open(file)) {
            writeTo(factory, target.out(), events);
            target.commit();
        }
        return events.size();
    }

    private static void writeTo(JsonFactory factory, java.io.OutputStream out, List<TraceEvent> events) throws IOException {
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeArrayFieldStart("traceEvents");
            Map<Integer, Boolean> cpus = new TreeMap<>();
            for (TraceEvent e : events) {
                cpus.put(e.processor(), true);
            }
            g.writeStartObject();
            g.writeStringField("name", "process_name");
            g.writeStringField("ph", "M");
            g.writeNumberField("pid", 1);
            g.writeObjectFieldStart("args");
            g.writeStringField("name", "drvsim");
            g.writeEndObject();
            g.writeEndObject();
            for (int cpu : cpus.keySet()) {
                g.writeStartObject();
                g.writeStringField("name", "thread_name");
                g.writeStringField("ph", "M");
                g.writeNumberField("pid", 1);
                g.writeNumberField("tid", cpu);
                g.writeObjectFieldStart("args");
                g.writeStringField("name", "processor " + cpu);
                g.writeEndObject();
                g.writeEndObject();
            }
            for (TraceEvent e : events) {
                writeEvent(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeEvent(JsonGenerator g, TraceEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", e.name());
        g.writeStringField("cat", e.kind().name().toLowerCase(java.util.Locale.ROOT));
        boolean callback = e.kind() == TraceEvent.Kind.CALLBACK;
        g.writeStringField("ph", callback ? "X" : "i");
        if (!callback) {
            g.writeStringField("s", "t");
        }
        g.writeNumberField("ts", e.timeNanos() / 1000.0);
        if (callback) {
            long end = e.endNanos() < 0 ? e.timeNanos() : e.endNanos();
            g.writeNumberField("dur", (end - e.timeNanos()) / 1000.0);
        }
        g.writeNumberField("pid", 1);
        g.writeNumberField("tid", e.processor());
        g.writeObjectFieldStart("args");
        g.writeNumberField("seq", e.seq());
        g.writeStringField("driver", e.driver());
        g.writeStringField("device", e.device());
        g.writeStringField("irql", e.irql().name());
        for (Map.Entry<String, Object> a : e.args().entrySet()) {
            Object v = a.getValue();
            if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
                g.writeNumberField(a.getKey(), n.longValue());
            } else if (v instanceof Boolean b) {
                g.writeBooleanField(a.getKey(), b);
            } else {
                g.writeStringField(a.getKey(), String.valueOf(v));
            }
        }
        if (callback && e.returnValue() != null) {
            g.writeStringField("returnValue", String.valueOf(e.returnValue()));
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
