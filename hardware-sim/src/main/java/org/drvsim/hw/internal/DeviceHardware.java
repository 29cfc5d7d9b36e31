package org.drvsim.hw.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;

/**
 * What a device type adds to a {@link SimDeviceImpl} beyond identity, presence and faults: its
 * resources and what runs behind them. {@link #NONE} is the root-enumerated virtual device.
 */
interface DeviceHardware {
    /** No resources, no thread. */
    DeviceHardware NONE = new DeviceHardware() {
        @Override public List<HwResource> resources() { return List.of(); }
        @Override public Optional<MmioRegion> mmio(int bar) { return Optional.empty(); }
        @Override public AutoCloseable connectInterrupt(InterruptSink sink) { return () -> { }; }
        @Override public void removed(boolean surprise) { }
        @Override public boolean awaitStopped(Duration timeout) { return true; }
    };

    List<HwResource> resources();

    Optional<MmioRegion> mmio(int bar);

    AutoCloseable connectInterrupt(InterruptSink sink);

    /**
     * The device left the bus; stop the device thread. Called once, by the bus, under its lock: must
     * not wait for the device thread.
     */
    void removed(boolean surprise);

    /**
     * Waits, outside the bus lock, for the device thread to end after {@link #removed(boolean)}.
     *
     * @return whether it ended within {@code timeout}
     */
    boolean awaitStopped(Duration timeout) throws InterruptedException;

    /** @see org.drvsim.hw.SimDevice#awaitQuiet(Duration) */
    default boolean awaitQuiet(Duration timeout) throws InterruptedException {
        return true;
    }
}
