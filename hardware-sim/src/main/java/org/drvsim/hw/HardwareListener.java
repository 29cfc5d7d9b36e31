package org.drvsim.hw;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every device that appears on or leaves the {@link HardwareBus}. Called synchronously on
 * the thread that plugged or removed the device, in the order the bus saw the changes; an
 * implementation that needs to do real work (the PnP manager) queues it to its own thread.
 */
@ConsumerType
public interface HardwareListener {
    /** A device appeared (it was plugged, or it was present when the listener was added). */
    void deviceArrived(SimDevice device);

    /**
     * A device left the bus.
     *
     * @param surprise {@code true} when it was pulled without warning (surprise removal), {@code
     *                 false} for an orderly, ejected removal
     */
    void deviceRemoved(SimDevice device, boolean surprise);
}
