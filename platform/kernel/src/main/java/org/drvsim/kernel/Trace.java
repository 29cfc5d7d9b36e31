package org.drvsim.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The shared source of truth: every call across the port/driver boundary, recorded in order with
 * its IRQL, processor, driver and device (DESIGN.md, "Trace"). Port drivers record; tests, the shell
 * and the exporter read. Thread-safe; recording may happen at any IRQL and never blocks on a reader.
 */
@ProviderType
public interface Trace {
    /**
     * Records that a port is calling a driver routine; {@link TraceEvent#complete} it when the routine
     * returns. The IRQL and processor are the calling thread's.
     *
     * @param driver the driver, as {@link DriverObject#name()}
     * @param device the device instance ID, or null for a driver-wide routine
     * @param name   the exact WDK name, for example {@code MiniportInitializeEx}
     * @param args   arguments keyed by the WDK parameter name in lowerCamelCase
     */
    TraceEvent callback(String driver, String device, String name, Map<String, ?> args);

    /** Completes a callback event with its return value (null for VOID). */
    void returned(TraceEvent callback, Object returnValue);

    /** Records a DDI call by a driver, for example {@code NdisMDeregisterMiniportDriver}. */
    TraceEvent ddi(String driver, String device, String name, Map<String, ?> args);

    /** Records a PnP-manager or loader event of the given kind. */
    TraceEvent event(TraceEvent.Kind kind, String driver, String device, String name, Map<String, ?> args);

    /**
     * @return whether per-request events (each SRB, NBL send, receive indication and their completions) are
     *         recorded; lifecycle, PnP, OID and verifier events always are. On by default; the framework
     *         property {@code drvsim.trace.io=false} or {@link #setIoTracing} turns it off for throughput.
     */
    boolean ioTracing();

    /** Turns the recording of per-request events on or off (see {@link #ioTracing()}). */
    void setIoTracing(boolean on);

    /** @return every event recorded since the last {@link #clear()}, in sequence order */
    List<TraceEvent> events();

    /** @return the events matching {@code filter}, in sequence order */
    List<TraceEvent> events(Predicate<TraceEvent> filter);

    /** Forgets every event; sequence numbers keep counting. */
    void clear();

    /**
     * Waits until an event matching {@code filter} has been recorded (and, for a callback, has
     * returned), looking at past events first.
     *
     * @return the first matching event
     * @throws TimeoutException     if none matched within {@code timeout}
     * @throws InterruptedException if the waiting thread was interrupted
     */
    TraceEvent await(Predicate<TraceEvent> filter, Duration timeout) throws TimeoutException, InterruptedException;

    /**
     * Calls {@code listener} for every event recorded from now on, on the recording thread.
     *
     * @return a handle whose {@code close} stops the calls
     */
    AutoCloseable subscribe(Consumer<TraceEvent> listener);

    /**
     * Writes the events in the Trace Event Format (a JSON object with {@code traceEvents}) that
     * Perfetto and chrome://tracing open: callbacks as complete events ({@code ph: X}), other events
     * as instants; {@code name} is the WDK name, {@code ts}/{@code dur} are microseconds, {@code tid}
     * is the processor, and {@code args} holds {@code seq}, {@code driver}, {@code device}, {@code
     * irql} and the call's own arguments.
     *
     * @return the number of events written
     * @throws IOException if the file cannot be written
     */
    int exportTraceEventFormat(Path file) throws IOException;
}
