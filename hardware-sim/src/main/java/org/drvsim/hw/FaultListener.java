package org.drvsim.hw;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told each time an armed fault rule fires (see {@link DeviceFaults}), so that software can record it: the kernel
 * adds a {@code FaultInjected} event to its trace. Keeps hardware-sim free of kernel types.
 *
 * <p>Called synchronously on the thread whose operation checked the fault (a driver's thread for a register access,
 * the device thread for a transfer or an interrupt), possibly while the device holds its own lock: an implementation
 * must be quick, must not block, and must not call back into the device.
 *
 * @since 2.1
 */
@ConsumerType
public interface FaultListener {
    /**
     * A fault fired.
     *
     * @param device the device whose rule fired
     * @param fault  the fault name
     * @param firing how many times the rule has fired, this time included (1 the first time)
     */
    void faultInjected(SimDevice device, String fault, long firing);
}
