package org.drvsim.hw;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Named fault knobs of one simulated device, as netdevsim's {@code fail_*} files: a test, the shell
 * ({@code hw:fault}) or configuration arms a fault, and the operation that the fault names checks
 * its knob first. Each device type documents the names it knows; arming an unknown name is refused.
 *
 * <p>Thread-safe; may be called at any IRQL.
 */
@ProviderType
public interface DeviceFaults {
    /**
     * Arms a fault.
     *
     * @param fault one of {@link #supported()}
     * @throws IllegalArgumentException if the device does not know the fault; nothing changes
     */
    void arm(String fault);

    /** Disarms a fault; disarming one that is not armed does nothing. */
    void disarm(String fault);

    /** @return the faults armed now */
    Set<String> armed();

    /** @return whether {@code fault} is armed */
    boolean isArmed(String fault);

    /** @return the fault names this device knows */
    Set<String> supported();
}
