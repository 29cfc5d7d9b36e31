package org.drvsim.kernel.internal;

import java.util.List;
import java.util.Map;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;

/** A device node; written only on the PnP worker, read anywhere. */
final class DeviceNodeImpl implements DeviceNode {
    final SimDevice device;
    volatile DeviceNodeState state = DeviceNodeState.DeviceNodeUninitialized;
    volatile int problem = CM_PROB_NONE;
    volatile String problemStatus;
    volatile DriverObjectImpl driver;
    volatile String driverName = "";

    DeviceNodeImpl(SimDevice device) {
        this.device = device;
    }

    @Override public String instanceId() { return device.instanceId(); }
    @Override public List<String> hardwareIds() { return device.hardwareIds(); }
    @Override public String description() { return device.description(); }
    @Override public Map<String, String> properties() { return device.properties(); }
    @Override public DeviceNodeState state() { return state; }
    @Override public int problem() { return problem; }
    @Override public String problemStatus() { return problemStatus; }
    @Override public String driverName() { return driverName; }

    @Override
    public String toString() {
        return instanceId();
    }
}
