package org.drvsim.hw;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One simulated device on the {@link HardwareBus}. A device is present from {@code plug} until it is
 * unplugged or surprise-removed; a surprise-removed device, like a PCIe device pulled from its slot,
 * answers nothing (reads return all ones, it raises no interrupts).
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface SimDevice {
    /** @return the device instance ID, for example {@code ROOT\NETVMINI\0000} */
    String instanceId();

    /** @return the hardware IDs, most specific first */
    List<String> hardwareIds();

    /** @return the description */
    String description();

    /** @return the configuration properties (what the registry holds for the device) */
    Map<String, String> properties();

    /** @return whether the device is still present on the bus */
    boolean present();

    /** @return the device's fault knobs */
    DeviceFaults faults();
}
