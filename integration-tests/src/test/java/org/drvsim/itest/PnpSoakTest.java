package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.SystemPowerState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * A seeded randomised soak of the PnP, power and bundle transitions of the three models, with I/O running on other
 * threads meanwhile: hot plug, orderly unplug and surprise removal of the default machine's devices, disable and
 * enable, resource rebalance, S3 sleep and wake, and stop, start and update of the sample driver bundles, while
 * NDIS sends, Storport write/read round trips and KMDF write/read round trips run against netvmini, ramdisk and echo.
 * I/O to a device that is gone, stopped or asleep may fail or wait, but it must end with a status or an exception,
 * exactly once, and never hang. Once everything is back (awake, enabled, plugged, every driver started), no request
 * is pending, every driver unloaded as often as it loaded (but for the ones still loaded), no device node is left in
 * a transitional state, the verifier saw nothing, and each sample driver still completes a round trip.
 *
 * <p>The seed comes from {@code -Ddrvsim.soak.seed=N} ({@code random} for a new one each run; else {@link
 * #DEFAULT_SEED}) and is in every assertion message; the same seed replays the same operations (the I/O interleaving
 * varies). Seeds 1 to 9 and a dozen random ones passed when this was written; the soak found the bugs named in the
 * history of PnpManagerImpl, NdisPort, PciEchoDma, InterruptLine, EchoIo, NetvminiHub and StorAdapter.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PnpSoakTest extends DrvsimTestSupport {
    static final String SEED_PROPERTY = "drvsim.soak.seed";
    /**
     * The seed of {@code mvn verify}, so that the build is repeatable (the I/O interleaving still varies from run to
     * run); {@code -Ddrvsim.soak.seed=random} explores new ones.
     */
    static final long DEFAULT_SEED = 20261205L;
    static final int MAX_OPERATIONS = 150;
    static final Duration MAX_TIME = Duration.ofSeconds(60);
    /** How long a request may be outstanding while the system has been awake before the soak calls it hung. */
    static final Duration HUNG = Duration.ofSeconds(20);
    /** Round trips each I/O thread may run per operation, so that the I/O (and its trace) stays bounded. */
    static final int IO_PER_OPERATION = 6;
    /** How long an operation waits for each I/O thread to complete a request after the one before. */
    static final Duration IO_PACE = Duration.ofMillis(200);

    static final Map<String, String> HARDWARE_IDS = new LinkedHashMap<>();
    static {
        HARDWARE_IDS.put(A0, "ROOT\\NETVMINI");
        HARDWARE_IDS.put(A1, "ROOT\\NETVMINI");
        HARDWARE_IDS.put(RD0, "ROOT\\RAMDISK");
        HARDWARE_IDS.put(ECHO0, "PCI\\VEN_1414&DEV_EC40");
    }
    static final List<String> DRIVERS = List.of(NETVMINI, RAMDISK, ECHO);
    static final Set<DeviceNodeState> TRANSITIONAL = Set.of(DeviceNodeState.DeviceNodeStartPending,
            DeviceNodeState.DeviceNodeRemovePending, DeviceNodeState.DeviceNodeAwaitingQueuedRemoval,
            DeviceNodeState.DeviceNodeStopped);

    @Override
    protected Option[] moreOptions() {
        String seed = System.getProperty(SEED_PROPERTY);
        return seed == null ? new Option[0] : new Option[] {systemProperty(SEED_PROPERTY).value(seed)};
    }

    private long seed;
    /** Every operation so far, for the failure messages. */
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    /** Odd while an operation runs; a round trip that saw one value throughout ran with nothing changing under it. */
    private final AtomicLong epoch = new AtomicLong();
    /** The number of the operation running (or last run). */
    private final AtomicInteger operation = new AtomicInteger();
    private volatile boolean asleep;
    private volatile long awakeSinceNanos = System.nanoTime();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Completions per request the I/O threads issued. */
    private final Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    /** Problems the I/O threads saw (corrupt data, lost NBLs), reported at the end. */
    private final List<String> ioProblems = Collections.synchronizedList(new ArrayList<>());
    /** What one I/O thread has outstanding now. */
    private record InFlight(String request, long sinceNanos) {
    }

    private final class IoThread implements Runnable {
        final String name;
        final Random random;
        final Semaphore permits = new Semaphore(0);
        final AtomicReference<InFlight> inFlight = new AtomicReference<>();
        final AtomicInteger next = new AtomicInteger();
        /** One permit per completed request, so that the operations wait for the I/O to keep up. */
        final Semaphore progress = new Semaphore(0);

        IoThread(String name, long seed) {
            this.name = name;
            this.random = new Random(seed);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    if (permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        roundTrip();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                ioProblems.add(name + " died: " + t);
            }
        }

        void roundTrip() throws InterruptedException {
            switch (name) {
                case "ndis" -> ndisSend();
                case "storport" -> storportRoundTrip();
                default -> echoRoundTrip();
            }
        }

        /** Issues one request: counts its completion (a result or an exception) exactly where it returns. */
        <T> T issue(String what, IoCall<T> call) throws InterruptedException {
            String id = name + "#" + next.incrementAndGet() + " " + what + " (issued during operation "
                    + operation.get() + ")";
            completions.put(id, new AtomicInteger());
            long since = System.nanoTime();
            inFlight.set(new InFlight(id, since));
            try {
                T result = call.run();
                outcomes.computeIfAbsent(name + " ok", k -> new AtomicInteger()).incrementAndGet();
                return result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String kind = name + " " + e.getClass().getSimpleName();
                outcomes.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                if (String.valueOf(e.getMessage()).contains("within")) {
                    ioProblems.add(id + " timed out in the harness: " + e);
                }
                return null;
            } finally {
                completions.get(id).incrementAndGet();
                inFlight.set(null);
                progress.release();
                long millis = (System.nanoTime() - since) / 1_000_000;
                if (millis > 5_000) {
                    log.add("   (" + id + " took " + millis + " ms, until operation " + operation.get() + ")");
                }
            }
        }

        void ndisSend() throws InterruptedException {
            String adapter = random.nextBoolean() ? A0 : A1;
            int n = 1 + random.nextInt(4);
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] frame = new byte[60 + random.nextInt(100)];
                Arrays.fill(frame, 0, 6, (byte) 0xFF);
                frames.add(frame);
            }
            ProtocolHarness.SendResult r = issue("send " + n + " to " + adapter, () -> ndis.send(adapter, frames));
            if (r != null) {
                int back = r.completionStatuses().values().stream().mapToInt(Integer::intValue).sum();
                if (r.framesSent() != n || back != n) {
                    ioProblems.add("ndis send of " + n + " frames to " + adapter + ": framesSent " + r.framesSent()
                            + ", NBLs back " + r.completionStatuses());
                }
            }
        }

        void storportRoundTrip() throws InterruptedException {
            long lba = random.nextInt(64);
            byte[] data = new byte[512 * (1 + random.nextInt(4))];
            random.nextBytes(data);
            long before = epoch.get();
            Boolean written = issue("write lba " + lba, () -> {
                storport.write(RD0, "0:0:0", lba, data);
                return true;
            });
            if (written == null) {
                return;
            }
            byte[] read = issue("read lba " + lba, () -> storport.read(RD0, "0:0:0", lba, data.length / 512));
            if (read != null && before % 2 == 0 && epoch.get() == before && !Arrays.equals(read, data)) {
                ioProblems.add("ramdisk read of lba " + lba + " returned other data than was written with nothing"
                        + " changing in between (epoch " + before + ")");
            }
        }

        void echoRoundTrip() throws InterruptedException {
            long before = epoch.get();
            IoManagerHarness.DeviceFile f = issue("open", () -> wdf.open(ECHO0));
            if (f == null) {
                return;
            }
            try {
                // drain what an interrupted round trip left in the device's buffer
                boolean clean = false;
                for (int i = 0; i < 4 && !clean; i++) {
                    IoManagerHarness.IoResult r = issue("drain read", () -> f.read(64 * 1024));
                    if (r == null || r.status() != NtStatus.STATUS_SUCCESS) {
                        return;
                    }
                    clean = r.information() == 0;
                }
                byte[] data = ("soak " + next.get() + " ").repeat(1 + random.nextInt(40)).getBytes(StandardCharsets.US_ASCII);
                IoManagerHarness.IoResult w = issue("write " + data.length, () -> f.write(data));
                if (w == null || w.status() != NtStatus.STATUS_SUCCESS) {
                    return;
                }
                IoManagerHarness.IoResult r = issue("read " + data.length, () -> f.read(data.length));
                if (clean && r != null && r.status() == NtStatus.STATUS_SUCCESS && before % 2 == 0
                        && epoch.get() == before && !Arrays.equals(r.data(), data)) {
                    ioProblems.add("echo read returned " + r.information() + " other bytes than the " + data.length
                            + " written with nothing changing in between (epoch " + before + ")");
                }
            } finally {
                f.close();
            }
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws Exception;
    }

    /** @return the seed and the operations so far, for an assertion message */
    private String context() {
        List<String> ops;
        synchronized (log) {
            ops = new ArrayList<>(log);
        }
        return "soak seed " + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + "); operations:\n  "
                + String.join("\n  ", ops);
    }

    @Test
    public void randomTransitionsWithConcurrentIoLeaveEveryRequestCompletedOnceAndEveryDriverBalanced()
            throws Exception {
        String property = System.getProperty(SEED_PROPERTY);
        seed = property == null || property.isBlank() ? DEFAULT_SEED
                : property.strip().equals("random") ? new Random().nextLong() : Long.parseLong(property.strip());
        System.out.println("PnpSoakTest: seed " + seed);
        awaitCallback("HwStorInitialize", RD0);
        storport.awaitBusScan();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());

        List<TraceEvent> all = trace.events();
        long startSeq = all.isEmpty() ? -1 : all.get(all.size() - 1).seq();
        Set<String> loadedAtStart = loadedDrivers();

        Random random = new Random(seed);
        List<IoThread> io = List.of(new IoThread("ndis", seed + 1), new IoThread("storport", seed + 2),
                new IoThread("echo", seed + 3));
        ExecutorService pool = Executors.newFixedThreadPool(io.size());
        io.forEach(pool::execute);

        Set<String> absent = new TreeSet<>();
        Set<String> disabled = new TreeSet<>();
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        long began = System.nanoTime();
        int operations = 0;
        try {
            while (operations < MAX_OPERATIONS && System.nanoTime() < deadline) {
                io.forEach(t -> t.permits.release(IO_PER_OPERATION));
                String op = choose(random, absent, disabled);
                operations++;
                operation.set(operations);
                log.add(operations + ": " + op);
                epoch.incrementAndGet();
                try {
                    String outcome = run(op, absent, disabled);
                    if (outcome != null) {
                        log.add("   -> " + outcome);
                    }
                } catch (Exception e) {
                    throw new AssertionError("operation " + operations + " (" + op + ") failed: " + e + "\n"
                            + context(), e);
                } finally {
                    epoch.incrementAndGet();
                }
                checkNothingHung(io);
                awaitIo(io);
            }
            if (asleep) {
                log.add("end: wake");
                pnp.wake();
                asleep = false;
                awakeSinceNanos = System.nanoTime();
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        long soakMillis = (System.nanoTime() - began) / 1_000_000;
        boolean done = pool.awaitTermination(HUNG.toSeconds() + 15, TimeUnit.SECONDS);
        if (!done) {
            List<String> stuck = io.stream().map(t -> t.inFlight.get()).filter(f -> f != null)
                    .map(InFlight::request).toList();
            pool.shutdownNow();
            throw new AssertionError("I/O still outstanding " + (HUNG.toSeconds() + 15) + " s after the soak: " + stuck
                    + "\n" + context());
        }

        // bring everything back
        for (String driver : DRIVERS) {
            if (bundle(driver).getState() != Bundle.ACTIVE) {
                bundle(driver).start();
            }
        }
        for (String device : HARDWARE_IDS.keySet()) {
            if (absent.remove(device)) {
                hardware.plug(hardware.kind(HARDWARE_IDS.get(device)).orElseThrow().spec(device, "plugged after the soak"));
            }
        }
        pnp.drain();
        for (String device : new ArrayList<>(disabled)) {
            pnp.enable(device);
            disabled.remove(device);
        }
        pnp.drain();
        storport.awaitBusScan();
        System.out.println("PnpSoakTest: seed " + seed + ", " + operations + " operations in " + soakMillis
                + " ms; I/O outcomes " + new TreeSet<>(outcomes.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));

        String context = context();
        assertThat(ioProblems).as("problems the I/O threads saw; " + context).isEmpty();
        Map<String, Integer> notOnce = new LinkedHashMap<>();
        completions.forEach((id, n) -> {
            if (n.get() != 1) {
                notOnce.put(id, n.get());
            }
        });
        assertThat(notOnce).as("requests not completed exactly once; " + context).isEmpty();

        for (DeviceNode n : pnp.deviceTree()) {
            assertThat(n.state()).as(n.instanceId() + " after the soak; " + context).isNotIn(TRANSITIONAL);
        }
        for (String device : HARDWARE_IDS.keySet()) {
            DeviceNode n = pnp.node(device).orElseThrow();
            assertThat(n.state()).as(device + " after the soak (problem " + n.problem() + "); " + context)
                    .isEqualTo(DeviceNodeState.DeviceNodeStarted);
        }

        List<TraceEvent> soaked = trace.events(e -> e.seq() > startSeq && e.kind() == TraceEvent.Kind.PNP
                && (e.name().equals("ZwLoadDriver") || e.name().equals("ZwUnloadDriver")));
        Set<String> loadedAtEnd = loadedDrivers();
        for (String driver : DRIVERS) {
            long loads = soaked.stream().filter(e -> e.name().equals("ZwLoadDriver") && ofDriver(e, driver)).count();
            long unloads = soaked.stream().filter(e -> e.name().equals("ZwUnloadDriver") && ofDriver(e, driver)).count();
            long expected = (loadedAtEnd.contains(driver) ? 1 : 0) - (loadedAtStart.contains(driver) ? 1 : 0);
            assertThat(loads - unloads).as(driver + " loaded " + loads + " and unloaded " + unloads
                    + " times during the soak; " + context).isEqualTo(expected);
        }
        assertThat(verifier.violations()).as("verifier violations; " + context).isEmpty();

        // every sample driver still does its job
        byte[] frame = new byte[60];
        Arrays.fill(frame, 0, 6, (byte) 0xFF);
        for (String adapter : List.of(A0, A1)) {
            assertThat(ndis.send(adapter, List.of(frame)).completionStatuses()).as(adapter + "; " + context)
                    .containsOnlyKeys(org.drvsim.ndis.NdisStatus.NDIS_STATUS_SUCCESS);
        }
        byte[] block = new byte[512];
        new Random(seed).nextBytes(block);
        storport.write(RD0, "0:0:0", 7, block);
        assertThat(storport.read(RD0, "0:0:0", 7, 1)).as("ramdisk round trip; " + context).isEqualTo(block);
        try (IoManagerHarness.DeviceFile f = wdf.open(ECHO0)) {
            IoManagerHarness.IoResult drained;
            int reads = 0;
            do {
                drained = f.read(64 * 1024);
                assertThat(drained.status()).as("echo drain; " + context).isEqualTo(NtStatus.STATUS_SUCCESS);
            } while (drained.information() > 0 && ++reads < 8);
            byte[] data = ("after soak " + seed).getBytes(StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).as("echo write; " + context).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(f.read(data.length).data()).as("echo read; " + context).isEqualTo(data);
        }
    }

    private static boolean ofDriver(TraceEvent e, String bsn) {
        return e.driver().startsWith(bsn + "/");
    }

    private Set<String> loadedDrivers() {
        Set<String> loaded = new TreeSet<>();
        pnp.drivers().forEach(d -> DRIVERS.stream().filter(b -> d.name().startsWith(b + "/")).forEach(loaded::add));
        return loaded;
    }

    /**
     * Lets the I/O keep up with the operations: waits (at most {@link #IO_PACE} each) until every I/O thread has
     * completed a request since the last wait, or stays blocked in one.
     */
    private void awaitIo(List<IoThread> io) throws InterruptedException {
        for (IoThread t : io) {
            t.progress.tryAcquire(IO_PACE.toMillis(), TimeUnit.MILLISECONDS);
            t.progress.drainPermits();
        }
    }

    /** Fails (with the seed) if a request has been outstanding for {@link #HUNG} while the system was awake. */
    private void checkNothingHung(List<IoThread> io) {
        long now = System.nanoTime();
        if (asleep || now - awakeSinceNanos < HUNG.toNanos()) {
            return;
        }
        for (IoThread t : io) {
            InFlight f = t.inFlight.get();
            if (f != null && now - f.sinceNanos() > HUNG.toNanos()) {
                throw new AssertionError("request " + f.request() + " has been outstanding for "
                        + (now - f.sinceNanos()) / 1_000_000 + " ms while the system was awake; " + context());
            }
        }
    }

    /**
     * @return the next operation, valid for the state the soak tracks: while the system sleeps, disable, enable and
     *         rebalance are refused (PnpManager.sleep), so the soak wakes instead; hardware changes and driver bundle
     *         transitions go on while it sleeps
     */
    private String choose(Random random, Set<String> absent, Set<String> disabled) {
        String op = chooseAny(random, absent, disabled);
        if (asleep && (op.startsWith("disable ") || op.startsWith("enable ") || op.startsWith("rebalance "))) {
            return "wake";
        }
        return op;
    }

    private String chooseAny(Random random, Set<String> absent, Set<String> disabled) {
        List<String> devices = new ArrayList<>(HARDWARE_IDS.keySet());
        String device = devices.get(random.nextInt(devices.size()));
        String driver = DRIVERS.get(random.nextInt(DRIVERS.size()));
        int dice = random.nextInt(100);
        if (dice < 30) {
            if (absent.contains(device)) {
                return "plug " + device;
            }
            return (random.nextBoolean() ? "unplug " : "surprise ") + device;
        } else if (dice < 50) {
            if (absent.contains(device)) {
                return "plug " + device;
            }
            return (disabled.contains(device) ? "enable " : "disable ") + device;
        } else if (dice < 65) {
            return "rebalance " + device;
        } else if (dice < 75) {
            return asleep ? "wake" : "sleep";
        } else {
            boolean active = bundle(driver).getState() == Bundle.ACTIVE;
            int what = random.nextInt(3);
            return (what == 0 ? "update " : active ? "stop " : "start ") + driver;
        }
    }

    /** Runs one operation and updates the tracked state; returns what happened when worth logging. */
    private String run(String op, Set<String> absent, Set<String> disabled) throws Exception {
        String verb = op.substring(0, op.indexOf(' ') < 0 ? op.length() : op.indexOf(' '));
        String target = op.indexOf(' ') < 0 ? "" : op.substring(op.indexOf(' ') + 1);
        switch (verb) {
            case "plug" -> {
                hardware.plug(hardware.kind(HARDWARE_IDS.get(target)).orElseThrow().spec(target, "replugged by the soak"));
                absent.remove(target);
                disabled.remove(target);
                pnp.drain();
            }
            case "unplug" -> {
                hardware.unplug(target);
                absent.add(target);
                disabled.remove(target);
                pnp.drain();
            }
            case "surprise" -> {
                hardware.surpriseRemove(target);
                absent.add(target);
                disabled.remove(target);
                pnp.drain();
            }
            case "disable" -> {
                DeviceNode n = pnp.disable(target);
                disabled.add(target);
                return n.state() + " problem " + n.problem();
            }
            case "enable" -> {
                DeviceNode n = pnp.enable(target);
                disabled.remove(target);
                return n.state() + " problem " + n.problem();
            }
            case "rebalance" -> {
                DeviceNode n = pnp.node(target).orElse(null);
                if (n == null || n.state() != DeviceNodeState.DeviceNodeStarted) {
                    return "skipped: " + (n == null ? "absent" : n.state());
                }
                try {
                    n = pnp.rebalance(target);
                    return n.state() + " problem " + n.problem();
                } catch (IllegalStateException refused) {
                    return "refused: " + refused.getMessage();
                }
            }
            case "sleep" -> {
                pnp.sleep(SystemPowerState.PowerSystemSleeping3);
                asleep = true;
            }
            case "wake" -> {
                pnp.wake();
                asleep = false;
                awakeSinceNanos = System.nanoTime();
            }
            case "stop" -> bundle(target).stop();
            case "start" -> bundle(target).start();
            case "update" -> bundle(target).update();
            default -> throw new IllegalArgumentException(op);
        }
        return null;
    }
}
