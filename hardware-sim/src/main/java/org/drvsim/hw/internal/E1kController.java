package org.drvsim.hw.internal;

import static org.drvsim.hw.E1kRegisters.*;
import org.drvsim.hw.FaultRule;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.HostMemory;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.HwResource.InterruptResource;
import org.drvsim.hw.HwResource.MemoryResource;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;

/**
 * The PCI Ethernet controller of {@link org.drvsim.hw.E1kRegisters} (the 8254x-style register set; the package
 * overview of {@code org.drvsim.hw} describes its behaviour): registers, interrupt cause and mask with ITR
 * throttling, a transmit and a receive ring DMA engine over {@link HostMemory}, and one port on a simulated wire.
 *
 * <p>Threads. Software's register accesses run on its own threads under {@link #lock}, which guards every register
 * and is held only for an access, never for a DMA copy or while a sink runs. The DMA engines, interrupt delivery,
 * the ITR timer and an interrupt storm run on the device's single thread: a TDT write queues the transmit engine
 * there; a frame from the wire is queued there by whoever put it on the wire (the peer's device thread or a replay).
 * An engine snapshots the ring registers under the lock, moves bytes without it, and commits (head, statistics,
 * causes) under it again only if {@link #generation} is unchanged: a reset or a surprise removal bumps it, so a
 * frame in flight leaves the registers alone.
 *
 * <p>Time. The device's clock is the JVM's monotonic clock ({@link System#nanoTime()}) as the device thread reads
 * it; there is no machine-wide virtual time, so an ITR interval is that much elapsed time. Unit tests substitute a
 * {@link DeviceClock} they advance by hand.
 */
final class E1kController implements DeviceHardware {
    /** The fault names this device type knows, beside the register faults. */
    static final Set<String> FAULTS = Set.of(FAIL_DMA, DROP_INTERRUPTS, INTERRUPT_STORM, HANG_DEVICE, DELAY_COMPLETION);
    private static final Logger LOG = Logger.getLogger(E1kController.class.getName());
    /** Guards every cable, across controllers: a cable change touches two of them. */
    private static final Object CABLES = new Object();
    private static final int STATS_BASE = 0x4000;
    private static final int STATS_END = 0x4100;
    /** The high halves of the 64-bit counters; each counts at its low half's index. */
    private static final Set<Integer> HIGH_HALVES = Set.of(GORCH, GOTCH, TORH, TOTH);
    private static final int EEPROM_WORDS = 64;
    private static final int EEPROM_SUM = 0xBABA;

    /** Told of bad input the device detects; the bus forwards it to its DeviceErrorListeners. */
    interface ErrorReporter {
        void error(String error, String detail);
    }

    /** The device's time base. */
    interface DeviceClock {
        long nanoTime();

        /** Runs {@code r} (quick, any thread) once {@link #nanoTime()} has reached {@code nanos}. */
        void at(long nanos, Runnable r);
    }

    private final String instanceId;
    private final byte[] mac;
    private final HostMemory memory;
    private final Faults faults;
    private final ErrorReporter errors;
    private final boolean msi;
    private final List<HwResource> resources;
    private final ScheduledThreadPoolExecutor deviceThread;
    private final InterruptLine line;
    private final MmioRegion bar0;
    private final int[] eeprom = new int[EEPROM_WORDS];
    private volatile DeviceClock clock;

    private final Object lock = new Object();
    // The registers and engine state, guarded by lock.
    private int ctrl;
    private int rctl;
    private int tctl;
    private int icr;
    private int ims;
    private int itr;
    private int rdtr;
    private int eerd;
    private final Ring rx = new Ring("receive", "RD");
    private final Ring tx = new Ring("transmit", "TD");
    private final int[] mta = new int[MTA_REGISTERS];
    private final int[] ral = new int[RECEIVE_ADDRESSES];
    private final int[] rah = new int[RECEIVE_ADDRESSES];
    /** The statistics registers by {@code (offset - STATS_BASE) / 4}; a 64-bit counter at its low half. */
    private final long[] stats = new long[(STATS_END - STATS_BASE) / 4];
    private boolean linkUp = true;
    private boolean hung;
    private long generation;
    private boolean unplugged;
    private boolean transmitQueued;
    private boolean everAsserted;
    private long lastAssertNanos;
    private boolean throttleTimerPending;
    private boolean stormRunning;
    private CompletableFuture<Void> stormEnded = CompletableFuture.completedFuture(null);
    /** Written under lock; read without it so that a pulled device answers without waiting. */
    private volatile boolean surpriseRemoved;

    /** The port at the other end of the cable; changed under {@link #CABLES}. */
    private volatile E1kController peer;
    private volatile PcapFiles.Recorder recording;

    /**
     * @param slot the PCI slot the bus assigned
     * @throws IllegalArgumentException if a property is invalid; no thread is started
     */
    E1kController(DeviceSpec spec, int slot, HostMemory memory, Faults faults, ErrorReporter errors) {
        this.instanceId = spec.instanceId();
        this.bar0 = new RegisterBar(instanceId, BAR, BAR_BYTES, this::read, this::write);
        this.mac = E1kFrames.macAddress(spec);
        this.msi = msi(spec);
        this.memory = memory;
        this.faults = faults;
        this.errors = errors;
        int vector = PciEchoDma.FIRST_VECTOR + slot;
        this.resources = List.of(new MemoryResource(BAR, PciEchoDma.PCI_WINDOW + slot * PciEchoDma.SLOT_STRIDE,
                BAR_BYTES), new InterruptResource(vector, msi));
        this.deviceThread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "drvsim-hw " + instanceId);
            t.setDaemon(true);
            return t;
        });
        // A removed device forgets its timers (ITR, storm): nothing is raised after removal anyway.
        deviceThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        deviceThread.setRemoveOnCancelPolicy(true);
        this.clock = new SystemClock();
        this.line = new InterruptLine(instanceId, vector, deviceThread, () -> faults.fires(DROP_INTERRUPTS), () -> 0);
        for (int i = 0; i < 3; i++) {
            eeprom[i] = (mac[2 * i] & 0xFF) | (mac[2 * i + 1] & 0xFF) << 8;
        }
        int sum = 0;
        for (int i = 0; i < EEPROM_WORDS - 1; i++) {
            sum += eeprom[i];
        }
        eeprom[EEPROM_WORDS - 1] = (EEPROM_SUM - sum) & 0xFFFF;
        synchronized (lock) {
            reset();
        }
        faults.onArm(this::armed);
    }

    private static boolean msi(DeviceSpec spec) {
        String value = spec.properties().getOrDefault(MSI_PROPERTY, "false").trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("device " + spec.instanceId() + ": " + MSI_PROPERTY + "='" + value
                    + "' is not true or false");
        }
        return value.equals("true");
    }

    // ---- DeviceHardware

    @Override
    public List<HwResource> resources() {
        return resources;
    }

    @Override
    public Optional<MmioRegion> mmio(int bar) {
        return bar == BAR ? Optional.of(bar0) : Optional.empty();
    }

    @Override
    public AutoCloseable connectInterrupt(InterruptSink sink) {
        return line.connect(sink);
    }

    @Override
    public void removed(boolean surprise) {
        synchronized (lock) {
            if (surprise) {
                surpriseRemoved = true;
                generation++; // abandons a frame in flight
            } else {
                unplugged = true;
            }
            line.kill();
        }
        uncable();
        PcapFiles.Recorder r = recording;
        recording = null;
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "drvsim: the recording of " + instanceId + " could not be completed", e);
            }
        }
        deviceThread.shutdown(); // queued frames still run, find the device gone, and return
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return deviceThread.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- test hooks

    /**
     * Quiet: gone, or no frame from the wire is waiting or being stored, no transmit round is queued or running, and
     * ICR holds no unmasked cause (the ISR has read it). Polled every millisecond: the device tells no one when it is
     * idle.
     */
    @Override
    public boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!quiet()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private boolean quiet() {
        synchronized (lock) {
            return !alive() || (framesInFlight.get() == 0 && !transmitQueued && !transmitting && (icr & ims) == 0);
        }
    }

    /** Runs {@code r} on the device thread after everything queued there before it. */
    Future<?> onDeviceThread(Runnable r) {
        return deviceThread.submit(r);
    }

    /** Replaces the time base (tests). */
    void useClock(DeviceClock c) {
        clock = c;
    }

    /** @return completed when the interrupt storm running now (if any) has stopped */
    CompletableFuture<Void> stormEnded() {
        synchronized (lock) {
            return stormEnded;
        }
    }

    // ---- the port, for EthernetWires

    String macAddress() {
        return E1kFrames.format(mac);
    }

    String instanceId() {
        return instanceId;
    }

    boolean linkUp() {
        synchronized (lock) {
            return linkUp;
        }
    }

    Optional<E1kController> peer() {
        return Optional.ofNullable(peer);
    }

    Optional<Path> recordingFile() {
        PcapFiles.Recorder r = recording;
        return r == null ? Optional.empty() : Optional.of(r.target());
    }

    static void cable(E1kController a, E1kController b) {
        if (a == b) {
            throw new IllegalArgumentException("cannot cable " + a.instanceId + " to itself");
        }
        synchronized (CABLES) {
            for (E1kController c : new E1kController[] {a, b}) {
                if (c.peer != null) {
                    throw new IllegalArgumentException("port " + c.instanceId + " is cabled to " + c.peer.instanceId
                            + " already; uncable it first");
                }
                if (!c.alive()) {
                    throw new IllegalArgumentException("port " + c.instanceId + " is no longer on the bus");
                }
            }
            a.peer = b;
            b.peer = a;
        }
        a.setOwnLink(true); // a cable plugged in: both ends get a link partner
        b.setOwnLink(true);
    }

    /** @return whether the port was cabled; if it was, both ends lose their link */
    boolean uncable() {
        E1kController p;
        synchronized (CABLES) {
            p = peer;
            if (p == null) {
                return false;
            }
            p.peer = null;
            peer = null;
        }
        setOwnLink(false); // the cable pulled: neither end has a link partner
        p.setOwnLink(false);
        return true;
    }

    /**
     * Sets the link of this port and, when it is cabled, of the port at the other end too: a link is up or down at
     * both of its ends.
     *
     * @return whether either end's link changed (each change sets that end's LSC)
     */
    boolean setLink(boolean up) {
        E1kController p = peer;
        boolean changed = setOwnLink(up);
        if (p != null) {
            changed |= p.setOwnLink(up);
        }
        return changed;
    }

    /** @return whether this port's link changed (which sets LSC) */
    private boolean setOwnLink(boolean up) {
        synchronized (lock) {
            if (!alive() || linkUp == up) {
                return false;
            }
            linkUp = up;
            icr |= ICR_LSC;
            updateInterrupt();
            return true;
        }
    }

    void startRecording(Path file) throws IOException {
        synchronized (CABLES) {
            if (recording != null) {
                throw new IllegalArgumentException("port " + instanceId + " is being recorded into "
                        + recording.target() + " already; stop that recording first");
            }
            recording = new PcapFiles.Recorder(file);
        }
    }

    long stopRecording() throws IOException {
        PcapFiles.Recorder r;
        synchronized (CABLES) {
            r = recording;
            if (r == null) {
                throw new IllegalArgumentException("port " + instanceId + " is not being recorded");
            }
            recording = null;
        }
        r.close();
        return r.frames();
    }

    /**
     * Puts a frame on this port's wire: the peer gets it if both links are up.
     *
     * @return completed when the receiving port has taken the frame, with true if it stored it in its receive ring and
     *         false if it dropped it (and counted it, as the hardware does); at once, with false, when no port receives it
     */
    Future<Boolean> sendOnWire(byte[] frame) {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        if (!putOnWire(frame, taken)) {
            taken.complete(false);
        }
        return taken;
    }

    /**
     * Puts a frame on this port's wire if both links are up.
     *
     * @param taken completed when the peer has taken it, or null
     * @return whether a peer will take it
     */
    private boolean putOnWire(byte[] frame, CompletableFuture<Boolean> taken) {
        synchronized (lock) {
            if (!alive() || !linkUp) {
                return false;
            }
        }
        E1kController p = peer;
        return p != null && p.receiveFromWire(frame, taken);
    }

    /** A frame from the wire waiting for the receive engine, and who waits for it to be taken (or null). */
    private record Inbound(byte[] frame, CompletableFuture<Boolean> taken) {
    }

    /** Frames from the wire, in order, for the receive engine on the device thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Inbound> inbound = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Whether a task that takes {@link #inbound} is queued on the device thread and has not started taking. */
    private final java.util.concurrent.atomic.AtomicBoolean inboundQueued = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Queues a frame from the wire to this device's receive engine. One task on the device thread takes every frame
     * queued by then (a burst from the peer's transmit round costs one hand-over, not one per frame).
     *
     * @return false if the device has left the bus (the frame is lost)
     */
    private boolean receiveFromWire(byte[] frame, CompletableFuture<Boolean> taken) {
        framesInFlight.incrementAndGet();
        inbound.add(new Inbound(frame, taken));
        if (inboundQueued.compareAndSet(false, true)) {
            try {
                deviceThread.execute(this::takeInbound);
            } catch (RejectedExecutionException gone) {
                for (Inbound i; (i = inbound.poll()) != null; ) {
                    framesInFlight.decrementAndGet();
                    if (i.taken() != null) {
                        i.taken().complete(false);
                    }
                }
                return false;
            }
        }
        return true;
    }

    /** On the device thread: the receive engine takes the frames from the wire, in order. */
    private void takeInbound() {
        inboundQueued.set(false); // a frame queued from now on queues another take (which may find nothing)
        for (Inbound i; (i = inbound.poll()) != null; ) {
            boolean stored = false;
            try {
                stored = receive(i.frame());
            } finally {
                framesInFlight.decrementAndGet();
                if (i.taken() != null) {
                    i.taken().complete(stored);
                }
            }
        }
    }

    /** Frames taken from the wire and not yet stored (or dropped): queued in {@link #inbound} or in receive. */
    private final java.util.concurrent.atomic.AtomicInteger framesInFlight = new java.util.concurrent.atomic.AtomicInteger();

    // ---- registers

    /** Guarded by lock. */
    private boolean alive() {
        return !unplugged && !surpriseRemoved;
    }

    private int read(int offset) {
        if (surpriseRemoved) {
            return PciEchoDma.ALL_ONES;
        }
        synchronized (lock) {
            if (surpriseRemoved) {
                return PciEchoDma.ALL_ONES;
            }
            switch (offset) {
                case CTRL: return ctrl;
                case STATUS: return STATUS_FD | (linkUp ? STATUS_LU | STATUS_SPEED_1000 : 0);
                case EERD: return eerd;
                case ICR: {
                    int causes = icr;
                    icr = 0; // read to clear
                    updateInterrupt();
                    return causes;
                }
                case ITR: return itr;
                case IMS: return ims;
                case RCTL: return rctl;
                case TCTL: return tctl;
                case RDTR: return rdtr;
                default: break;
            }
            Ring ring = offset >= TDBAL && offset <= TDT ? tx : offset >= RDBAL && offset <= RDT ? rx : null;
            if (ring != null) {
                return ring.read(offset & 0xFF);
            }
            if (offset >= MTA && offset < MTA + 4 * MTA_REGISTERS) {
                return mta[(offset - MTA) / 4];
            }
            if (offset >= RAL && offset < RAL + 8 * RECEIVE_ADDRESSES) {
                int n = (offset - RAL) / 8;
                return (offset & 4) == 0 ? ral[n] : rah[n];
            }
            if (offset >= STATS_BASE && offset < STATS_END) {
                return readStatistic(offset);
            }
            return 0;
        }
    }

    /** Guarded by lock. Statistics clear when read; a 64-bit counter when its high half is read. */
    private int readStatistic(int offset) {
        int index = (offset - STATS_BASE) / 4;
        if (HIGH_HALVES.contains(offset)) {
            long v = stats[index - 1];
            stats[index - 1] = 0;
            return (int) (v >>> 32);
        }
        if (HIGH_HALVES.contains(offset + 4)) {
            return (int) stats[index];
        }
        long v = stats[index];
        stats[index] = 0;
        return (int) Math.min(v, 0xFFFF_FFFFL);
    }

    /** Guarded by lock. */
    private void count(int register, long n) {
        stats[(register - STATS_BASE) / 4] += n;
    }

    private void write(int offset, int value) {
        if (surpriseRemoved) {
            return;
        }
        synchronized (lock) {
            if (surpriseRemoved) {
                return;
            }
            switch (offset) {
                case CTRL -> {
                    if ((value & CTRL_RST) != 0) {
                        reset();
                    } else {
                        ctrl = value;
                    }
                }
                case EERD -> readEeprom(value);
                case ICR -> icr &= ~value;
                case ITR -> itr = value & 0xFFFF;
                case ICS -> icr |= value & 0x1_FFFF;
                case IMS -> ims |= value & 0x1_FFFF;
                case IMC -> ims &= ~value;
                case RCTL -> {
                    rctl = value;
                    if ((value & RCTL_EN) != 0 && rx.tail != rx.head) {
                        rx.usable();
                    }
                }
                case TCTL -> {
                    tctl = value;
                    if ((value & TCTL_EN) != 0 && tx.tail != tx.head) {
                        tx.usable();
                        scheduleTransmit();
                    }
                }
                case RDTR -> rdtr = value;
                default -> writeOther(offset, value);
            }
            updateInterrupt();
        }
    }

    /** Guarded by lock: the ring, filter and reserved registers. */
    private void writeOther(int offset, int value) {
        Ring ring = offset >= TDBAL && offset <= TDT ? tx : offset >= RDBAL && offset <= RDT ? rx : null;
        if (ring != null) {
            ring.write(offset & 0xFF, value);
            if (ring == tx && (offset == TDT) && (tctl & TCTL_EN) != 0) {
                scheduleTransmit();
            }
        } else if (offset >= MTA && offset < MTA + 4 * MTA_REGISTERS) {
            mta[(offset - MTA) / 4] = value;
        } else if (offset >= RAL && offset < RAL + 8 * RECEIVE_ADDRESSES) {
            int n = (offset - RAL) / 8;
            if ((offset & 4) == 0) {
                ral[n] = value;
            } else {
                rah[n] = value & (RAH_AV | 0x3_FFFF);
            }
        }
        // anything else: read-only, statistics or reserved: ignored
    }

    /** Guarded by lock. The power-on state; the link and the wiring are physical and stay. */
    private void reset() {
        ctrl = CTRL_FD;
        rctl = 0;
        tctl = 0;
        icr = 0;
        ims = 0;
        itr = 0;
        rdtr = 0;
        eerd = 0;
        rx.reset();
        tx.reset();
        Arrays.fill(mta, 0);
        Arrays.fill(ral, 0);
        Arrays.fill(rah, 0);
        ral[0] = E1kFrames.ral(mac);
        rah[0] = E1kFrames.rah(mac) | RAH_AV;
        Arrays.fill(stats, 0);
        hung = false;
        everAsserted = false;
        generation++; // abandons a frame in flight
        line.level(false);
    }

    /** Guarded by lock. EERD: the read completes at once. */
    private void readEeprom(int value) {
        if ((value & EERD_START) == 0) {
            eerd = value & ~EERD_DONE;
            return;
        }
        int address = (value >>> 8) & 0xFF;
        int word = address < EEPROM_WORDS ? eeprom[address] : 0;
        eerd = word << 16 | address << 8 | EERD_DONE;
    }

    // ---- the interrupt

    /**
     * Guarded by lock. The interrupt is asserted while {@code ICR & IMS} is not 0, but at most once per ITR interval:
     * an assertion comes at the earliest at the previous one's time plus {@code ITR * 256 ns}; causes arriving
     * meanwhile wait in ICR for it, and a timer re-evaluates when the interval ends.
     */
    private void updateInterrupt() {
        boolean pending = alive() && (icr & ims) != 0;
        if (!pending) {
            line.level(false);
            return;
        }
        if (line.asserted()) {
            return;
        }
        long interval = (long) itr * ITR_UNIT_NANOS;
        long now = clock.nanoTime();
        if (interval > 0 && everAsserted && now - lastAssertNanos < interval) {
            if (!throttleTimerPending) {
                throttleTimerPending = true;
                clock.at(lastAssertNanos + interval, () -> execute(this::throttleEnded));
            }
            return;
        }
        everAsserted = true;
        lastAssertNanos = now;
        if (line.level(true)) {
            line.deliverLater(); // on the device thread, which calls the sinks without the lock
        }
    }

    private void throttleEnded() {
        synchronized (lock) {
            throttleTimerPending = false;
            updateInterrupt();
        }
    }

    private void execute(Runnable r) {
        try {
            deviceThread.execute(r);
        } catch (RejectedExecutionException stopped) {
            // the device left the bus: it does nothing any more
        }
    }

    /** Faults.onArm: an interrupt storm runs by itself once armed. */
    private void armed(String fault) {
        if (!fault.equals(INTERRUPT_STORM)) {
            return;
        }
        synchronized (lock) {
            if (stormRunning || !alive()) {
                return;
            }
            stormRunning = true;
            stormEnded = new CompletableFuture<>();
        }
        scheduleStormTick();
    }

    private void scheduleStormTick() {
        try {
            long period = faults.armedRule(INTERRUPT_STORM).map(FaultRule::delayMicros).orElse((long) STORM_INTERVAL_MICROS);
            deviceThread.schedule(this::stormTick, Math.max(MIN_STORM_INTERVAL_MICROS, period), TimeUnit.MICROSECONDS);
        } catch (RejectedExecutionException stopped) {
            stormStopped();
        }
    }

    private void stormTick() {
        boolean go;
        synchronized (lock) {
            go = alive() && faults.isArmed(INTERRUPT_STORM);
        }
        if (!go) {
            stormStopped();
            return;
        }
        if (faults.fires(INTERRUPT_STORM)) {
            line.spurious();
        }
        scheduleStormTick();
    }

    private void stormStopped() {
        CompletableFuture<Void> ended;
        synchronized (lock) {
            stormRunning = false;
            ended = stormEnded;
        }
        ended.complete(null);
    }

    // ---- transmit, on the device thread

    /** Guarded by lock. */
    private void scheduleTransmit() {
        if (transmitQueued || !alive()) {
            return;
        }
        transmitQueued = true;
        execute(this::transmit);
    }

    private void transmit() {
        synchronized (lock) {
            transmitQueued = false;
            transmitting = true;
        }
        try {
            while (transmitFrame()) {
                // one frame per round, so that a reset or removal between frames is seen
            }
        } finally {
            synchronized (lock) {
                transmitting = false;
            }
        }
    }

    /** Guarded by lock: a transmit round runs on the device thread. */
    private boolean transmitting;

    /** A frame's descriptors as fetched: their ring indexes and contents. */
    private record Fetched(List<Integer> indexes, List<byte[]> descriptors, int next) {
    }

    /** @return whether a frame was handled and the next may follow */
    private boolean transmitFrame() {
        long gen;
        long base;
        int count;
        int head;
        int tail;
        synchronized (lock) {
            if (!alive() || (tctl & TCTL_EN) == 0 || hung || tx.head == tx.tail || !tx.checked()) {
                return false;
            }
            gen = generation;
            base = tx.base();
            count = tx.count();
            head = tx.head;
            tail = tx.tail;
        }
        Fetched f = fetchFrame(gen, base, count, head, tail);
        if (f == null) {
            return false; // no EOP before the tail yet (the driver hands the rest over later), or the ring failed
        }
        if (faults.fires(HANG_DEVICE)) {
            hang(gen);
            return false;
        }
        byte[] frame = gather(f);
        long delayNanos = faults.check(DELAY_COMPLETION).map(r -> TimeUnit.MICROSECONDS.toNanos(r.delayMicros()))
                .orElse(0L);
        boolean onWire = false;
        if (frame != null) {
            synchronized (lock) {
                if (gen != generation || !alive()) {
                    return false;
                }
                onWire = linkUp;
            }
            if (onWire) {
                PcapFiles.Recorder r = recording;
                if (r != null) {
                    r.write(frame);
                }
                putOnWire(frame, null);
            }
        }
        holdBack(delayNanos);
        boolean wroteBack = writeBackTransmit(gen, base, f, frame != null);
        synchronized (lock) {
            if (gen != generation || !alive()) {
                return false;
            }
            tx.head = f.next();
            if (wroteBack) {
                icr |= ICR_TXDW;
            }
            if (onWire) {
                long octets = frame.length + FCS_BYTES;
                count(GPTC, 1);
                count(TPT, 1);
                count(GOTCL, octets);
                count(TOTL, octets);
                if (E1kFrames.isBroadcast(frame)) {
                    count(BPTC, 1);
                } else if (E1kFrames.isMulticast(frame)) {
                    count(MPTC, 1);
                }
            }
            if (tx.head == tx.tail) {
                icr |= ICR_TXQE;
            }
            updateInterrupt();
            return true;
        }
    }

    /** Reads descriptors from {@code head} up to the first EOP before {@code tail}; null if there is none or the ring failed. */
    private Fetched fetchFrame(long gen, long base, int count, int head, int tail) {
        List<Integer> indexes = new ArrayList<>();
        List<byte[]> descriptors = new ArrayList<>();
        for (int i = head; i != tail; i = (i + 1) % count) {
            byte[] d = new byte[DESCRIPTOR_BYTES];
            long at = base + (long) i * DESCRIPTOR_BYTES;
            if (!dmaRead(at, d)) {
                ringFailed(gen, tx, i, at);
                return null;
            }
            indexes.add(i);
            descriptors.add(d);
            if ((d[TDESC_CMD] & TDESC_CMD_EOP) != 0) {
                return new Fetched(indexes, descriptors, (i + 1) % count);
            }
        }
        return null;
    }

    /** @return the frame the descriptors describe, or null when it is not sent (reported, or failDma fired) */
    private byte[] gather(Fetched f) {
        int total = 0;
        for (int k = 0; k < f.descriptors().size(); k++) {
            byte[] d = f.descriptors().get(k);
            int length = E1kFrames.le16(d, TDESC_LENGTH);
            String bad = (d[TDESC_CMD] & TDESC_CMD_DEXT) != 0 ? "has DEXT set (extended descriptors are not modelled)"
                    : length == 0 ? "has length 0"
                    : length > MAX_TX_BUFFER_BYTES ? "has length " + length + ", over " + MAX_TX_BUFFER_BYTES : null;
            total += length;
            if (bad == null && total > MAX_TX_BUFFER_BYTES) {
                bad = "ends a frame of " + total + " bytes or more, over " + MAX_TX_BUFFER_BYTES;
            }
            if (bad != null) {
                report(ERROR_BAD_DESCRIPTOR, "transmit descriptor " + f.indexes().get(k) + " " + bad
                        + "; the frame is not sent");
                return null;
            }
        }
        if (faults.fires(FAIL_DMA)) {
            return null;
        }
        byte[] frame = new byte[total];
        int at = 0;
        for (int k = 0; k < f.descriptors().size(); k++) {
            byte[] d = f.descriptors().get(k);
            long buffer = E1kFrames.le64(d, TDESC_BUFFER_ADDRESS);
            int length = E1kFrames.le16(d, TDESC_LENGTH);
            try {
                memory.read(buffer, frame, at, length);
            } catch (IllegalArgumentException outside) {
                report(ERROR_DMA_OUTSIDE_HOST_MEMORY, "transmit descriptor " + f.indexes().get(k) + " points at "
                        + hex(buffer) + " + " + length + " bytes: " + describe(buffer, outside) + "; the frame is not sent");
                return null;
            }
            at += length;
        }
        byte[] eop = f.descriptors().get(f.descriptors().size() - 1);
        if ((eop[TDESC_CMD] & TDESC_CMD_IC) != 0) {
            E1kFrames.insertChecksum(frame, eop[TDESC_CSS] & 0xFF, eop[TDESC_CSO] & 0xFF);
        }
        boolean pad;
        synchronized (lock) {
            pad = (tctl & TCTL_PSP) != 0;
        }
        return pad && frame.length < E1kFrames.MIN_PADDED_BYTES ? Arrays.copyOf(frame, E1kFrames.MIN_PADDED_BYTES)
                : frame;
    }

    /** Writes DD (and TU when not sent) into each descriptor with RS. @return whether any was written back */
    private boolean writeBackTransmit(long gen, long base, Fetched f, boolean sent) {
        synchronized (lock) {
            if (gen != generation || !alive()) {
                return false; // reset or pulled: DMA stops
            }
        }
        boolean wrote = false;
        byte[] status = {(byte) (TDESC_STA_DD | (sent ? 0 : TDESC_STA_TU))};
        for (int k = 0; k < f.descriptors().size(); k++) {
            if ((f.descriptors().get(k)[TDESC_CMD] & TDESC_CMD_RS) == 0) {
                continue;
            }
            long at = base + (long) f.indexes().get(k) * DESCRIPTOR_BYTES;
            try {
                memory.write(at + TDESC_STA, status, 0, 1);
                wrote = true;
            } catch (IllegalArgumentException outside) {
                ringFailed(gen, tx, f.indexes().get(k), at);
                return wrote;
            }
        }
        return wrote;
    }

    // ---- receive, on the device thread

    /** @return whether the frame was stored in the receive ring (false: dropped, and counted as the hardware does) */
    private boolean receive(byte[] frame) {
        long gen;
        long base;
        int count;
        int head;
        int free;
        int bufferBytes;
        boolean strip;
        synchronized (lock) {
            if (!alive() || (rctl & RCTL_EN) == 0 || !linkUp) {
                return false; // the receiver sees nothing
            }
            count(TPR, 1);
            count(TORL, frame.length + FCS_BYTES);
            if (frame.length < E1kFrames.HEADER_BYTES) {
                count(RUC, 1);
                count(RLEC, 1);
                return false;
            }
            if (!E1kFrames.accepts(frame, rctl, ral, rah, mta)) {
                return false;
            }
            int max = (rctl & RCTL_LPE) != 0 ? MAX_LONG_FRAME_BYTES : MAX_FRAME_BYTES;
            if (frame.length + FCS_BYTES > max) {
                count(ROC, 1);
                count(RLEC, 1);
                return false;
            }
            if (hung) {
                count(MPC, 1);
                return false;
            }
            gen = generation;
            base = rx.base();
            count = rx.count();
            head = rx.head;
            free = rx.tail == rx.head || !rx.checked() ? 0 : Math.floorMod(rx.tail - rx.head, count);
            bufferBytes = bufferBytes(rctl);
            strip = (rctl & RCTL_SECRC) != 0;
        }
        if (faults.fires(HANG_DEVICE)) {
            hang(gen);
            missed(gen, false);
            return false;
        }
        byte[] stored = strip ? frame : E1kFrames.withFcs(frame);
        int needed = (stored.length + bufferBytes - 1) / bufferBytes;
        if (free < needed) {
            missed(gen, true);
            return false;
        }
        if (faults.fires(FAIL_DMA)) {
            missed(gen, false);
            return false;
        }
        boolean bufferFailed = false;
        for (int k = 0; k < needed && !bufferFailed; k++) {
            int index = (head + k) % count;
            long at = base + (long) index * DESCRIPTOR_BYTES;
            byte[] d = new byte[DESCRIPTOR_BYTES];
            if (!dmaRead(at, d)) {
                ringFailed(gen, rx, index, at);
                missed(gen, false);
                return false;
            }
            long buffer = E1kFrames.le64(d, RDESC_BUFFER_ADDRESS);
            int offset = k * bufferBytes;
            int length = Math.min(bufferBytes, stored.length - offset);
            boolean last = k == needed - 1;
            try {
                memory.write(buffer, stored, offset, length);
            } catch (IllegalArgumentException outside) {
                report(ERROR_DMA_OUTSIDE_HOST_MEMORY, "receive descriptor " + index + " points at " + hex(buffer)
                        + " + " + length + " bytes: " + describe(buffer, outside) + "; the frame is dropped (RXE)");
                bufferFailed = true;
                length = 0;
                last = true;
            }
            byte[] writeBack = new byte[DESCRIPTOR_BYTES - RDESC_LENGTH];
            E1kFrames.putLe16(writeBack, 0, length);
            writeBack[RDESC_STATUS - RDESC_LENGTH] = (byte) (RDESC_STA_DD | (last ? RDESC_STA_EOP : 0));
            writeBack[RDESC_ERRORS - RDESC_LENGTH] = (byte) (bufferFailed ? RDESC_ERR_RXE : 0);
            synchronized (lock) {
                if (gen != generation || !alive()) {
                    return false; // reset or pulled: DMA stops
                }
            }
            try {
                memory.write(at + RDESC_LENGTH, writeBack, 0, writeBack.length);
            } catch (IllegalArgumentException outside) {
                ringFailed(gen, rx, index, at);
                return false;
            }
            if (bufferFailed) {
                needed = k + 1; // the frame ends at the descriptor that failed
            }
        }
        synchronized (lock) {
            if (gen != generation || !alive()) {
                return false;
            }
            int freeBefore = Math.floorMod(rx.tail - rx.head, count);
            rx.head = (head + needed) % count;
            int freeAfter = Math.floorMod(rx.tail - rx.head, count);
            int threshold = count >> Math.min(3, ((rctl & RCTL_RDMTS_MASK) >>> 8) + 1);
            if (freeBefore > threshold && freeAfter <= threshold) {
                icr |= ICR_RXDMT0;
            }
            if (bufferFailed) {
                count(RXERRC, 1);
            } else {
                count(GPRC, 1);
                count(GORCL, frame.length + FCS_BYTES);
                if (E1kFrames.isBroadcast(frame)) {
                    count(BPRC, 1);
                } else if (E1kFrames.isMulticast(frame)) {
                    count(MPRC, 1);
                }
            }
            icr |= ICR_RXT0;
            updateInterrupt();
        }
        return !bufferFailed;
    }

    /** Counts a frame that passed the filters and was lost; {@code noBuffers}: for want of a descriptor (RXO). */
    private void missed(long gen, boolean noBuffers) {
        synchronized (lock) {
            if (gen != generation || !alive()) {
                return;
            }
            count(MPC, 1);
            if (noBuffers) {
                count(RNBC, 1);
                icr |= ICR_RXO;
                updateInterrupt();
            }
        }
    }

    /** RCTL.BSIZE and BSEX: the bytes each receive buffer holds. */
    static int bufferBytes(int rctl) {
        int size = (rctl & RCTL_BSIZE_MASK) >>> 16;
        if ((rctl & RCTL_BSEX) == 0 || size == 0) {
            return 2048 >> size;
        }
        return 32768 >> size;
    }

    // ---- faults and errors, either thread

    private void hang(long gen) {
        synchronized (lock) {
            if (gen == generation) {
                hung = true;
            }
        }
    }

    /** A descriptor could not be read or written: the ring no longer lies in host memory; the queue stops. */
    private void ringFailed(long gen, Ring ring, int index, long at) {
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            ring.usable = Boolean.FALSE; // until software programs the ring again
        }
        report(ERROR_RING_OUTSIDE_HOST_MEMORY, ring.name + " descriptor " + index + " at " + hex(at) + ": "
                + describe(at) + "; the " + ring.name + " queue stops until its ring is programmed again");
    }

    private boolean dmaRead(long at, byte[] into) {
        try {
            memory.read(at, into, 0, into.length);
            return true;
        } catch (IllegalArgumentException outside) {
            return false;
        }
    }

    private String describe(long address) {
        return memory instanceof SimHostMemory m ? m.describe(address) : "outside host memory";
    }

    /** What lay at {@code address} when host memory refused the access {@code refused}. */
    private String describe(long address, IllegalArgumentException refused) {
        return refused instanceof SimHostMemory.Refused r ? r.reason : describe(address);
    }

    private boolean inHostMemory(long address, long length) {
        if (memory instanceof SimHostMemory m) {
            return m.contains(address, length);
        }
        try {
            memory.read(address, new byte[0], 0, 0);
            memory.read(address + length, new byte[0], 0, 0);
            return true;
        } catch (IllegalArgumentException outside) {
            return false;
        }
    }

    private void report(String error, String detail) {
        LOG.warning("drvsim: " + instanceId + ": " + error + ": " + detail);
        errors.error(error, detail);
    }

    private static String hex(long address) {
        return SimHostMemory.hex(address);
    }

    /** The device thread waits out a delayCompletion firing: the device's own time, not software's. */
    private static void holdBack(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** One descriptor ring's registers (base, length, head, tail), guarded by the controller's lock. */
    private final class Ring {
        final String name;
        final String prefix;
        int bal;
        int bah;
        int len;
        int head;
        int tail;
        /** Whether the ring lies in host memory: null until checked after it was last programmed. */
        Boolean usable;

        Ring(String name, String prefix) {
            this.name = name;
            this.prefix = prefix;
        }

        long base() {
            return Integer.toUnsignedLong(bah) << 32 | Integer.toUnsignedLong(bal);
        }

        /** Descriptors in the ring, 0 when its length is not valid. */
        int count() {
            return len > 0 && len % RING_LENGTH_ALIGNMENT == 0 ? len / DESCRIPTOR_BYTES : 0;
        }

        void reset() {
            bal = 0;
            bah = 0;
            len = 0;
            head = 0;
            tail = 0;
            usable = null;
        }

        /** @param register the offset's low byte: 0x00 BAL, 0x04 BAH, 0x08 LEN, 0x10 H, 0x18 T */
        int read(int register) {
            return switch (register) {
                case 0x00 -> bal;
                case 0x04 -> bah;
                case 0x08 -> len;
                case 0x10 -> head;
                case 0x18 -> tail;
                default -> 0;
            };
        }

        void write(int register, int value) {
            switch (register) {
                case 0x00 -> { bal = value; usable = null; }
                case 0x04 -> { bah = value; usable = null; }
                case 0x08 -> { len = value; usable = null; }
                case 0x10 -> { if (index("H", value)) { head = value; } }
                case 0x18 -> {
                    if (index("T", value)) {
                        tail = value;
                        if (tail != head) {
                            usable();
                        }
                    }
                }
                default -> { }
            }
        }

        /** @return whether {@code value} is a descriptor index of this ring (0 always is); if not, reported */
        private boolean index(String register, int value) {
            if (value == 0 || Integer.compareUnsigned(value, count()) < 0) {
                return true;
            }
            report(ERROR_TAIL_PAST_RING, prefix + register + "=" + Integer.toUnsignedString(value) + " but " + prefix
                    + "LEN=" + Integer.toUnsignedString(len) + " holds " + count() + " descriptors; the write is ignored");
            return false;
        }

        /**
         * The engines' view, which checks nothing: software's tail and enable writes do the check (on software's
         * thread, so that the report follows the write that caused it).
         *
         * @return whether the ring was checked since it was last programmed and lies in host memory
         */
        boolean checked() {
            return Boolean.TRUE.equals(usable);
        }

        /** @return whether the ring lies in host memory; checked once after it is programmed, and reported if not */
        boolean usable() {
            if (usable == null) {
                usable = check();
            }
            return usable;
        }

        private boolean check() {
            if (count() == 0 || (bal & 0xF) != 0) {
                report(ERROR_BAD_RING, name + " ring " + prefix + "BA=" + hex(base()) + " " + prefix + "LEN="
                        + Integer.toUnsignedString(len) + ": the base must be 16-byte aligned and the length a "
                        + "positive multiple of " + RING_LENGTH_ALIGNMENT + "; the " + name + " queue does not run");
                return false;
            }
            if (!inHostMemory(base(), len)) {
                report(ERROR_RING_OUTSIDE_HOST_MEMORY, name + " ring " + prefix + "BA=" + hex(base()) + " " + prefix
                        + "LEN=" + len + " does not lie inside one allocated block of host memory (" + describe(base())
                        + "); the " + name + " queue does not run");
                return false;
            }
            String owner = memory.owner(base()).orElse(null);
            if (owner != null && !owner.equalsIgnoreCase(instanceId)) {
                report(ERROR_RING_OUTSIDE_HOST_MEMORY, name + " ring " + prefix + "BA=" + hex(base()) + " " + prefix
                        + "LEN=" + len + " lies in host memory allocated for another device, " + owner + "; the "
                        + name + " queue does not run");
                return false;
            }
            return true;
        }
    }

    private final class SystemClock implements DeviceClock {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void at(long nanos, Runnable r) {
            try {
                deviceThread.schedule(r, nanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                // removed: nothing is raised any more
            }
        }
    }

    @Override
    public String toString() {
        return instanceId;
    }
}
