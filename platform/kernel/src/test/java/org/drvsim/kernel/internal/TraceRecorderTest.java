package org.drvsim.kernel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.TraceEvent;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The in-memory trace: order, completion of callbacks, waiting, and the Trace Event Format export. */
public class TraceRecorderTest {
    private static final String DRIVER = "org.drvsim.drivers.netvmini/0.1.0";
    private static final String DEVICE = "ROOT\\NETVMINI\\0000";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final TraceRecorder trace = new TraceRecorder(() -> 0);

    @After
    public void backToPassiveLevel() {
        Irql.lower(Irql.PASSIVE_LEVEL);
    }

    private static Predicate<TraceEvent> named(String name) {
        return e -> e.name().equals(name);
    }

    @Test
    public void sequenceNumbersIncreaseByOneInRecordingOrder() {
        TraceEvent a = trace.callback(DRIVER, DEVICE, "MiniportInitializeEx", Map.of());
        TraceEvent b = trace.ddi(DRIVER, DEVICE, "NdisMSetMiniportAttributes", Map.of());
        TraceEvent c = trace.event(TraceEvent.Kind.PNP, null, DEVICE, "DeviceArrival", Map.of());

        assertThat(b.seq()).isEqualTo(a.seq() + 1);
        assertThat(c.seq()).isEqualTo(b.seq() + 1);
        assertThat(trace.events()).containsExactly(a, b, c);
        assertThat(a.kind()).isEqualTo(TraceEvent.Kind.CALLBACK);
        assertThat(b.kind()).isEqualTo(TraceEvent.Kind.DDI);
        assertThat(c.kind()).isEqualTo(TraceEvent.Kind.PNP);
    }

    @Test
    public void anEventCarriesTheCallingThreadsIrqlTheProcessorDriverDeviceNameAndArguments() {
        TraceRecorder onCpu3 = new TraceRecorder(() -> 3);
        Irql.raise(Irql.DISPATCH_LEVEL);

        TraceEvent e = onCpu3.ddi(DRIVER, DEVICE, "NdisMIndicateReceiveNetBufferLists",
                TraceEvent.argMap("numberOfNetBufferLists", 1, "receiveFlags", "NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL"));

        assertThat(e.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(e.processor()).isEqualTo(3);
        assertThat(e.driver()).isEqualTo(DRIVER);
        assertThat(e.device()).isEqualTo(DEVICE);
        assertThat(e.name()).isEqualTo("NdisMIndicateReceiveNetBufferLists");
        assertThat(e.args()).containsExactly(entry("numberOfNetBufferLists", 1),
                entry("receiveFlags", "NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL"));
    }

    @Test
    public void aCallbackIsNotCompletedUntilItHasReturned() {
        TraceEvent e = trace.callback(DRIVER, DEVICE, "MiniportPause", Map.of());
        assertThat(e.completed()).isFalse();
        assertThat(e.returnValue()).isNull();

        trace.returned(e, "NDIS_STATUS_SUCCESS");

        assertThat(e.completed()).isTrue();
        assertThat(e.returnValue()).isEqualTo("NDIS_STATUS_SUCCESS");
        assertThat(e.endNanos()).isGreaterThanOrEqualTo(e.timeNanos());
    }

    @Test
    public void aVoidCallbackReturnsVoid() {
        TraceEvent e = trace.callback(DRIVER, DEVICE, "MiniportHaltEx", Map.of());

        trace.returned(e, null);

        assertThat(e.returnValue()).isEqualTo("VOID");
    }

    @Test
    public void aCallbackCannotReturnTwice() {
        TraceEvent e = trace.callback(DRIVER, DEVICE, "MiniportHaltEx", Map.of());
        trace.returned(e, null);

        assertThatThrownBy(() -> trace.returned(e, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void eventsWithAFilterAreTheMatchingOnesInSequenceOrder() {
        TraceEvent a = trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());
        trace.ddi(DRIVER, DEVICE, "NdisMRestartComplete", Map.of());
        TraceEvent c = trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());

        assertThat(trace.events(named("NdisMPauseComplete"))).containsExactly(a, c);
        assertThat(trace.events(named("Nothing"))).isEmpty();
    }

    @Test
    public void clearForgetsEveryEventAndSequenceNumbersKeepCounting() {
        trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());
        TraceEvent last = trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());

        trace.clear();

        assertThat(trace.events()).isEmpty();
        TraceEvent next = trace.ddi(DRIVER, DEVICE, "NdisMRestartComplete", Map.of());
        assertThat(next.seq()).isEqualTo(last.seq() + 1);
        assertThat(trace.events()).containsExactly(next);
    }

    @Test
    public void awaitFindsAPastEventWithoutWaiting() throws Exception {
        TraceEvent first = trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());
        trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());

        assertThat(trace.await(named("NdisMPauseComplete"), Duration.ZERO)).isSameAs(first);
    }

    @Test
    public void awaitWaitsForAnEventRecordedLaterOnAnotherThread() throws Exception {
        trace.ddi(DRIVER, DEVICE, "Earlier", Map.of());
        CountDownLatch awaiting = new CountDownLatch(1);
        CompletableFuture<TraceEvent> recorded = new CompletableFuture<>();
        Thread recorder = new Thread(() -> {
            try {
                if (awaiting.await(5, TimeUnit.SECONDS)) {
                    recorded.complete(trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of()));
                }
            } catch (InterruptedException e) {
                recorded.completeExceptionally(e);
            }
        }, "trace-recorder-test");
        recorder.start();

        // The filter sees the earlier event first, so the wanted one is recorded after await has looked.
        TraceEvent found = trace.await(e -> {
            awaiting.countDown();
            return e.name().equals("NdisMPauseComplete");
        }, Duration.ofSeconds(5));

        assertThat(found).isSameAs(recorded.get(5, TimeUnit.SECONDS));
    }

    @Test
    public void awaitDoesNotMatchACallbackUntilItHasReturned() throws Exception {
        TraceEvent running = trace.callback(DRIVER, DEVICE, "MiniportPause", Map.of());
        assertThatThrownBy(() -> trace.await(named("MiniportPause"), Duration.ofMillis(20)))
                .isInstanceOf(TimeoutException.class);

        trace.ddi(DRIVER, DEVICE, "Earlier", Map.of());
        CountDownLatch awaiting = new CountDownLatch(1);
        Thread driver = new Thread(() -> {
            try {
                if (awaiting.await(5, TimeUnit.SECONDS)) {
                    trace.returned(running, "NDIS_STATUS_SUCCESS");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trace-returned-test");
        driver.start();

        TraceEvent found = trace.await(e -> {
            awaiting.countDown();
            return e.name().equals("MiniportPause");
        }, Duration.ofSeconds(5));

        assertThat(found).isSameAs(running);
        assertThat(found.returnValue()).isEqualTo("NDIS_STATUS_SUCCESS");
    }

    @Test
    public void awaitWithoutAMatchTimesOutWithTimeoutException() {
        trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());

        assertThatThrownBy(() -> trace.await(named("MiniportHaltEx"), Duration.ofMillis(50)))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("no matching trace event within 50 ms");
    }

    @Test
    public void aSubscriberSeesEveryEventRecordedUntilItCloses() throws Exception {
        trace.ddi(DRIVER, DEVICE, "Before", Map.of());
        List<String> seen = new ArrayList<>();
        AutoCloseable subscription = trace.subscribe(e -> seen.add(e.name()));

        trace.ddi(DRIVER, DEVICE, "During", Map.of());
        subscription.close();
        trace.ddi(DRIVER, DEVICE, "After", Map.of());

        assertThat(seen).containsExactly("During");
    }

    @Test
    public void aFailingSubscriberDoesNotStopRecording() {
        trace.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(TraceRecorder.class.getName());
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        try {
            TraceEvent e = trace.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());
            assertThat(trace.events()).containsExactly(e);
        } finally {
            log.setLevel(level);
        }
    }

    @Test
    public void theTraceEventFormatExportHasACompleteEventPerCallbackAndAnInstantPerOtherEvent() throws Exception {
        TraceEvent callback = trace.callback(DRIVER, DEVICE, "MiniportInitializeEx",
                TraceEvent.argMap("ifIndex", 7, "surpriseRemoveOk", true, "interfaceType", "NdisInterfaceInternal"));
        TraceEvent ddi = trace.ddi(DRIVER, DEVICE, "NdisMSetMiniportAttributes",
                TraceEvent.argMap("attributeType", "Registration"));
        trace.returned(callback, "NDIS_STATUS_SUCCESS");
        Irql.raise(Irql.DISPATCH_LEVEL);
        TraceEvent pnp = trace.event(TraceEvent.Kind.PNP, null, DEVICE, "DeviceStarted", Map.of());
        Path file = tmp.getRoot().toPath().resolve("trace.json");

        int written = trace.exportTraceEventFormat(file);

        assertThat(written).isEqualTo(3);
        Map<String, Object> root = readJsonObject(file);
        assertThat(root).containsKey("traceEvents");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) root.get("traceEvents");
        List<Map<String, Object>> events = all.stream().filter(e -> !"M".equals(e.get("ph"))).toList();
        assertThat(events).hasSize(3);

        Map<String, Object> x = events.get(0);
        assertThat(x).containsEntry("name", "MiniportInitializeEx").containsEntry("ph", "X")
                .containsEntry("cat", "callback").containsEntry("pid", 1L).containsEntry("tid", 0L)
                .containsEntry("ts", callback.timeNanos() / 1000.0)
                .containsEntry("dur", (callback.endNanos() - callback.timeNanos()) / 1000.0);
        assertThat(args(x)).containsExactly(entry("seq", callback.seq()), entry("driver", DRIVER),
                entry("device", DEVICE), entry("irql", "PASSIVE_LEVEL"), entry("ifIndex", 7L),
                entry("surpriseRemoveOk", true), entry("interfaceType", "NdisInterfaceInternal"),
                entry("returnValue", "NDIS_STATUS_SUCCESS"));

        Map<String, Object> i = events.get(1);
        assertThat(i).containsEntry("name", "NdisMSetMiniportAttributes").containsEntry("ph", "i")
                .containsEntry("cat", "ddi").containsEntry("s", "t")
                .containsEntry("ts", ddi.timeNanos() / 1000.0).doesNotContainKey("dur");
        assertThat(args(i)).containsExactly(entry("seq", ddi.seq()), entry("driver", DRIVER), entry("device", DEVICE),
                entry("irql", "PASSIVE_LEVEL"), entry("attributeType", "Registration"));

        Map<String, Object> p = events.get(2);
        assertThat(p).containsEntry("name", "DeviceStarted").containsEntry("ph", "i").containsEntry("cat", "pnp");
        assertThat(args(p)).containsExactly(entry("seq", pnp.seq()), entry("driver", ""), entry("device", DEVICE),
                entry("irql", "DISPATCH_LEVEL"));
    }

    @Test
    public void theExportNamesTheProcessAndEveryProcessorThatRecorded() throws Exception {
        TraceRecorder onCpu1 = new TraceRecorder(() -> 1);
        onCpu1.ddi(DRIVER, DEVICE, "NdisMPauseComplete", Map.of());
        Path file = tmp.newFile("trace.json").toPath();

        onCpu1.exportTraceEventFormat(file);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) readJsonObject(file).get("traceEvents");
        List<Map<String, Object>> meta = all.stream().filter(e -> "M".equals(e.get("ph"))).toList();
        assertThat(meta).hasSize(2);
        assertThat(meta.get(0)).containsEntry("name", "process_name");
        assertThat(args(meta.get(0))).containsExactly(entry("name", "drvsim"));
        assertThat(meta.get(1)).containsEntry("name", "thread_name").containsEntry("tid", 1L);
        assertThat(args(meta.get(1))).containsExactly(entry("name", "processor 1"));
    }

    @Test
    public void aCallbackStillRunningIsExportedWithZeroDuration() throws Exception {
        trace.callback(DRIVER, DEVICE, "MiniportPause", Map.of());
        Path file = tmp.newFile("trace.json").toPath();

        trace.exportTraceEventFormat(file);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) readJsonObject(file).get("traceEvents");
        Map<String, Object> x = all.stream().filter(e -> "X".equals(e.get("ph"))).findFirst().orElseThrow();
        assertThat(x).containsEntry("dur", 0.0);
        assertThat(args(x)).doesNotContainKey("returnValue");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(Map<String, Object> event) {
        return (Map<String, Object>) event.get("args");
    }

    /** Reads a JSON document whose root is an object: objects as ordered maps, integers as Long. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJsonObject(Path file) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            Object root = readValue(p, p.nextToken());
            assertThat(p.nextToken()).as("nothing after the root object").isNull();
            assertThat(root).isInstanceOf(Map.class);
            return (Map<String, Object>) root;
        }
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    Object previous = m.put(name, readValue(p, p.nextToken()));
                    assertThat(previous).as("duplicate key " + name).isNull();
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    l.add(readValue(p, v));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    @Test
    public void anExportIntoAMissingFolderIsRefusedAndWritesNothing() throws Exception {
        trace.event(TraceEvent.Kind.PNP, null, DEVICE, "IRP_MN_START_DEVICE", Map.of());
        Path file = tmp.getRoot().toPath().resolve("not/yet/there/trace.json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trace.exportTraceEventFormat(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        assertThat(file.getParent()).doesNotExist();
    }

    @Test
    public void anExportReplacesTheTargetOnlyWhenComplete() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("trace.json");
        java.nio.file.Files.writeString(file, "old");
        trace.event(TraceEvent.Kind.PNP, null, DEVICE, "IRP_MN_START_DEVICE", Map.of());
        trace.exportTraceEventFormat(file);
        assertThat(readJsonObject(file)).containsKey("traceEvents");
        try (var files = java.nio.file.Files.list(tmp.getRoot().toPath())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("trace.json");
        }
    }
}
