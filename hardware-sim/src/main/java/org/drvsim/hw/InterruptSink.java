package org.drvsim.hw;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a device's interrupt, as the interrupt controller delivers it to the processor: connect
 * one with {@link SimDevice#connectInterrupt(InterruptSink)}. In the kernel this is where the
 * interrupt service routine is dispatched.
 *
 * <p>Called on the device's own thread, never while the device holds a lock, so the sink may access
 * the device's registers. A line-based (level-triggered) interrupt is reported once per assertion:
 * the line stays asserted until software clears the cause in the device's registers, and only a new
 * assertion calls the sink again. An exception thrown by the sink is logged and otherwise ignored;
 * the device goes on. The sink should return promptly: the device makes no progress while it runs.
 */
@ConsumerType
@FunctionalInterface
public interface InterruptSink {
    /**
     * The device asserted its interrupt.
     *
     * @param vector the vector of the device's {@link HwResource.InterruptResource}
     */
    void interrupt(int vector);
}
