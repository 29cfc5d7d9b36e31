package org.drvsim.kernel.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.nt.Irql;
import org.drvsim.kernel.Scheduler;
import org.drvsim.kernel.Trace;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.drvsim.kernel.TraceEvent;

/**
 * The in-memory {@link Trace}. Recording takes one short lock; waiters are woken on every record and
 * every callback completion. Memory is bounded: past {@link #CAPACITY} events the oldest are dropped.
 */
@Component(service = Trace.class)
public final class TraceRecorder implements Trace {
    private static final Logger LOG = Logger.getLogger(TraceRecorder.class.getName());
    /** The most events kept; the oldest go first. */
    static final int CAPACITY = 1_000_000;

    private final long origin = System.nanoTime();
    private final AtomicLong seq = new AtomicLong();
    private final Object lock = new Object();
    private final ArrayList<TraceEvent> events = new ArrayList<>();
    private final List<Consumer<TraceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final IntSupplier processor;
    private volatile boolean ioTracing = true;

    /**
     * Framework or system property: a file the trace is exported to (Trace Event Format) when the kernel
     * stops, after every driver has been removed and unloaded; so that a scripted run's shutdown shows.
     */
    public static final String EXPORT_ON_STOP_PROPERTY = "drvsim.trace.export";
    private String exportOnStop;
    /** Framework or system property: {@code false} records no per-request events (see {@link Trace#ioTracing()}). */
    public static final String IO_TRACING_PROPERTY = "drvsim.trace.io";

    @Activate
    public TraceRecorder(@Reference Scheduler scheduler, BundleContext context) {
        this(scheduler::currentProcessor);
        exportOnStop = context.getProperty(EXPORT_ON_STOP_PROPERTY);
        ioTracing = !"false".equalsIgnoreCase(context.getProperty(IO_TRACING_PROPERTY));
    }

    @Deactivate
    void deactivate() {
        if (exportOnStop != null && !exportOnStop.isBlank()) {
            try {
                int n = exportTraceEventFormat(Path.of(exportOnStop));
                LOG.info("drvsim: wrote " + n + " trace events to " + exportOnStop);
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "drvsim: cannot export the trace to " + exportOnStop, e);
            }
        }
    }

    public TraceRecorder(IntSupplier processor) {
        this.processor = processor;
    }

    private TraceEvent record(TraceEvent.Kind kind, String driver, String device, String name, Map<String, ?> args) {
        TraceEvent e;
        synchronized (lock) {
            e = new TraceEvent(seq.incrementAndGet(), System.nanoTime() - origin, processor.getAsInt(),
                    Irql.current(), driver, device, name, kind, args);
            if (events.size() >= CAPACITY) {
                events.subList(0, CAPACITY / 10).clear();
            }
            events.add(e);
            lock.notifyAll();
        }
        for (Consumer<TraceEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "trace listener failed", ex);
            }
        }
        return e;
    }

    @Override
    public TraceEvent callback(String driver, String device, String name, Map<String, ?> args) {
        return record(TraceEvent.Kind.CALLBACK, driver, device, name, args);
    }

    @Override
    public void returned(TraceEvent callback, Object returnValue) {
        synchronized (lock) {
            callback.complete(returnValue, System.nanoTime() - origin);
            lock.notifyAll();
        }
    }

    @Override
    public TraceEvent ddi(String driver, String device, String name, Map<String, ?> args) {
        return record(TraceEvent.Kind.DDI, driver, device, name, args);
    }

    @Override
    public TraceEvent event(TraceEvent.Kind kind, String driver, String device, String name, Map<String, ?> args) {
        return record(kind, driver, device, name, args);
    }

    @Override
    public boolean ioTracing() {
        return ioTracing;
    }

    @Override
    public void setIoTracing(boolean on) {
        ioTracing = on;
    }

    @Override
    public List<TraceEvent> events() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    @Override
    public List<TraceEvent> events(Predicate<TraceEvent> filter) {
        return events().stream().filter(filter).toList();
    }

    @Override
    public void clear() {
        synchronized (lock) {
            events.clear();
        }
    }

    @Override
    public TraceEvent await(Predicate<TraceEvent> filter, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (TraceEvent e : events) {
                    if (e.completed() && filter.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no matching trace event within " + timeout.toMillis() + " ms");
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<TraceEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public int exportTraceEventFormat(Path file) throws IOException {
        return TraceEventFormat.write(events(), file);
    }
}
