package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.console.Table;
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

    @Descriptor("lists driver bundles: bundle ID, symbolic name, model, bundle state, driver state and devices")
    public String list(@Descriptor("show everything: the bundles' versions, every value uncut")
                       @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide) {
        Table t = new Table(column("ID").alignRight().uncut(), column("SYMBOLIC NAME").uncut(),
                column("VERSION").wideOnly(), column("MODEL"), column("BUNDLE STATE"), column("DRIVER STATE"),
                column("DEVICES"));
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
            t.add(b.getBundleId(), b.getSymbolicName(), b.getVersion(), model, bundleState(b.getState()),
                    d != null ? "Loaded" : "NotLoaded", devices.isEmpty() ? "-" : String.join(", ", devices));
        }
        return t.format(wide);
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
