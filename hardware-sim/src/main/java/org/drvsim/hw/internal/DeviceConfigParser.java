package org.drvsim.hw.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.FaultRule;

/**
 * Reads one device configuration ({@link DeviceConfigurations}: its keys are listed there) into the spec the bus plugs
 * and the fault rules it arms first. Everything that can be checked without the bus is checked here; what only the
 * bus knows (a {@code device.type} it cannot build, a bad kind parameter, a fault the device does not support, an
 * instance ID already present) is refused by the bus and named by {@link #refusedByTheBus}.
 */
final class DeviceConfigParser {
    /** Keys ConfigAdmin, FileInstall and DS add, which are not device parameters. */
    static final Set<String> BOOKKEEPING = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "component.name", "component.id");
    /** As the kernel's check of a driver's hardware IDs: longer IDs are refused. */
    static final int MAX_ID_LENGTH = 200;

    /** A device as configured: what to plug and the rules, by the key that armed each. */
    record ParsedDevice(DeviceSpec spec, Map<String, FaultRule> faults) {
        ParsedDevice {
            faults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(faults));
        }

        List<FaultRule> rules() {
            return List.copyOf(faults.values());
        }
    }

    /** A refused configuration: the message names the source and the key. */
    static final class DeviceConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;

        DeviceConfigException(String source, String key, String problem) {
            super(source + ": " + key + ": " + problem);
            this.key = key;
        }

        String key() {
            return key;
        }
    }

    private DeviceConfigParser() {
    }

    /**
     * @param source     the file the configuration was read from, or {@code configuration PID}: the start of every
     *                   message
     * @param properties the configuration's properties
     * @param kinds      the kind the machine models for a hardware ID ({@link org.drvsim.hw.HardwareBus#kind})
     * @throws DeviceConfigException naming the source and the key
     */
    static ParsedDevice parse(String source, Map<String, ?> properties, Function<String, Optional<DeviceKind>> kinds) {
        String instanceId = text(properties.get(DeviceConfigurations.INSTANCE_ID));
        if (instanceId == null || instanceId.isBlank()) {
            throw new DeviceConfigException(source, DeviceConfigurations.INSTANCE_ID, "missing: give the device "
                    + "instance ID, for example ROOT\\NETVMINI\\0002 (in a .cfg file: ROOT\\\\NETVMINI\\\\0002)");
        }
        instanceId = instanceId.strip();
        checkId(source, DeviceConfigurations.INSTANCE_ID, instanceId);

        List<String> hardwareIds = list(properties.get(DeviceConfigurations.HARDWARE_IDS));
        if (hardwareIds.isEmpty()) {
            throw new DeviceConfigException(source, DeviceConfigurations.HARDWARE_IDS, "missing: give at least one "
                    + "hardware ID, most specific first, separated by commas, for example ROOT\\NETVMINI (in a .cfg "
                    + "file: ROOT\\\\NETVMINI)");
        }
        for (String id : hardwareIds) {
            checkId(source, DeviceConfigurations.HARDWARE_IDS, id);
        }
        DeviceKind kind = hardwareIds.stream().map(kinds).flatMap(Optional::stream).findFirst().orElse(null);

        String description = text(properties.get(DeviceConfigurations.DESCRIPTION));
        if (description == null || description.isBlank()) {
            description = kind != null ? kind.description() : "configured device";
        }

        Map<String, String> parameters = new TreeMap<>(kind != null ? kind.properties() : Map.of());
        Map<String, FaultRule> faults = new LinkedHashMap<>();
        Map<String, String> faultKeys = new TreeMap<>();
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(properties).entrySet()) {
            String key = e.getKey();
            if (key.equals(DeviceConfigurations.INSTANCE_ID) || key.equals(DeviceConfigurations.HARDWARE_IDS)
                    || key.equals(DeviceConfigurations.DESCRIPTION) || BOOKKEEPING.contains(key)
                    || key.startsWith(".")) {
                continue;
            }
            String value = text(e.getValue());
            if (key.startsWith(DeviceConfigurations.FAULT_PREFIX)) {
                FaultRule rule;
                try {
                    rule = FaultRule.parse(value == null ? "" : value);
                } catch (IllegalArgumentException bad) {
                    throw new DeviceConfigException(source, key, bad.getMessage());
                }
                String earlier = faultKeys.putIfAbsent(rule.fault(), key);
                if (earlier != null) {
                    throw new DeviceConfigException(source, key, "arms " + rule.fault() + ", which " + earlier
                            + " arms already: a device has one rule per fault");
                }
                faults.put(key, rule);
            } else if (key.isBlank()) {
                throw new DeviceConfigException(source, "'" + key + "'", "a key is blank");
            } else {
                parameters.put(key, value == null ? "" : value);
            }
        }
        return new ParsedDevice(new DeviceSpec(instanceId, hardwareIds, description, parameters), faults);
    }

    /**
     * The message for a spec the bus refused: the source, the key the bus's message is about, and the bus's message.
     *
     * @param busMessage the message of the bus's {@link IllegalArgumentException}
     */
    static DeviceConfigException refusedByTheBus(String source, ParsedDevice device, String busMessage) {
        String key = null;
        if (busMessage.contains(" is already present")) {
            key = DeviceConfigurations.INSTANCE_ID;
        }
        for (Map.Entry<String, FaultRule> f : device.faults().entrySet()) {
            if (key == null && busMessage.contains("no fault '" + f.getValue().fault() + "'")) {
                key = f.getKey();
            }
        }
        for (String parameter : device.spec().properties().keySet()) {
            if (key == null && busMessage.contains(parameter + "='")) {
                key = parameter;
            }
        }
        return new DeviceConfigException(source, key != null ? key : DeviceSpec.DEVICE_TYPE, busMessage);
    }

    /**
     * Checks a device instance ID or hardware ID as the kernel checks a driver's: no empty segment, no white space,
     * comma or quote, at most {@value #MAX_ID_LENGTH} characters; and a backslash, which a {@code .cfg} file loses
     * when it is written once.
     */
    private static void checkId(String source, String key, String id) {
        String problem = null;
        if (id.length() > MAX_ID_LENGTH) {
            problem = "is longer than " + MAX_ID_LENGTH + " characters";
        } else if (id.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '"' || c == '\'')) {
            problem = "has white space, a comma or a quote";
        } else if (!id.contains("\\")) {
            problem = "has no backslash (in a .cfg file write each backslash twice: ROOT\\\\NETVMINI\\\\0002)";
        } else if (id.startsWith("\\") || id.endsWith("\\") || id.contains("\\\\")) {
            problem = "has an empty segment";
        }
        if (problem != null) {
            throw new DeviceConfigException(source, key, "'" + id + "' " + problem);
        }
    }

    /** A configuration value as text: arrays and collections joined with commas. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        List<String> items = items(value);
        return items == null ? String.valueOf(value) : String.join(",", items);
    }

    /** A list value: a comma-separated string, an array or a collection; blank items left out. */
    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        List<String> items = items(value);
        for (String item : items != null ? items : List.of(String.valueOf(value).split(","))) {
            if (item != null && !item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }

    private static List<String> items(Object value) {
        if (value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return items;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return null;
    }
}
