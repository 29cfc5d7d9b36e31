package org.drvsim.hw.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.HwResource;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;
import org.drvsim.hw.SimDevice;

/**
 * A device on the bus: identity, presence and faults here, resources in its {@link DeviceHardware}. The register
 * faults every device with registers has ({@link DeviceFaults#FAIL_REGISTER_READ}, {@link DeviceFaults#FAIL_REGISTER_WRITE},
 * {@link DeviceFaults#VANISH}) are checked here, in front of the device's own registers, so no device type repeats them.
 */
final class SimDeviceImpl implements SimDevice {
    /** The faults the register layer checks, supported by every device with a register bank. */
    static final Set<String> REGISTER_FAULTS = Set.of(DeviceFaults.FAIL_REGISTER_READ,
            DeviceFaults.FAIL_REGISTER_WRITE, DeviceFaults.VANISH);

    private final DeviceSpec spec;
    private final Faults faults;
    private final DeviceHardware hardware;
    /** The register banks as software sees them, faults in front; one per BAR, so that the same region comes back. */
    private final Map<Integer, Optional<MmioRegion>> regions = new ConcurrentHashMap<>();
    private volatile boolean present = true;
    /** What {@link DeviceFaults#VANISH} does: the bus surprise-removes this device. Set by the bus. */
    private volatile Runnable vanish = () -> { };

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

    /** Sets what a firing {@link DeviceFaults#VANISH} does; called once by the bus. */
    void onVanish(Runnable r) {
        vanish = r;
    }

    Faults faultRules() {
        return faults;
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
    @Override public boolean awaitQuiet(java.time.Duration timeout) throws InterruptedException {
        return hardware.awaitQuiet(timeout);
    }
    /** @see org.drvsim.hw.HostBridge#mmio(SimDevice, int) */
    Optional<MmioRegion> mmio(int bar) {
        return regions.computeIfAbsent(bar, b -> hardware.mmio(b).map(FaultyRegisters::new));
    }

    /** @see org.drvsim.hw.HostBridge#connectInterrupt(SimDevice, InterruptSink) */
    AutoCloseable connectInterrupt(InterruptSink sink) {
        return hardware.connectInterrupt(Objects.requireNonNull(sink, "sink"));
    }

    /**
     * A register bank behind the register faults. Each access checks {@code vanish} first (the device leaves the bus,
     * then the access goes to a pulled device), then the read or write fault; a check happens only for an access
     * inside the bank (a bad offset is refused by the bank before any fault counts it).
     */
    private final class FaultyRegisters implements MmioRegion {
        private final MmioRegion bank;

        FaultyRegisters(MmioRegion bank) {
            this.bank = bank;
        }

        @Override
        public long length() {
            return bank.length();
        }

        @Override
        public int read32(long offset) {
            checkOffset(offset);
            if (faults.fires(DeviceFaults.VANISH)) {
                vanish.run();
            }
            if (faults.fires(DeviceFaults.FAIL_REGISTER_READ)) {
                return PciEchoDma.ALL_ONES;
            }
            return bank.read32(offset);
        }

        @Override
        public void write32(long offset, int value) {
            checkOffset(offset);
            if (faults.fires(DeviceFaults.VANISH)) {
                vanish.run();
            }
            if (faults.fires(DeviceFaults.FAIL_REGISTER_WRITE)) {
                return;
            }
            bank.write32(offset, value);
        }

        private void checkOffset(long offset) {
            if (offset < 0 || offset > bank.length() - 4 || (offset & 3) != 0) {
                throw new IllegalArgumentException("register offset 0x" + Long.toHexString(offset) + " of " + bank
                        + " is not 4-aligned inside its " + bank.length() + " bytes");
            }
        }

        @Override
        public String toString() {
            return bank.toString();
        }
    }

    @Override
    public String toString() {
        return spec.instanceId();
    }
}
