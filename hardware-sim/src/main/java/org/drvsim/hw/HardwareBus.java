package org.drvsim.hw;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulated machine's devices, driven through a small public surface as netdevsim's
 * {@code new_device}/{@code del_device}: plug a device, unplug it (orderly removal) or pull it
 * (surprise removal). Used by the embedded default machine, by configuration, by the {@code hw:}
 * shell commands and by tests.
 *
 * <p>Thread-safe. Listeners are called synchronously, in order, on the calling thread.
 */
@ProviderType
public interface HardwareBus {
    /**
     * Plugs a device. The property {@link DeviceSpec#DEVICE_TYPE} chooses the hardware: absent, a
     * device without resources; {@value EchoDmaRegisters#DEVICE_TYPE}, the PCI echo DMA device, or
     * {@value E1kRegisters#DEVICE_TYPE}, the PCI Ethernet controller, each of which takes the next free PCI slot (its
     * BAR and interrupt vector follow from the slot, see the {@linkplain org.drvsim.hw package overview}) and starts
     * its own device thread.
     *
     * @return the new device
     * @throws IllegalArgumentException if a device with the same instance ID is present, the device
     *                                  type is unknown, a property of the device type is invalid, or
     *                                  every PCI slot is taken; nothing changes
     */
    SimDevice plug(DeviceSpec spec);

    /**
     * The kinds of device this machine models, by hardware ID: the netvmini and RAM-disk virtual adapters and the PCI
     * echo DMA device.
     *
     * @return the kinds, in a stable order
     * @since 2.0
     */
    default List<DeviceKind> kinds() {
        return List.of();
    }

    /**
     * The kind with a hardware ID, compared without regard to case.
     *
     * @return the kind, or empty when the machine models no device with that hardware ID
     * @since 2.0
     */
    default Optional<DeviceKind> kind(String hardwareId) {
        return kinds().stream().filter(k -> k.hardwareId().equalsIgnoreCase(hardwareId)).findFirst();
    }

    /**
     * Removes a device in an orderly way (as an eject). The device accepts no more commands and its
     * thread stops, but it stays powered until its driver let go of it: a transfer it had accepted still
     * finishes and raises its interrupt (a driver's teardown may wait for it), and its registers still
     * answer, so that the driver's teardown, which the PnP manager runs after this call returns, can
     * quiesce it.
     *
     * @throws IllegalArgumentException if no such device is present
     */
    void unplug(String instanceId);

    /**
     * Pulls a device without warning (surprise removal). From then on its registers read all ones
     * and ignore writes, it raises no interrupts, and a transfer in flight is abandoned.
     *
     * @throws IllegalArgumentException if no such device is present
     */
    void surpriseRemove(String instanceId);

    /** @return the present devices in the order they were plugged */
    List<SimDevice> devices();

    /** @return the present device with this instance ID (case-insensitive, as Windows compares them) */
    Optional<SimDevice> device(String instanceId);

    /**
     * Adds a listener; it is told at once of every device present now.
     *
     * @return a handle whose {@code close} removes the listener
     */
    AutoCloseable addListener(HardwareListener listener);

    /**
     * Adds a listener told of every fault rule that fires on any device of this bus (see {@link DeviceFaults}); the
     * kernel registers one that records each firing in its trace.
     *
     * @return a handle whose {@code close} removes the listener
     * @since 2.1
     */
    AutoCloseable addFaultListener(FaultListener listener);

    /**
     * Adds a listener told of every programming error a device of this bus detects in the software that drives it
     * (see {@link DeviceErrorListener}); the kernel can record each in its trace.
     *
     * @return a handle whose {@code close} removes the listener
     * @since 2.2
     */
    AutoCloseable addDeviceErrorListener(DeviceErrorListener listener);
}
