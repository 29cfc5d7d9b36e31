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
     * Plugs a device.
     *
     * @return the new device
     * @throws IllegalArgumentException if a device with the same instance ID is present; nothing
     *                                  changes
     */
    SimDevice plug(DeviceSpec spec);

    /**
     * Removes a device in an orderly way (as an eject).
     *
     * @throws IllegalArgumentException if no such device is present
     */
    void unplug(String instanceId);

    /**
     * Pulls a device without warning (surprise removal).
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
}
