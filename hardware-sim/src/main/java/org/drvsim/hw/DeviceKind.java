package org.drvsim.hw;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A kind of device the simulated machine models: its hardware ID, what it is, and the properties a new device of
 * the kind gets (its {@link DeviceSpec#DEVICE_TYPE} and default sizes). {@link HardwareBus#kinds()} lists them; a
 * device plugged with {@link #spec(String, String)} is that device model with its resources (a PCI echo device gets its
 * BAR and interrupt), where a bare {@link DeviceSpec#of} device has none.
 *
 * @param hardwareId  the hardware ID, for example {@code PCI\VEN_1414&DEV_EC40}
 * @param description what the device is
 * @param properties  the properties of a new device of this kind; never null
 */
public record DeviceKind(String hardwareId, String description, Map<String, String> properties) {
    public DeviceKind {
        Objects.requireNonNull(hardwareId, "hardwareId");
        description = description == null ? "" : description;
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    /**
     * A device of this kind.
     *
     * @param instanceId  the device instance ID
     * @param description the description, or null for the kind's
     * @return the spec to {@link HardwareBus#plug(DeviceSpec)}
     */
    public DeviceSpec spec(String instanceId, String description) {
        return new DeviceSpec(instanceId, List.of(hardwareId), description == null ? this.description : description,
                properties);
    }
}
