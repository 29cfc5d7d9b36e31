package org.drvsim.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code driver:} commands: driver bundles and their state. */
@Component(service = DriverCommands.class, property = {
        "osgi.command.scope=driver",
        "osgi.command.function=list"})
public final class DriverCommands {
    private final PnpManager pnp;
    private final BundleContext context;

    @Activate
    public DriverCommands(@Reference PnpManager pnp, BundleContext context) {
        this.pnp = pnp;
        this.context = context;
    }

    /** One driver bundle. */
    public record DriverRow(long bundleId, String symbolicName, String model, String bundleState, String driverState,
                            List<String> devices) {
        @Override
        public String toString() {
            return String.format("%4d %-36s %-8s %-9s %-10s %s", bundleId, symbolicName, model, bundleState, driverState,
                    devices.isEmpty() ? "-" : String.join(", ", devices));
        }
    }

    @Descriptor("lists driver bundles: bundle ID, symbolic name, model, bundle state, driver state and devices")
    public List<DriverRow> list() {
        List<DriverRow> rows = new ArrayList<>();
        List<DriverObject> loaded = pnp.drivers();
        for (Bundle b : context.getBundles()) {
            String header = b.getHeaders("").get(DriverDescriptor.HEADER);
            if (header == null) {
                continue;
            }
            String model;
            try {
                model = DriverDescriptor.parse(header).model();
            } catch (IllegalArgumentException e) {
                model = "(bad header)";
            }
            DriverObject d = loaded.stream().filter(o -> o.bundle().getBundleId() == b.getBundleId()).findFirst().orElse(null);
            List<String> devices = d == null ? List.of() : d.devices().stream().map(DeviceNode::instanceId).toList();
            rows.add(new DriverRow(b.getBundleId(), b.getSymbolicName(), model, bundleState(b.getState()),
                    d != null ? "Loaded" : "NotLoaded", devices));
        }
        return rows;
    }

    static String bundleState(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "Installed";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            case Bundle.ACTIVE -> "Active";
            default -> "Uninstalled";
        };
    }

}
