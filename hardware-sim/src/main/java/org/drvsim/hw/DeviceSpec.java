package org.drvsim.hw;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is needed to plug a simulated device: its device instance ID (for example
 * {@code ROOT\NETVMINI\0000}), its hardware IDs, most specific first (for example
 * {@code ROOT\NETVMINI}), a description and string properties that the device's driver can read as
 * its configuration (the registry keys an INF would have written).
 *
 * @param instanceId  device instance ID, unique on the bus; not blank
 * @param hardwareIds hardware IDs, most specific first; at least one
 * @param description human-readable description shown by the shell
 * @param properties  configuration values, never null
 */
public record DeviceSpec(String instanceId, List<String> hardwareIds, String description,
                         Map<String, String> properties) {
    /**
     * Property naming the kind of hardware the bus builds. Absent: a device with identity, presence
     * and faults but no resources (the root-enumerated virtual devices). {@value
     * EchoDmaRegisters#DEVICE_TYPE}: the PCI echo DMA device of {@link EchoDmaRegisters}. Any other
     * value is refused by {@link HardwareBus#plug(DeviceSpec)}.
     */
    public static final String DEVICE_TYPE = "device.type";

    public DeviceSpec {
        Objects.requireNonNull(instanceId, "instanceId");
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException("device instance ID is blank");
        }
        hardwareIds = List.copyOf(hardwareIds);
        if (hardwareIds.isEmpty()) {
            throw new IllegalArgumentException("device " + instanceId + " has no hardware ID");
        }
        description = description == null ? "" : description;
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    /** A root-enumerated device with no properties. */
    public static DeviceSpec of(String instanceId, String hardwareId, String description) {
        return new DeviceSpec(instanceId, List.of(hardwareId), description, Map.of());
    }
}
