package org.drvsim.hw.internal;

import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.SimDevice;

final class SimDeviceImpl implements SimDevice {
    private final DeviceSpec spec;
    private final Faults faults;
    private volatile boolean present = true;

    SimDeviceImpl(DeviceSpec spec) {
        this.spec = spec;
        this.faults = new Faults(spec.instanceId(), Faults.parse(spec.properties().get("faults.supported")));
    }

    void markGone() {
        present = false;
    }

    @Override public String instanceId() { return spec.instanceId(); }
    @Override public List<String> hardwareIds() { return spec.hardwareIds(); }
    @Override public String description() { return spec.description(); }
    @Override public Map<String, String> properties() { return spec.properties(); }
    @Override public boolean present() { return present; }
    @Override public DeviceFaults faults() { return faults; }

    @Override
    public String toString() {
        return spec.instanceId();
    }
}
