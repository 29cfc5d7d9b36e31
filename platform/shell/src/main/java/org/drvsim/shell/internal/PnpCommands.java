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

/** The {@code pnp:} commands: the PnP device tree. */
@Component(service = PnpCommands.class, property = {
        "osgi.command.scope=pnp",
        "osgi.command.function=tree"})
public final class PnpCommands {
    private final PnpManager pnp;

    @Activate
    public PnpCommands(@Reference PnpManager pnp) {
        this.pnp = pnp;
    }

    /** One device node. */
    public record NodeRow(String instanceId, List<String> hardwareIds, String state, String driver, int problem,
                          String problemStatus) {
        @Override
        public String toString() {
            return String.format("%-26s %-22s %-20s %-48s %s", instanceId, String.join(",", hardwareIds), state,
                    driver.isEmpty() ? "(no driver)" : driver,
                    problem == 0 ? "" : "Code " + problem + (problemStatus == null ? "" : " (" + problemStatus + ")"));
        }
    }

    @Descriptor("shows the PnP device tree: instance ID, hardware IDs, state, driver and problem code")
    public List<NodeRow> tree() {
        List<NodeRow> rows = new ArrayList<>();
        for (DeviceNode n : pnp.deviceTree()) {
            rows.add(new NodeRow(n.instanceId(), n.hardwareIds(), n.state().name(), n.driverName(), n.problem(),
                    n.problemStatus()));
        }
        return rows;
    }

}
