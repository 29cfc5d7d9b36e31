package org.drvsim.hw;

import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Fault rules of one simulated device, as netdevsim's {@code fail_*} files grown into Linux's fault-injection
 * framework: a test, the shell ({@code hw:fault}) or configuration arms a {@link FaultRule} for a named fault, and the
 * operation that the fault names checks its rule first; the rule decides whether this check fires (every time, the
 * Nth, every Nth, with a seeded probability, at most N times). Each firing is reported to the bus's
 * {@link FaultListener}s. At most one rule per fault is armed; arming again replaces it and restarts its counters.
 *
 * <p>The faults every device with registers supports are checked at the register layer: {@value #FAIL_REGISTER_READ}
 * (a read returns {@code 0xFFFFFFFF}), {@value #FAIL_REGISTER_WRITE} (a write is lost) and {@value #VANISH} (at a
 * register access, the bus surprise-removes the device, so that the access and every later one reads all ones). Each
 * device type documents its own (the PCI echo DMA device: {@link EchoDmaRegisters#FAIL_DMA} and the others there).
 * Arming an unknown name is refused.
 *
 * <p>Thread-safe; may be called at any IRQL.
 */
@ProviderType
public interface DeviceFaults {
    /**
     * Fault: a register read returns {@code 0xFFFFFFFF} (as from a device that no longer answers) instead of the
     * register.
     *
     * @since 2.1
     */
    String FAIL_REGISTER_READ = "failRegisterRead";
    /**
     * Fault: a register write is lost.
     *
     * @since 2.1
     */
    String FAIL_REGISTER_WRITE = "failRegisterWrite";
    /**
     * Fault: at a register access the device vanishes from the bus, which surprise-removes it (see
     * {@link HardwareBus#surpriseRemove(String)}).
     *
     * @since 2.1
     */
    String VANISH = "vanish";

    /**
     * Arms a fault that fires at every check: {@code arm(FaultRule.always(fault))}.
     *
     * @param fault one of {@link #supported()}
     * @throws IllegalArgumentException if the device does not know the fault; nothing changes
     */
    default void arm(String fault) {
        arm(FaultRule.always(fault));
    }

    /**
     * Arms a rule, replacing the fault's rule if one is armed (its counters start again from 0).
     *
     * @throws IllegalArgumentException if the device does not know the fault, naming the faults it knows; nothing
     *                                  changes
     * @since 2.1
     */
    void arm(FaultRule rule);

    /** Disarms a fault; disarming one that is not armed does nothing. */
    void disarm(String fault);

    /**
     * Disarms every fault.
     *
     * @since 2.1
     */
    void clear();

    /** @return the faults armed now */
    Set<String> armed();

    /** @return whether a rule for {@code fault} is armed (this is not a check: it counts nothing) */
    boolean isArmed(String fault);

    /**
     * @return the armed rules with their counters, by fault name
     * @since 2.1
     */
    List<FaultRuleState> rules();

    /** @return the fault names this device knows */
    Set<String> supported();
}
