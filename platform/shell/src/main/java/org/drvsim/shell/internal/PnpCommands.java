package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.console.Table;
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

    @Descriptor("shows the PnP device tree: instance ID, hardware IDs, state, driver and problem code")
    public String tree(@Descriptor("show everything: the drivers' versions, every value uncut")
                       @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide) {
        Table t = new Table(column("INSTANCE ID").uncut(), column("HARDWARE IDS"), column("STATE").uncut(),
                column("DRIVER"), column("PROBLEM"));
        for (DeviceNode n : pnp.deviceTree()) {
            t.add(n.instanceId(), String.join(",", n.hardwareIds()), n.state().name(),
                    n.driverName().isEmpty() ? "(no driver)" : driver(n.driverName(), wide),
                    n.problem() == 0 ? "" : "Code " + n.problem()
                            + (n.problemStatus() == null ? "" : " (" + n.problemStatus() + ")"));
        }
        return t.format(wide);
    }

    /**
     * @param driver a driver as the kernel names it, {@code symbolicName/version}
     * @return the driver as the tables show it: by symbolic name, which {@code start} and {@code stop} take; the wide
     *         form keeps the version
     */
    static String driver(String driver, boolean wide) {
        int slash = driver.indexOf('/');
        return wide || slash < 0 ? driver : driver.substring(0, slash);
    }
}
