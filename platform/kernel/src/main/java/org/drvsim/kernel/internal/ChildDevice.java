package org.drvsim.kernel.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.FaultRuleState;
import org.drvsim.hw.SimDevice;

/**
 * A device a bus driver enumerated (a PDO it created and reported in its BusRelations), not hardware on the simulated
 * bus: it has identity and presence, no hardware resources and no fault rules (arm faults on the parent's hardware).
 * Present from its enumeration until the PnP manager deletes it with its parent or when the bus driver reports it
 * gone.
 */
final class ChildDevice implements SimDevice {
    private final String instanceId;
    private final List<String> hardwareIds;
    private final String description;
    private volatile boolean present = true;

    ChildDevice(String instanceId, List<String> hardwareIds, String description) {
        this.instanceId = instanceId;
        this.hardwareIds = List.copyOf(hardwareIds);
        this.description = description == null ? "" : description;
    }

    void gone() {
        present = false;
    }

    @Override public String instanceId() { return instanceId; }
    @Override public List<String> hardwareIds() { return hardwareIds; }
    @Override public String description() { return description; }
    @Override public Map<String, String> properties() { return Map.of(); }
    @Override public boolean present() { return present; }
    @Override public DeviceFaults faults() { return NO_FAULTS; }

    /** A child device has no hardware of its own to fail: every rule is refused. */
    private static final DeviceFaults NO_FAULTS = new DeviceFaults() {
        @Override
        public void arm(FaultRule rule) {
            throw new IllegalArgumentException("a device enumerated by a bus driver has no hardware of its own; arm"
                    + " '" + rule.fault() + "' on its parent's hardware");
        }

        @Override public void disarm(String fault) { }
        @Override public void clear() { }
        @Override public Set<String> armed() { return Set.of(); }
        @Override public boolean isArmed(String fault) { return false; }
        @Override public List<FaultRuleState> rules() { return List.of(); }
        @Override public Set<String> supported() { return Set.of(); }
    };

    @Override
    public String toString() {
        return instanceId;
    }
}
