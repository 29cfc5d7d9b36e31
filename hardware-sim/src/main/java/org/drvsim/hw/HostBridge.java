package org.drvsim.hw;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The host bridge: the path from the CPU to the devices' hardware, which only the kernel takes. Through it the
 * kernel reaches the register bank behind a device's base address register and the device's interrupt line, and it
 * hands what it gets only to the port of the driver that runs the device (as Windows hands a driver its translated
 * resources in IRP_MN_START_DEVICE and nothing else). The {@link HardwareBus} itself describes devices and their
 * resources but hands out no registers and no interrupts.
 *
 * <p>Registered as an OSGi service that, like {@link HostMemory}, only the kernel bundle ({@value #KERNEL_BUNDLE})
 * and this bundle can find or hear of: a service hook hides both from every other bundle. This keeps a tool, a test
 * or a driver from reaching another driver's hardware by accident; it is not a security boundary against a bundle
 * that deliberately impersonates the kernel (OSGi without a security manager has none).
 *
 * <p>Thread-safe; callable at any IRQL (it never blocks).
 */
@ProviderType
public interface HostBridge {
    /** The symbolic name of the only bundle besides this one that sees the host bridge and {@link HostMemory}. */
    String KERNEL_BUNDLE = "org.drvsim.kernel";

    /**
     * The register bank behind a device's base address register: the range of the device's
     * {@link HwResource.MemoryResource} with that {@code bar}. The same region every time; it outlives the device's
     * presence (see {@link MmioRegion} for a removed device).
     *
     * @param device a device of this bus (as {@link HardwareBus} and {@link HardwareListener} give it), present or
     *               removed
     * @param bar    the base address register
     * @return the region, or empty if the device decodes no memory behind {@code bar}
     * @throws IllegalArgumentException if {@code device} is not a device of this bus
     */
    Optional<MmioRegion> mmio(SimDevice device, int bar);

    /**
     * Connects to a device's interrupt. From now on, each time the device asserts its interrupt, {@code sink} is
     * called on the device's own thread with the vector of its {@link HwResource.InterruptResource}. If a line-based
     * interrupt is already asserted when the sink connects, the sink is called once for it, as an unmasked
     * level-triggered line would fire. Several sinks may be connected (a shared line); each is called, in connection
     * order. A disconnected sink, a device that was unplugged or surprise-removed, and a device without an interrupt
     * raise nothing. A sink may still be called once after {@code close} if the device was already delivering to it.
     *
     * @param device a device of this bus, present or removed
     * @param sink   receives the interrupt; not null
     * @return a handle whose {@code close} disconnects the sink (closing twice does nothing; it throws nothing)
     * @throws IllegalArgumentException if {@code device} is not a device of this bus
     */
    AutoCloseable connectInterrupt(SimDevice device, InterruptSink sink);
}
