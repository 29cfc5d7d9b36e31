package org.drvsim.hw.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.hw.DeviceErrorListener;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.FaultListener;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.HardwareListener;
import org.drvsim.hw.HostMemory;
import org.drvsim.hw.SimDevice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The one bus of the simulated machine. Changes are serialised by the bus lock so that listeners
 * see arrivals and removals in the order they happened.
 *
 * <p>The bus builds each device's hardware from its {@link DeviceSpec#DEVICE_TYPE} and gives PCI
 * devices a slot (the lowest free one; a removed device frees its slot). DMA devices reach host
 * memory through the {@link HostMemory} service this component references (static, mandatory:
 * {@link SimHostMemory} in the same bundle), the same service software allocates from.
 */
@Component(service = HardwareBus.class)
public final class SimHardwareBus implements HardwareBus {
    private static final Logger LOG = Logger.getLogger(SimHardwareBus.class.getName());
    /** How long a bundle stop waits for each device thread to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final HostMemory memory;
    private final Object lock = new Object();
    private final Map<String, SimDeviceImpl> devices = new LinkedHashMap<>();
    private final Map<SimDeviceImpl, Integer> pciSlots = new LinkedHashMap<>(); // guarded by lock
    private final BitSet slotsTaken = new BitSet(PciEchoDma.SLOTS); // guarded by lock
    private final List<HardwareListener> listeners = new CopyOnWriteArrayList<>();
    private final List<FaultListener> faultListeners = new CopyOnWriteArrayList<>();
    private final List<DeviceErrorListener> errorListeners = new CopyOnWriteArrayList<>();

    @Activate
    public SimHardwareBus(@Reference(name = "hostMemory") HostMemory memory) {
        this.memory = memory;
    }

    @Override
    public List<org.drvsim.hw.DeviceKind> kinds() {
        return DefaultMachine.KINDS;
    }

    @Override
    public SimDevice plug(DeviceSpec spec) {
        return plug(spec, List.of());
    }

    @Override
    public SimDevice plug(DeviceSpec spec, List<FaultRule> faults) {
        synchronized (lock) {
            String key = key(spec.instanceId());
            if (devices.containsKey(key)) {
                throw new IllegalArgumentException("device " + spec.instanceId() + " is already present");
            }
            SimDeviceImpl device = create(spec);
            armBeforeArrival(device, faults);
            device.faultRules().reportTo((fault, firing) -> {
                for (FaultListener l : faultListeners) {
                    l.faultInjected(device, fault, firing);
                }
            });
            device.onVanish(() -> {
                try {
                    surpriseRemove(device.instanceId());
                } catch (IllegalArgumentException alreadyGone) {
                    // removed meanwhile: vanishing twice is vanishing once
                }
            });
            devices.put(key, device);
            cableAsConfigured(device);
            for (HardwareListener l : listeners) {
                l.deviceArrived(device);
            }
            return device;
        }
    }

    /**
     * Guarded by lock. An Ethernet controller whose {@link E1kRegisters#CABLE_PROPERTY} names a present, uncabled
     * controller, or that such a present controller names, is cabled to it now.
     */
    private void cableAsConfigured(SimDeviceImpl device) {
        if (!(device.hardware() instanceof E1kController mine) || mine.peer().isPresent()) {
            return;
        }
        for (SimDeviceImpl other : devices.values()) {
            if (other == device || !(other.hardware() instanceof E1kController theirs) || theirs.peer().isPresent()) {
                continue;
            }
            String wanted = device.properties().get(E1kRegisters.CABLE_PROPERTY);
            String theyWant = other.properties().get(E1kRegisters.CABLE_PROPERTY);
            if (other.instanceId().equalsIgnoreCase(wanted == null ? "" : wanted.strip())
                    || device.instanceId().equalsIgnoreCase(theyWant == null ? "" : theyWant.strip())) {
                E1kController.cable(mine, theirs);
                return;
            }
        }
    }

    /**
     * Guarded by lock. Arms the rules of a device just built, before anyone hears of it; a rule the device does not
     * support undoes the build (its PCI slot freed, its thread stopped) and is refused.
     */
    private void armBeforeArrival(SimDeviceImpl device, List<FaultRule> faults) {
        try {
            for (FaultRule rule : faults) {
                device.faults().arm(rule);
            }
        } catch (IllegalArgumentException e) {
            Integer slot = pciSlots.remove(device);
            if (slot != null) {
                slotsTaken.clear(slot);
            }
            device.markGone(false);
            throw e;
        }
    }

    /** Guarded by lock. Builds the device or refuses the spec, changing nothing. */
    private SimDeviceImpl create(DeviceSpec spec) {
        String type = spec.properties().get(DeviceSpec.DEVICE_TYPE);
        if (type == null) {
            return new SimDeviceImpl(spec);
        }
        boolean e1k = type.equals(E1kRegisters.DEVICE_TYPE);
        if (!e1k && !type.equals(EchoDmaRegisters.DEVICE_TYPE)) {
            throw new IllegalArgumentException("device " + spec.instanceId() + ": " + DeviceSpec.DEVICE_TYPE + "='"
                    + type + "' is not a known device type; use " + EchoDmaRegisters.DEVICE_TYPE + " or "
                    + E1kRegisters.DEVICE_TYPE + ", or leave it out for a device without resources");
        }
        int slot = slotsTaken.nextClearBit(0);
        if (slot >= PciEchoDma.SLOTS) {
            throw new IllegalArgumentException("cannot plug " + spec.instanceId() + ": all " + PciEchoDma.SLOTS
                    + " PCI slots are taken");
        }
        Set<String> supported = new TreeSet<>(Faults.parse(spec.properties().get("faults.supported")));
        supported.addAll(e1k ? E1kController.FAULTS : PciEchoDma.FAULTS);
        supported.addAll(SimDeviceImpl.REGISTER_FAULTS);
        Faults faults = new Faults(spec.instanceId(), supported);
        SimDeviceImpl device;
        if (e1k) {
            AtomicReference<SimDevice> self = new AtomicReference<>();
            device = new SimDeviceImpl(spec, faults, new E1kController(spec, slot, memory, faults,
                    (error, detail) -> deviceError(self.get(), error, detail)));
            self.set(device);
        } else {
            device = new SimDeviceImpl(spec, faults, new PciEchoDma(spec, slot, memory, faults));
        }
        slotsTaken.set(slot);
        pciSlots.put(device, slot);
        return device;
    }

    @Override
    public void unplug(String instanceId) {
        remove(instanceId, false);
    }

    @Override
    public void surpriseRemove(String instanceId) {
        remove(instanceId, true);
    }

    private SimDeviceImpl remove(String instanceId, boolean surprise) {
        synchronized (lock) {
            SimDeviceImpl device = devices.remove(key(instanceId));
            if (device == null) {
                throw new IllegalArgumentException("no device " + instanceId + " is present");
            }
            device.markGone(surprise);
            Integer slot = pciSlots.remove(device);
            if (slot != null) {
                slotsTaken.clear(slot);
            }
            for (HardwareListener l : listeners) {
                l.deviceRemoved(device, surprise);
            }
            return device;
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

    @Override
    public AutoCloseable addFaultListener(FaultListener listener) {
        faultListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        return () -> faultListeners.remove(listener);
    }

    @Override
    public AutoCloseable addDeviceErrorListener(DeviceErrorListener listener) {
        errorListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        return () -> errorListeners.remove(listener);
    }

    /** Tells the error listeners; one that throws is logged and the others still hear of it. */
    private void deviceError(SimDevice device, String error, String detail) {
        for (DeviceErrorListener l : errorListeners) {
            try {
                l.deviceError(device, error, detail);
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, "drvsim: a device error listener failed", e);
            }
        }
    }

    /**
     * Every device leaves in an orderly way, newest first, when the hardware bundle stops; then the
     * stop waits (outside the bus lock) for the device threads to end, so that none runs this
     * bundle's classes after it stopped.
     */
    @Deactivate
    void deactivate() {
        List<SimDevice> all = devices();
        List<SimDeviceImpl> removed = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                removed.add(remove(all.get(i).instanceId(), false));
            } catch (IllegalArgumentException alreadyGone) {
                // removed concurrently
            }
        }
        try {
            for (SimDeviceImpl d : removed) {
                if (!d.hardware().awaitStopped(STOP_TIMEOUT)) {
                    LOG.warning("drvsim: the device thread of " + d.instanceId() + " did not end within "
                            + STOP_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the framework is in a hurry; the threads are daemons
        }
    }

    private static String key(String instanceId) {
        return instanceId.toUpperCase(Locale.ROOT);
    }
}
