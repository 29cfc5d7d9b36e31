package org.drvsim.hw;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated device on the {@link HardwareBus}. A device is present from {@code plug} until it is
 * unplugged or surprise-removed; a surprise-removed device, like a PCIe device pulled from its slot,
 * answers nothing (reads return all ones, it raises no interrupts).
 *
 * <p>A device may decode {@linkplain #resources() resources}: register banks and an interrupt, which
 * only the kernel reaches, through the {@link HostBridge}. Root-enumerated virtual devices have
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
     * Waits until the device has nothing in flight that software has not been told of: every frame it took from a
     * wire is stored, no transmit is queued, and every interrupt cause it raised has been read by software (its ISR
     * ran). A device without an engine is always quiet; one that keeps working (traffic, an interrupt storm) may not
     * become quiet. A device that left the bus is quiet. Any thread but the device's own.
     *
     * @param timeout how long to wait at most
     * @return whether the device was quiet within {@code timeout}
     * @throws InterruptedException if the waiting thread was interrupted
     * @since 2.3
     */
    default boolean awaitQuiet(java.time.Duration timeout) throws InterruptedException {
        return true;
    }
}
