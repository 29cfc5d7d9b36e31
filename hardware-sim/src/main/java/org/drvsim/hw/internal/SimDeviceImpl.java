package org.drvsim.hw.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;
import org.drvsim.hw.SimDevice;

/** A device on the bus: identity, presence and faults here, resources in its {@link DeviceHardware}. */
final class SimDeviceImpl implements SimDevice {
    private final DeviceSpec spec;
    private final Faults faults;
    private final DeviceHardware hardware;
    private volatile boolean present = true;

    /** A device without resources; its faults are those the property {@code faults.supported} lists. */
    SimDeviceImpl(DeviceSpec spec) {
        this(spec, new Faults(spec.instanceId(), Faults.parse(spec.properties().get("faults.supported"))),
                DeviceHardware.NONE);
    }

    SimDeviceImpl(DeviceSpec spec, Faults faults, DeviceHardware hardware) {
        this.spec = spec;
        this.faults = faults;
        this.hardware = hardware;
    }

    /** The device left the bus; called once, under the bus lock. */
    void markGone(boolean surprise) {
        present = false;
        hardware.removed(surprise);
    }

    DeviceHardware hardware() {
        return hardware;
    }

    @Override public String instanceId() { return spec.instanceId(); }
    @Override public List<String> hardwareIds() { return spec.hardwareIds(); }
    @Override public String description() { return spec.description(); }
    @Override public Map<String, String> properties() { return spec.properties(); }
    @Override public boolean present() { return present; }
    @Override public DeviceFaults faults() { return faults; }
    @Override public List<HwResource> resources() { return hardware.resources(); }
    /** @see org.drvsim.hw.HostBridge#mmio(SimDevice, int) */
    Optional<MmioRegion> mmio(int bar) {
        return hardware.mmio(bar);
    }

    /** @see org.drvsim.hw.HostBridge#connectInterrupt(SimDevice, InterruptSink) */
    AutoCloseable connectInterrupt(InterruptSink sink) {
        return hardware.connectInterrupt(Objects.requireNonNull(sink, "sink"));
    }

    @Override
    public String toString() {
        return spec.instanceId();
    }
}
