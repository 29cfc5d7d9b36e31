package org.drvsim.hw.internal;

import static org.drvsim.hw.EchoDmaRegisters.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.HostMemory;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.HwResource.InterruptResource;
import org.drvsim.hw.HwResource.MemoryResource;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;

/**
 * The PCI echo DMA device: the registers of {@link org.drvsim.hw.EchoDmaRegisters} (the package
 * overview of {@code org.drvsim.hw} has the table and the behaviour), a buffer of
 * {@code echo.bufferBytes}, a DMA engine that copies between {@link HostMemory} and that buffer on
 * the device's own single thread, and a level-triggered interrupt.
 *
 * <p>The registers are guarded by {@link #lock}, which is held only for a register access or to
 * latch or commit a transfer, never during a copy or while a sink runs. A COMMAND write latches the
 * transfer and sets BUSY at once; the copy runs later on the device thread. A reset or surprise
 * removal abandons a transfer by bumping {@link #generation}: the transfer finds it changed and
 * leaves the registers alone.
 */
final class PciEchoDma implements DeviceHardware {
    /** The fault names this device type knows. */
    static final Set<String> FAULTS = Set.of(FAIL_DMA, DROP_INTERRUPTS, INTERRUPT_STORM, HANG_DEVICE, DELAY_COMPLETION);
    /** The simulated PCI memory window: slot n decodes {@code PCI_WINDOW + n * SLOT_STRIDE}. */
    static final long PCI_WINDOW = 0xF000_0000L;
    static final long SLOT_STRIDE = 0x1_0000L;
    /** Slot n raises vector {@code FIRST_VECTOR + n}. */
    static final int FIRST_VECTOR = 0x50;
    /** PCI slots of the simulated machine: 64 KiB windows and vectors 0x50 to 0x8F. */
    static final int SLOTS = 64;
    static final int ALL_ONES = 0xFFFF_FFFF;

    private final String instanceId;
    private final HostMemory memory;
    private final Faults faults;
    private final List<HwResource> resources;
    /** Touched only by the device thread. */
    private final byte[] buffer;
    private final ExecutorService deviceThread;
    private final InterruptLine line;
    private final MmioRegion bar0;

    private final Object lock = new Object();
    // The registers and the engine state, guarded by lock.
    private int control;
    private int interruptStatus;
    private int hostAddressLow;
    private int hostAddressHigh;
    private int deviceOffset;
    private int length;
    private int transferred;
    private boolean busy;
    private long generation;
    private boolean unplugged;
    /** Written under lock; read without it so that a pulled device answers without waiting. */
    private volatile boolean surpriseRemoved;

    /** A transfer as the COMMAND write latched it; offsets and length are unsigned 32-bit values. */
    private record Transfer(long generation, int command, long hostAddress, long deviceOffset, long length) {
    }

    /**
     * @param slot the PCI slot the bus assigned, 0 to {@code SLOTS - 1}
     * @throws IllegalArgumentException if {@code echo.bufferBytes} is invalid; no thread is started
     */
    PciEchoDma(DeviceSpec spec, int slot, HostMemory memory, Faults faults) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("PCI slot " + slot + " is not 0 to " + (SLOTS - 1));
        }
        this.instanceId = spec.instanceId();
        this.bar0 = new RegisterBar(instanceId, BAR, BAR_BYTES, this::read, this::write);
        this.memory = memory;
        this.faults = faults;
        this.resources = List.of(new MemoryResource(BAR, PCI_WINDOW + slot * SLOT_STRIDE, BAR_BYTES),
                new InterruptResource(FIRST_VECTOR + slot, false));
        this.buffer = new byte[bufferBytes(spec)];
        // Executors start their thread on the first task; nothing runs until software writes COMMAND.
        this.deviceThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "drvsim-hw " + instanceId);
            t.setDaemon(true);
            return t;
        });
        this.line = new InterruptLine(instanceId, FIRST_VECTOR + slot, deviceThread,
                () -> faults.fires(DROP_INTERRUPTS), () -> faults.fires(INTERRUPT_STORM) ? STORM_INTERRUPTS : 0);
    }

    static int bufferBytes(DeviceSpec spec) {
        String value = spec.properties().get(BUFFER_BYTES_PROPERTY);
        if (value == null) {
            return DEFAULT_BUFFER_BYTES;
        }
        try {
            int bytes = Integer.parseInt(value.trim());
            if (bytes >= 1 && bytes <= MAX_BUFFER_BYTES) {
                return bytes;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw new IllegalArgumentException("device " + spec.instanceId() + ": " + BUFFER_BYTES_PROPERTY + "='"
                + value + "' is not a size in bytes from 1 to " + MAX_BUFFER_BYTES);
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
                generation++; // abandons a transfer in flight
                line.kill();
            } else {
                // An orderly removal: the device stays powered until its driver let go of it. A transfer it accepted
                // still finishes and raises its interrupt, which the driver's teardown may wait for.
                unplugged = true;
            }
        }
        // Queued transfers and deliveries still run, find the device gone, and return.
        deviceThread.shutdown();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return deviceThread.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Test hook: runs {@code r} on the device thread after everything queued there before it. */
    Future<?> onDeviceThread(Runnable r) {
        return deviceThread.submit(r);
    }

    // ---- registers

    private int read(int offset) {
        if (surpriseRemoved) {
            return ALL_ONES;
        }
        synchronized (lock) {
            if (surpriseRemoved) {
                return ALL_ONES;
            }
            return switch (offset) {
                case ID -> ID_VALUE;
                case CONTROL -> control;
                case STATUS -> busy ? STATUS_BUSY : 0;
                case INTERRUPT_STATUS -> interruptStatus;
                case HOST_ADDRESS_LOW -> hostAddressLow;
                case HOST_ADDRESS_HIGH -> hostAddressHigh;
                case DEVICE_OFFSET -> deviceOffset;
                case LENGTH -> length;
                case TRANSFERRED -> transferred;
                case BUFFER_SIZE -> buffer.length;
                default -> 0; // COMMAND is write-only; the rest is reserved
            };
        }
    }

    private void write(int offset, int value) {
        if (surpriseRemoved) {
            return;
        }
        boolean rising;
        synchronized (lock) {
            if (surpriseRemoved) {
                return;
            }
            switch (offset) {
                case CONTROL -> {
                    if ((value & CONTROL_RESET) != 0) {
                        reset();
                    } else {
                        control = value & (CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
                    }
                }
                case INTERRUPT_STATUS -> interruptStatus &= ~value;
                case HOST_ADDRESS_LOW -> hostAddressLow = value;
                case HOST_ADDRESS_HIGH -> hostAddressHigh = value;
                case DEVICE_OFFSET -> deviceOffset = value;
                case LENGTH -> length = value;
                case COMMAND -> command(value);
                default -> {
                    // read-only or reserved: ignored
                }
            }
            rising = driveLine();
        }
        if (rising) {
            line.deliverLater(); // software's thread: the sink runs on the device thread
        }
    }

    /** Guarded by lock. */
    private void reset() {
        control = 0;
        interruptStatus = 0;
        hostAddressLow = 0;
        hostAddressHigh = 0;
        deviceOffset = 0;
        length = 0;
        transferred = 0;
        busy = false;
        generation++; // abandons a transfer in flight
    }

    /** Guarded by lock. A refused command moves nothing and sets DMA_ERROR. */
    private void command(int value) {
        if (busy) {
            interruptStatus |= INTERRUPT_DMA_ERROR; // TRANSFERRED stays the in-flight transfer's
            return;
        }
        boolean known = value == COMMAND_HOST_TO_DEVICE || value == COMMAND_DEVICE_TO_HOST;
        if ((control & CONTROL_ENABLE) == 0 || !known || unplugged) {
            transferred = 0;
            interruptStatus |= INTERRUPT_DMA_ERROR;
            return;
        }
        Transfer t = new Transfer(generation, value,
                (Integer.toUnsignedLong(hostAddressHigh) << 32) | Integer.toUnsignedLong(hostAddressLow),
                Integer.toUnsignedLong(deviceOffset), Integer.toUnsignedLong(length));
        try {
            deviceThread.execute(() -> run(t));
            busy = true;
        } catch (RejectedExecutionException stopped) {
            transferred = 0;
            interruptStatus |= INTERRUPT_DMA_ERROR;
        }
    }

    /** Guarded by lock. @return whether the line rose and the caller must deliver */
    private boolean driveLine() {
        return line.level(!surpriseRemoved
                && (control & CONTROL_INTERRUPT_ENABLE) != 0 && interruptStatus != 0);
    }

    // ---- the DMA engine, on the device thread

    private void run(Transfer t) {
        synchronized (lock) {
            if (t.generation() != generation) {
                return; // reset or pulled before it started
            }
        }
        if (faults.fires(HANG_DEVICE)) {
            return; // hung: BUSY until a reset; no status, no interrupt
        }
        long delayNanos = faults.check(DELAY_COMPLETION).map(r -> TimeUnit.MICROSECONDS.toNanos(r.delayMicros()))
                .orElse(0L);
        boolean ok = !faults.fires(FAIL_DMA) && copy(t);
        holdBack(delayNanos);
        boolean rising;
        synchronized (lock) {
            if (t.generation() != generation) {
                return; // reset or pulled while copying: no status, no interrupt
            }
            busy = false;
            transferred = ok ? (int) t.length() : 0;
            interruptStatus |= ok ? INTERRUPT_DMA_DONE : INTERRUPT_DMA_ERROR;
            rising = driveLine();
        }
        if (rising) {
            line.deliver(); // already on the device thread
        }
    }

    /** The device thread waits out a delayCompletion firing: the device's own time, not software's. */
    private static void holdBack(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** @return whether the range was valid and the bytes moved; if not, nothing moved */
    private boolean copy(Transfer t) {
        if (t.deviceOffset() + t.length() > buffer.length) {
            return false;
        }
        if (t.length() == 0) {
            return true;
        }
        int offset = (int) t.deviceOffset();
        int len = (int) t.length();
        try {
            if (t.command() == COMMAND_HOST_TO_DEVICE) {
                memory.read(t.hostAddress(), buffer, offset, len);
            } else {
                memory.write(t.hostAddress(), buffer, offset, len);
            }
            return true;
        } catch (IllegalArgumentException outsideHostMemory) {
            return false; // HostMemory copies nothing when it refuses
        }
    }

    @Override
    public String toString() {
        return instanceId;
    }
}
