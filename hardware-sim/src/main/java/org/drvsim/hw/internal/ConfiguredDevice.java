package org.drvsim.hw.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.drvsim.hw.internal.DeviceConfigParser.ParsedDevice;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One device of the machine as configuration ({@link DeviceConfigurations}): DS makes one of these per factory
 * configuration of {@value DeviceConfigurations#FACTORY_PID}. Activation plugs the device, a modification unplugs it
 * (orderly) and plugs it again as configured, unless it would be the same device; the configuration's deletion
 * surprise-removes it. A refused configuration plugs nothing, is logged at SEVERE naming its file and key, and is
 * recorded in {@link DeviceConfigurationsImpl}; a modification that is refused leaves the device as it was.
 *
 * <p>DS calls these methods one at a time, on ConfigAdmin's update thread. The bus tells the PnP manager at once; the
 * device's start or removal then runs on the PnP worker.
 */
@Component(configurationPid = DeviceConfigurations.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class ConfiguredDevice {
    private static final Logger LOG = Logger.getLogger(ConfiguredDevice.class.getName());
    /** DS's deactivation reason for a deleted configuration (ComponentConstants, OSGi Compendium 112.5.16). */
    static final int DEACTIVATION_REASON_CONFIGURATION_DELETED = 4;
    /** The property FileInstall keeps a configuration's file in (a URI). */
    static final String FILENAME = "felix.fileinstall.filename";

    private final HardwareBus bus;
    private final DeviceConfigurationsImpl outcomes;
    private final String pid;
    /** The device as configured and plugged now, or null; only DS's calls touch it, one at a time. */
    private ParsedDevice current;
    private SimDevice device;

    @Activate
    public ConfiguredDevice(@Reference HardwareBus bus, @Reference DeviceConfigurationsImpl outcomes,
                            Map<String, Object> properties) {
        this.bus = bus;
        this.outcomes = outcomes;
        this.pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate(int reason) {
        outcomes.forget(pid);
        if (device == null || bus.device(device.instanceId()).filter(d -> d == device).isEmpty()) {
            return; // refused, or removed by hand since: nothing of ours is on the bus
        }
        try {
            if (reason == DEACTIVATION_REASON_CONFIGURATION_DELETED) {
                bus.surpriseRemove(device.instanceId());
            } else {
                bus.unplug(device.instanceId()); // the bundle stops: as the default machine leaves
            }
        } catch (IllegalArgumentException goneMeanwhile) {
            // removed between the check and the call: removing twice is removing once
        }
    }

    /** Plugs the device as configured, or re-plugs it when it changed; records and logs a refusal. */
    private void apply(Map<String, Object> properties) {
        String source = source(pid, properties);
        ParsedDevice next;
        try {
            next = DeviceConfigParser.parse(source, properties, bus::kind);
        } catch (IllegalArgumentException e) {
            refuse(source, instanceIdOf(properties), e.getMessage());
            return;
        }
        boolean present = device != null && bus.device(device.instanceId()).filter(d -> d == device).isPresent();
        if (present && next.equals(current)) {
            outcomes.record(pid, new DeviceConfigurationsImpl.Outcome(source, device.instanceId(), device, ""));
            return; // the same device: nothing to do
        }
        ParsedDevice previous = present ? current : null;
        if (previous != null) {
            bus.unplug(device.instanceId());
        }
        try {
            device = bus.plug(next.spec(), next.rules());
            current = next;
            outcomes.record(pid, new DeviceConfigurationsImpl.Outcome(source, device.instanceId(), device, ""));
            LOG.fine("drvsim: " + source + ": plugged " + device.instanceId());
        } catch (IllegalArgumentException e) {
            String message = DeviceConfigParser.refusedByTheBus(source, next, e.getMessage()
                    + outcomes.sourceOf(next.spec().instanceId(), pid).map(s -> " (configured by " + s + ")")
                    .orElse("")).getMessage();
            if (previous != null) {
                // the bus refused the new device: the old one goes back as it was
                try {
                    device = bus.plug(previous.spec(), previous.rules());
                    message += "; " + device.instanceId() + " was plugged again as it was";
                } catch (IllegalArgumentException taken) {
                    device = null; // its instance ID or slot was taken meanwhile
                    current = null;
                    message += "; " + previous.spec().instanceId() + " could not be plugged again: " + taken.getMessage();
                }
                refuse(source, previous.spec().instanceId(), message);
            } else {
                device = null;
                current = null;
                refuse(source, next.spec().instanceId(), message);
            }
        }
    }

    private void refuse(String source, String instanceId, String message) {
        boolean kept = device != null && bus.device(device.instanceId()).filter(d -> d == device).isPresent();
        String text = kept && !message.contains(" was plugged again") ? message + "; " + device.instanceId()
                + " stays as it was" : message;
        LOG.log(Level.SEVERE, "drvsim: device configuration refused: " + text);
        outcomes.record(pid, new DeviceConfigurationsImpl.Outcome(source, kept ? device.instanceId()
                : Objects.requireNonNullElse(instanceId, ""), kept ? device : null, text));
    }

    private static String instanceIdOf(Map<String, Object> properties) {
        String id = DeviceConfigParser.text(properties.get(DeviceConfigurations.INSTANCE_ID));
        return id == null ? "" : id.strip();
    }

    /** The file FileInstall read the configuration from, as a path, or {@code configuration PID}. */
    static String source(String pid, Map<String, ?> properties) {
        Object file = properties.get(FILENAME);
        if (file == null) {
            return "configuration " + pid;
        }
        try {
            return Path.of(URI.create(file.toString())).toString();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return file.toString();
        }
    }
}
