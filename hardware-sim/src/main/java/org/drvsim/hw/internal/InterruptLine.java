package org.drvsim.hw.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.InterruptSink;

/**
 * A level-triggered interrupt line and the sinks connected to it. The device drives the level; a
 * rising edge calls every sink once on the device thread. The line state is guarded by this object,
 * never held while a sink runs, so a sink may read the device's registers.
 */
final class InterruptLine {
    private static final Logger LOG = Logger.getLogger(InterruptLine.class.getName());

    private final String device;
    private final int vector;
    private final Executor deviceThread;
    private final BooleanSupplier dropInterrupts;
    private final IntSupplier storm;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private boolean asserted; // guarded by this
    private boolean dead; // guarded by this

    /**
     * @param deviceThread   where sinks run
     * @param dropInterrupts the fault check, made first when the line rises
     * @param storm          the interrupt-storm check, made at each delivery of a rising edge: how many spurious
     *                       calls follow the real one (0 when the fault does not fire)
     */
    InterruptLine(String device, int vector, Executor deviceThread, BooleanSupplier dropInterrupts,
                  IntSupplier storm) {
        this.device = device;
        this.vector = vector;
        this.deviceThread = deviceThread;
        this.dropInterrupts = dropInterrupts;
        this.storm = storm;
    }

    int vector() {
        return vector;
    }

    /**
     * Drives the line.
     *
     * @return whether this was a rising edge whose delivery is the caller's to make: on the device
     *         thread, call {@link #deliver()} once the device lock is released; elsewhere, call
     *         {@link #deliverLater()}. A dropped edge (dropInterrupts armed) returns false.
     */
    synchronized boolean level(boolean level) {
        if (dead || level == asserted) {
            return false;
        }
        asserted = level;
        return level && !dropInterrupts.getAsBoolean();
    }

    synchronized boolean asserted() {
        return asserted;
    }

    /** Calls every connected sink if the line is still asserted; on the device thread only. */
    void deliver() {
        int spurious = storm.getAsInt();
        for (Connection c : connections) {
            deliverTo(c);
        }
        for (int i = 0; i < spurious; i++) {
            for (Connection c : connections) {
                stormTo(c);
            }
        }
    }

    /**
     * One round of spurious calls, whatever the level: every connected sink is called once if the line is alive (a
     * device that screams). On the device thread only.
     */
    void spurious() {
        for (Connection c : connections) {
            stormTo(c);
        }
    }

    /** A spurious call: the line need not be asserted, only alive and the sink still connected. */
    private void stormTo(Connection c) {
        synchronized (this) {
            if (dead || !connections.contains(c)) {
                return;
            }
        }
        call(c);
    }

    /** Queues {@link #deliver()} to the device thread. */
    void deliverLater() {
        execute(this::deliver);
    }

    AutoCloseable connect(InterruptSink sink) {
        Connection c = new Connection(Objects.requireNonNull(sink, "sink"));
        connections.add(c);
        boolean high;
        synchronized (this) {
            // An unmasked level-triggered line that is already high fires at once.
            high = asserted && !dead && !dropInterrupts.getAsBoolean();
        }
        if (high) {
            execute(() -> deliverTo(c));
        }
        return c;
    }

    /** The device left the bus: nothing is raised any more. */
    synchronized void kill() {
        dead = true;
        asserted = false;
    }

    private void deliverTo(Connection c) {
        synchronized (this) {
            if (!asserted || dead || !connections.contains(c)) {
                return;
            }
        }
        call(c);
    }

    private void call(Connection c) {
        try {
            c.sink.interrupt(vector);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "drvsim: an interrupt sink of " + device + " failed on vector " + vector, e);
        }
    }

    /** One connection; identity matters, so the same sink connected twice is closed one at a time. */
    private final class Connection implements AutoCloseable {
        final InterruptSink sink;

        Connection(InterruptSink sink) {
            this.sink = sink;
        }

        @Override
        public void close() {
            connections.remove(this);
        }
    }

    /**
     * Runs a delivery on the device thread; once that thread has stopped (an orderly unplug: the device is still
     * powered until its driver let go of it, and a line killed by a surprise removal delivers nothing anyway), on the
     * caller's thread, which holds no device lock here: an interrupt the driver's own register write raised (a command
     * the unplugged device refuses with an error status) still reaches the driver.
     */
    private void execute(Runnable r) {
        try {
            deviceThread.execute(r);
        } catch (RejectedExecutionException stopped) {
            r.run();
        }
    }
}
