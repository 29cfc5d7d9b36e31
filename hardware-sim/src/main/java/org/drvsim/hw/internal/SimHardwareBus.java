package org.drvsim.hw.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.HardwareListener;
import org.drvsim.hw.SimDevice;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The one bus of the simulated machine. Changes are serialised by the bus lock so that listeners
 * see arrivals and removals in the order they happened.
 */
@Component(service = HardwareBus.class)
public final class SimHardwareBus implements HardwareBus {
    private final Object lock = new Object();
    private final Map<String, SimDeviceImpl> devices = new LinkedHashMap<>();
    private final List<HardwareListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public SimDevice plug(DeviceSpec spec) {
        synchronized (lock) {
            String key = key(spec.instanceId());
            if (devices.containsKey(key)) {
                throw new IllegalArgumentException("device " + spec.instanceId() + " is already present");
            }
            SimDeviceImpl device = new SimDeviceImpl(spec);
            devices.put(key, device);
            for (HardwareListener l : listeners) {
                l.deviceArrived(device);
            }
            return device;
        }
    }

    @Override
    public void unplug(String instanceId) {
        remove(instanceId, false);
    }

    @Override
    public void surpriseRemove(String instanceId) {
        remove(instanceId, true);
    }

    private void remove(String instanceId, boolean surprise) {
        synchronized (lock) {
            SimDeviceImpl device = devices.remove(key(instanceId));
            if (device == null) {
                throw new IllegalArgumentException("no device " + instanceId + " is present");
            }
            device.markGone();
            for (HardwareListener l : listeners) {
                l.deviceRemoved(device, surprise);
            }
        }
    }

    @Override
    public List<SimDevice> devices() {
        synchronized (lock) {
            return List.copyOf(devices.values());
        }
    }

    @Override
    public Optional<SimDevice> device(String instanceId) {
        synchronized (lock) {
            return Optional.ofNullable(devices.get(key(instanceId)));
        }
    }

    @Override
    public AutoCloseable addListener(HardwareListener listener) {
        synchronized (lock) {
            listeners.add(listener);
            for (SimDevice d : new ArrayList<>(devices.values())) {
                listener.deviceArrived(d);
            }
        }
        return () -> listeners.remove(listener);
    }

    /** Every device leaves in an orderly way, newest first, when the hardware bundle stops. */
    @Deactivate
    void deactivate() {
        List<SimDevice> all = devices();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                unplug(all.get(i).instanceId());
            } catch (IllegalArgumentException alreadyGone) {
                // removed concurrently
            }
        }
    }

    private static String key(String instanceId) {
        return instanceId.toUpperCase(Locale.ROOT);
    }
}
