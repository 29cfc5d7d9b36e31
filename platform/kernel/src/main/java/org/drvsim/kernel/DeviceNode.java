package org.drvsim.kernel;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device node of the PnP manager's device tree: one simulated device, its state, the driver that
 * runs it (if any) and its problem code (Device Manager's "Code N"). It describes the device's resources but hands
 * none out: the port of the driver that runs the device gets them as {@link DeviceResources}. Thread-safe snapshot
 * reads.
 */
@ProviderType
public interface DeviceNode {
    /** Device Manager problem code: none. */
    int CM_PROB_NONE = 0;
    /** Device Manager problem code 10: the device cannot start (CM_PROB_FAILED_START). */
    int CM_PROB_FAILED_START = 10;
    /** Device Manager problem code 28: no driver is installed (CM_PROB_FAILED_INSTALL). */
    int CM_PROB_FAILED_INSTALL = 28;
    /**
     * Device Manager problem code 43: the driver stopped the device after it reported problems
     * (CM_PROB_FAILED_POST_START); the simulation sets it when the watchdog isolates a hung driver.
     */
    int CM_PROB_FAILED_POST_START = 43;
    /** Device Manager problem code 37: the driver's DriverEntry failed (CM_PROB_FAILED_DRIVER_ENTRY). */
    int CM_PROB_FAILED_DRIVER_ENTRY = 37;
    /** Device Manager problem code 22: the device is disabled (CM_PROB_DISABLED); {@code pnp:enable} starts it. */
    int CM_PROB_DISABLED = 22;
    /** Device Manager problem code 31: the driver failed to add the device (CM_PROB_FAILED_ADD). */
    int CM_PROB_FAILED_ADD = 31;

    /** @return the device instance ID */
    String instanceId();

    /** @return the hardware IDs, most specific first */
    List<String> hardwareIds();

    /** @return the device description */
    String description();

    /** @return configuration values for the driver (the device's registry key) */
    Map<String, String> properties();

    /** @return the current state */
    DeviceNodeState state();

    /** @return the problem code, {@link #CM_PROB_NONE} when none */
    int problem();

    /** @return the status that caused the problem, or {@code null} */
    String problemStatus();

    /** @return the driver that runs (or last ran) the device, as {@link DriverObject#name()}, or empty */
    String driverName();

    /**
     * The device's parent in the device tree: the device whose bus driver enumerated it (a PDO it reported in its
     * BusRelations, see {@link PnpManager#enumerateChild}); empty for a device of the simulated hardware bus.
     *
     * @return the parent's device instance ID, or the empty string
     * @since 3.2
     */
    default String parentInstanceId() {
        return "";
    }

    /** @return the device's translated hardware resources (memory ranges, interrupts); none by default */
    default java.util.List<org.drvsim.nt.CmResourceDescriptor> resources() {
        return java.util.List.of();
    }

    /**
     * Waits until the device's hardware has nothing in flight that software has not been told of
     * ({@link org.drvsim.hw.SimDevice#awaitQuiet}): for a command that must see what the device already took in, such
     * as stopping a capture. Not for driver code.
     *
     * @return whether it was quiet within {@code timeout} (a virtual device always is)
     * @throws InterruptedException if the waiting thread was interrupted
     * @since 3.3
     */
    default boolean awaitHardwareQuiet(java.time.Duration timeout) throws InterruptedException {
        return true;
    }
}
