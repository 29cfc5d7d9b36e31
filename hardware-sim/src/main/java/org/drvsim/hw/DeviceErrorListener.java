package org.drvsim.hw;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told each time a device model detects a programming error in the software that drives it (a ring programmed
 * outside host memory, a tail past the end of its ring, DMA to freed memory, a malformed descriptor), so that software
 * can record it; the kernel can add it to its trace, naming the device, and from the device, the driver that runs it.
 * The device goes on as its documentation says (it ignores the bad write, drops the frame, stops the queue); the
 * platform does not crash. Each device type documents its error names (the Ethernet controller:
 * {@link E1kRegisters#ERROR_RING_OUTSIDE_HOST_MEMORY} and the others there).
 *
 * <p>Called synchronously on the thread that detected the error (a driver's thread for a register write, the device
 * thread for a DMA), possibly while the device holds its own lock: an implementation must be quick, must not block,
 * and must not call back into the device. An exception it throws is logged and otherwise ignored.
 *
 * @since 2.2
 */
@ConsumerType
@FunctionalInterface
public interface DeviceErrorListener {
    /**
     * A device detected bad input.
     *
     * @param device the device
     * @param error  the error's name, for example {@code TailPastRing}
     * @param detail what exactly was wrong, in a sentence naming the register or descriptor and the values
     */
    void deviceError(SimDevice device, String error, String detail);
}
