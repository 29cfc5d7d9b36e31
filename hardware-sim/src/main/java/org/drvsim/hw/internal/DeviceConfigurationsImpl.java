package org.drvsim.hw.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What became of each device configuration: {@link ConfiguredDevice} records its outcome here, the shell reads it.
 * Thread-safe.
 */
@Component(service = {DeviceConfigurations.class, DeviceConfigurationsImpl.class})
public final class DeviceConfigurationsImpl implements DeviceConfigurations {
    /** One configuration's outcome: the device it plugged (null when refused) and what there is to say. */
    record Outcome(String source, String instanceId, SimDevice device, String problem) {
    }

    private final HardwareBus bus;
    /** By PID, in arrival order; guarded by this. */
    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();

    @Activate
    public DeviceConfigurationsImpl(@Reference HardwareBus bus) {
        this.bus = bus;
    }

    synchronized void record(String pid, Outcome outcome) {
        outcomes.put(pid, outcome);
    }

    synchronized void forget(String pid) {
        outcomes.remove(pid);
    }

    /** @return the source of another configuration whose device has this instance ID, if one is plugged */
    synchronized Optional<String> sourceOf(String instanceId, String exceptPid) {
        return outcomes.entrySet().stream().filter(e -> !e.getKey().equals(exceptPid))
                .filter(e -> e.getValue().device() != null && e.getValue().instanceId().equalsIgnoreCase(instanceId))
                .map(e -> e.getValue().source()).findFirst();
    }

    @Override
    public List<Status> configurations() {
        List<Status> out = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
                Outcome o = e.getValue();
                State state = o.device() == null ? State.REFUSED
                        : bus.device(o.instanceId()).filter(d -> d == o.device()).isPresent() ? State.PLUGGED
                        : State.REMOVED;
                out.add(new Status(e.getKey(), o.source(), o.instanceId(), state, o.problem()));
            }
        }
        return out;
    }
}
