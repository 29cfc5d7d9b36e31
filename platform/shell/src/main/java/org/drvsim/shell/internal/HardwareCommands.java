package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.FaultRuleState;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.console.Table;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code hw:} commands: the simulated machine's devices, hot-plug, unplug, surprise removal and
 * fault rules (netdevsim's new_device/del_device and fail_* files, Linux fault-injection's interval, probability
 * and times).
 */
@Component(service = HardwareCommands.class, property = {
        "osgi.command.scope=hw",
        "osgi.command.function=devices", "osgi.command.function=plug", "osgi.command.function=unplug",
        "osgi.command.function=surprise", "osgi.command.function=fault",
        "osgi.command.function=faults", "osgi.command.function=config"})
public final class HardwareCommands {
    private final HardwareBus bus;
    private final PnpManager pnp;
    private final DeviceConfigurations configurations;

    @Activate
    public HardwareCommands(@Reference HardwareBus bus, @Reference PnpManager pnp,
                            @Reference DeviceConfigurations configurations) {
        this.bus = bus;
        this.pnp = pnp;
        this.configurations = configurations;
    }

    /** Waits for the PnP work a bus change queued, so that the command returns when it is done. */
    private void awaitPnp() throws InterruptedException {
        pnp.drain();
    }

    /** @return what the PnP manager made of the device: its state, driver and problem code */
    private String outcome(String instanceId) {
        return outcome(pnp, instanceId);
    }

    /** Whether the system sleeps: the PnP manager finds hardware changes only when it wakes. */
    private boolean asleep() {
        org.drvsim.kernel.SystemPowerState s = pnp.systemPowerState();
        return s == org.drvsim.kernel.SystemPowerState.PowerSystemSleeping3
                || s == org.drvsim.kernel.SystemPowerState.PowerSystemHibernate;
    }

    private static final String FOUND_ON_WAKE = "; the system is asleep: the PnP manager finds the change when it wakes"
            + " (power:wake)";

    /** How a device ended up: its node state, driver and problem code. */
    static String outcome(PnpManager pnp, String instanceId) {
        return pnp.node(instanceId).map(n -> n.state() + (n.driverName().isEmpty() ? " (no driver)" : " by "
                + n.driverName()) + (n.problem() != 0 ? ", Code " + n.problem() + ": " + n.problemStatus() : ""))
                .orElse("gone from the device tree");
    }

    @Descriptor("lists the simulated devices: instance ID, hardware IDs, description and the faults armed")
    public String devices(@Descriptor("show everything: every value uncut")
                          @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                          boolean wide) {
        Table t = new Table(column("INSTANCE ID").uncut(), column("HARDWARE IDS"), column("DESCRIPTION"),
                column("FAULTS ARMED"));
        for (SimDevice d : bus.devices()) {
            List<String> faults = d.faults().armed().stream().sorted().toList();
            t.add(d.instanceId(), String.join(",", d.hardwareIds()), d.description(),
                    faults.isEmpty() ? "none" : String.join(",", faults));
        }
        long refused = configurations.configurations().stream().filter(c -> !c.problem().isEmpty()).count();
        return refused == 0 ? t.format(wide) : t.format(wide) + "\n" + refused + " device configuration(s) refused: "
                + "hw:config shows why";
    }

    @Descriptor("lists the device configurations (etc/org.drvsim.hw.device-NAME.cfg, ConfigAdmin factory PID "
            + DeviceConfigurations.FACTORY_PID + ") and what became of each: plugged, removed since, or refused and why")
    public String config(@Descriptor("show everything: every value uncut")
                         @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                         boolean wide) {
        Table t = new Table(column("PID"), column("INSTANCE ID").uncut(), column("STATE"), column("SOURCE").wideOnly(),
                column("PROBLEM"));
        for (DeviceConfigurations.Status c : configurations.configurations()) {
            String pid = c.pid().startsWith(DeviceConfigurations.FACTORY_PID + "~")
                    ? c.pid().substring(DeviceConfigurations.FACTORY_PID.length() + 1) : c.pid();
            // the problem begins with the source, shown in its own column
            String problem = c.problem().startsWith(c.source() + ": ") ? c.problem().substring(c.source().length() + 2)
                    : c.problem();
            t.add(pid, c.instanceId(), c.state().name().toLowerCase(java.util.Locale.ROOT), c.source(), problem);
        }
        return t.format(wide);
    }

    @Descriptor("lists the kinds of device the machine models, by hardware ID (hw:plug ID HWID plugs one)")
    public String plug() {
        StringBuilder sb = new StringBuilder(String.format("%-24s %s%n", "HARDWARE ID", "DEVICE MODEL"));
        for (DeviceKind k : bus.kinds()) {
            sb.append(String.format("%-24s %s%n", k.hardwareId(), k.description()));
        }
        sb.append("usage: hw:plug [--async] 'INSTANCE-ID' 'HARDWARE-ID' (another hardware ID plugs a bare device "
                + "without resources)");
        return sb.toString();
    }

    @Descriptor("plugs a device (hot-plug) and returns when the PnP manager has started it with the driver that claims "
            + "it, or given it a problem code; a hardware ID the machine models (hw:plug lists them) plugs that device "
            + "with its resources")
    public String plug(@Descriptor("return at once; pnp:wait waits for the PnP work")
                       @Parameter(names = "--async", presentValue = "true", absentValue = "false") boolean async,
                       @Descriptor("device instance ID, quoted, for example 'ROOT\\NETVMINI\\0002'") String instanceId,
                       @Descriptor("hardware ID, quoted, for example 'ROOT\\NETVMINI'") String hardwareId)
            throws InterruptedException {
        requireBackslash(instanceId, "hw:plug 'ROOT\\NETVMINI\\0002' 'ROOT\\NETVMINI'");
        DeviceKind kind = bus.kind(hardwareId).orElse(null);
        DeviceSpec spec = kind != null ? kind.spec(instanceId, kind.description() + " (hot-plugged)")
                : new DeviceSpec(instanceId, List.of(hardwareId), "hot-plugged device", Map.of());
        SimDevice d = bus.plug(spec);
        // a root-enumerated device has no resources anyway; a bus device without a model would be a surprise
        String what = kind != null || !hardwareId.toUpperCase(java.util.Locale.ROOT).startsWith("PCI\\") ? ""
                : " (no device model for " + hardwareId + ": a device without resources)";
        if (async) {
            return "plugged " + d.instanceId() + what + "; the PnP manager starts it in the background";
        }
        awaitPnp();
        if (asleep()) {
            return "plugged " + d.instanceId() + what + FOUND_ON_WAKE;
        }
        return "plugged " + d.instanceId() + what + ": " + outcome(d.instanceId());
    }

    @Descriptor("removes a device in an orderly way (eject: IRP_MN_QUERY_REMOVE_DEVICE, which the driver may veto, then "
            + "IRP_MN_REMOVE_DEVICE) and returns when its driver has removed it; --async does not wait and cannot be vetoed")
    public String unplug(@Descriptor("return at once; pnp:wait waits for the PnP work")
                         @Parameter(names = "--async", presentValue = "true", absentValue = "false") boolean async,
                         @Descriptor("device instance ID, quoted") String instanceId) throws InterruptedException {
        requireBackslash(instanceId, "hw:unplug 'ROOT\\NETVMINI\\0001'");
        String driver = driverOf(instanceId);
        if (!async) {
            pnp.eject(instanceId); // query-remove first: a driver's veto keeps the device plugged in and started
        }
        bus.unplug(instanceId);
        if (async) {
            return "unplugged " + instanceId + "; the PnP manager removes it in the background";
        }
        awaitPnp();
        return "unplugged " + instanceId + driver;
    }

    @Descriptor("pulls a device without warning (surprise removal) and returns when its driver has removed it")
    public String surprise(@Descriptor("return at once; pnp:wait waits for the PnP work")
                           @Parameter(names = "--async", presentValue = "true", absentValue = "false") boolean async,
                           @Descriptor("device instance ID, quoted") String instanceId) throws InterruptedException {
        requireBackslash(instanceId, "hw:surprise 'ROOT\\NETVMINI\\0001'");
        String driver = driverOf(instanceId);
        bus.surpriseRemove(instanceId);
        if (async) {
            return "surprise-removed " + instanceId + "; the PnP manager removes it in the background";
        }
        awaitPnp();
        if (asleep()) {
            return "surprise-removed " + instanceId + FOUND_ON_WAKE;
        }
        return "surprise-removed " + instanceId + driver;
    }

    /** "; removed by DRIVER" for a device a driver runs, or empty. */
    private String driverOf(String instanceId) {
        return pnp.node(instanceId).map(n -> n.driverName().isEmpty() ? "" : ": removed by " + n.driverName())
                .orElse("");
    }

    @Descriptor("arms a fault rule of a device (every time, the Nth check, every Nth check or with a seeded "
            + "probability; --times N disarms it after N firings), disarms it (off) or every rule of the device "
            + "(--clear); each firing is a * FaultInjected trace event. " + FaultArguments.USAGE)
    public String fault(@Descriptor("'INSTANCE-ID' FAULT [on|off|options], or 'INSTANCE-ID' --clear") String... args) {
        if (args.length == 0) {
            throw FaultArguments.refuse("a device instance ID is missing; " + FaultArguments.USAGE);
        }
        String instanceId = args[0];
        SimDevice d = bus.device(instanceId).orElseThrow(() -> FaultArguments.refuse("no device '" + instanceId
                + "' is present (hw:devices lists them)" + (instanceId.contains("\\") ? "" : NOT_AN_INSTANCE_ID)));
        DeviceFaults faults = d.faults();
        FaultArguments.Action action = FaultArguments.parse(Arrays.asList(args).subList(1, args.length),
                faults.supported());
        if (action instanceof FaultArguments.Arm arm) {
            faults.arm(arm.rule());
            FaultRule r = arm.rule();
            return d.instanceId() + ": " + r.fault() + " armed, " + when(r) + "; faults armed " + faults.armed();
        } else if (action instanceof FaultArguments.Disarm off) {
            faults.disarm(off.fault());
        } else {
            faults.clear();
        }
        return d.instanceId() + ": faults armed " + faults.armed();
    }

    @Descriptor("lists the armed fault rules of every device with their counters: the checks the operation made "
            + "since the rule was armed and how many of them fired")
    public String faults(@Descriptor("show everything: every value uncut")
                         @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                         boolean wide) {
        Table t = new Table(column("INSTANCE ID").uncut(), column("FAULT").uncut(), column("WHEN"),
                column("TIMES").alignRight(), column("CHECKS").alignRight(), column("FIRED").alignRight());
        for (SimDevice d : bus.devices()) {
            for (FaultRuleState s : d.faults().rules()) {
                FaultRule r = s.rule();
                t.add(d.instanceId(), r.fault(), when(r), r.times() == 0 ? "-" : String.valueOf(r.times()),
                        String.valueOf(s.checks()), String.valueOf(s.firings()));
            }
        }
        return t.format(wide);
    }

    /** When a rule fires, with the delay of a delayCompletion rule. */
    private static String when(FaultRule r) {
        String when = r.when() + (r.times() > 0 ? ", --times " + r.times() : "");
        return r.fault().equals(EchoDmaRegisters.DELAY_COMPLETION) ? when + ", delay " + r.delayMicros() + " µs"
                : when;
    }

    /** The hint for a device named without a backslash: quoting, or a name of another command group. */
    static final String NOT_AN_INSTANCE_ID = "; hw: commands take device instance IDs, quoted (Gogo strips unquoted "
            + "backslashes), not short names such as e1k0 or echo0 (those are for ndis: and wdf: commands)";

    static void requireBackslash(String id, String usage) {
        if (!id.contains("\\")) {
            throw new IllegalArgumentException("'" + id + "' has no backslash: quote device instance IDs, Gogo strips "
                    + "unquoted backslashes (hw:devices lists them; short names such as e1k0 or echo0 are for ndis: and "
                    + "wdf: commands)\nusage: " + usage);
        }
    }
}
