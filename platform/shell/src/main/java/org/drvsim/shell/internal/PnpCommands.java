package org.drvsim.shell.internal;

import java.util.List;

import static org.drvsim.kernel.console.Table.column;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.console.Table;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code pnp:} commands: the PnP device tree, disable, enable and rebalance. */
@Component(service = PnpCommands.class, property = {
        "osgi.command.scope=pnp",
        "osgi.command.function=tree", "osgi.command.function=disable", "osgi.command.function=enable",
        "osgi.command.function=rebalance"})
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
        List<DeviceNode> all = pnp.deviceTree();
        for (DeviceNode n : all) {
            boolean orphan = all.stream().noneMatch(p -> p.instanceId().equalsIgnoreCase(n.parentInstanceId()));
            if (n.parentInstanceId().isEmpty() || orphan) {
                addSubtree(t, all, n, 0, wide);
            }
        }
        return t.format(wide);
    }

    /** A node, then the children its bus driver enumerated, indented under it, in enumeration order. */
    private void addSubtree(Table t, List<DeviceNode> all, DeviceNode n, int depth, boolean wide) {
        t.add("  ".repeat(depth) + (depth > 0 ? "└ " : "") + n.instanceId(), String.join(",", n.hardwareIds()),
                n.state().name(), n.driverName().isEmpty() ? "(no driver)" : driver(n.driverName(), wide),
                n.problem() == 0 ? "" : "Code " + n.problem()
                        + (n.problemStatus() == null ? "" : " (" + n.problemStatus() + ")"));
        for (DeviceNode c : all) {
            if (c.parentInstanceId().equalsIgnoreCase(n.instanceId())) {
                addSubtree(t, all, c, depth + 1, wide);
            }
        }
    }

    @Descriptor("disables a device as Device Manager does: IRP_MN_QUERY_REMOVE_DEVICE (the driver may veto it), then "
            + "IRP_MN_REMOVE_DEVICE; the device keeps its place with problem code 22, and a driver whose last device it "
            + "was is unloaded; returns when done")
    public String disable(@Descriptor("device instance ID, quoted, for example 'ROOT\\NETVMINI\\0001'") String instanceId)
            throws InterruptedException {
        HardwareCommands.requireBackslash(instanceId, "pnp:disable 'ROOT\\NETVMINI\\0001'");
        String driver = pnp.node(instanceId).map(DeviceNode::driverName).orElse("");
        DeviceNode n = pnp.disable(instanceId);
        String removed = driver.isEmpty() ? "" : ": removed by " + driver
                + (pnp.driver(driver).isEmpty() ? ", which was unloaded with its last device" : "");
        return "disabled " + n.instanceId() + removed + " (Code " + n.problem() + ")";
    }

    @Descriptor("enables a disabled device: the driver that claims it (loaded again if it was unloaded) starts it; "
            + "returns when done")
    public String enable(@Descriptor("device instance ID, quoted, for example 'ROOT\\NETVMINI\\0001'") String instanceId)
            throws InterruptedException {
        HardwareCommands.requireBackslash(instanceId, "pnp:enable 'ROOT\\NETVMINI\\0001'");
        DeviceNode n = pnp.enable(instanceId);
        return "enabled " + n.instanceId() + ": " + HardwareCommands.outcome(pnp, n.instanceId());
    }

    @Descriptor("moves a started device's resources as the PnP manager's arbiter does: IRP_MN_QUERY_STOP_DEVICE (the "
            + "driver may refuse), IRP_MN_STOP_DEVICE, then IRP_MN_START_DEVICE with the new resources; returns when done")
    public String rebalance(@Descriptor("device instance ID, quoted, for example 'PCI\\VEN_1414&DEV_EC40\\0000'")
                            String instanceId) throws InterruptedException {
        HardwareCommands.requireBackslash(instanceId, "pnp:rebalance 'PCI\\VEN_1414&DEV_EC40\\0000'");
        String before = pnp.node(instanceId).map(n -> n.resources().toString()).orElse("[]");
        DeviceNode n = pnp.rebalance(instanceId);
        String after = n.resources().toString();
        return "rebalanced " + n.instanceId() + ": " + HardwareCommands.outcome(pnp, n.instanceId())
                + (before.equals(after) ? "; no resources to move" : "; resources " + before + " -> " + after);
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
