package org.drvsim.hw;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated device on the {@link HardwareBus}. A device is present from {@code plug} until it is
 * unplugged or surprise-removed; a surprise-removed device, like a PCIe device pulled from its slot,
 * answers nothing (reads return all ones, it raises no interrupts).
 *
 * <p>A device may decode {@linkplain #resources() resources}: register banks ({@link #mmio(int)})
 * and an interrupt ({@link #connectInterrupt(InterruptSink)}). Root-enumerated virtual devices have
 * none. A device with resources runs its own thread (its hardware time): DMA transfers and
 * interrupts happen there.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface SimDevice {
    /** @return the device instance ID, for example {@code ROOT\NETVMINI\0000} */
    String instanceId();

    /** @return the hardware IDs, most specific first */
    List<String> hardwareIds();

    /** @return the description */
    String description();

    /** @return the configuration properties (what the registry holds for the device) */
    Map<String, String> properties();

    /** @return whether the device is still present on the bus */
    boolean present();

    /** @return the device's fault knobs */
    DeviceFaults faults();

    /**
     * The resources the device decodes, as a PnP bus driver reports them: memory ranges in BAR order,
     * then interrupts. Fixed for the device's life.
     *
     * @return the resources; empty for a device without hardware resources (the default)
     * @since 1.1
     */
    default List<HwResource> resources() {
        return List.of();
    }

    /**
     * The register bank behind a base address register: the range of the
     * {@link HwResource.MemoryResource} with that {@code bar}. The same region is returned every
     * time; it outlives the device's presence (see {@link MmioRegion} for a removed device).
     *
     * @param bar the base address register
     * @return the region, or empty if the device decodes no memory behind {@code bar} (the default)
     * @since 1.1
     */
    default Optional<MmioRegion> mmio(int bar) {
        return Optional.empty();
    }

    /**
     * Connects to the device's interrupt. From now on, each time the device asserts its interrupt,
     * {@code sink} is called on the device's own thread with the vector of its
     * {@link HwResource.InterruptResource}. If a line-based interrupt is already asserted when the
     * sink connects, the sink is called once for it, as an unmasked level-triggered line would fire.
     * Several sinks may be connected (a shared line); each is called, in connection order.
     *
     * <p>A disconnected sink, a device that was unplugged or surprise-removed, and a device without an
     * interrupt raise nothing. A sink may still be called once after {@code close} if the device was
     * already delivering to it.
     *
     * @param sink receives the interrupt; not null
     * @return a handle whose {@code close} disconnects the sink; closing twice does nothing, and
     *         {@code close} throws nothing. The default implementation (a device without an
     *         interrupt) returns a handle that does nothing.
     * @since 1.1
     */
    default AutoCloseable connectInterrupt(InterruptSink sink) {
        Objects.requireNonNull(sink, "sink");
        return () -> { };
    }
}
