package org.drvsim.shell.internal;

import java.util.Locale;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.SystemPowerState;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code power:} commands: system sleep (S3), hibernation (S4), wake and shutdown, each returning when every
 * device's power IRP and its model's callbacks are done.
 */
@Component(service = PowerCommands.class, property = {
        "osgi.command.scope=power",
        "osgi.command.function=sleep", "osgi.command.function=wake", "osgi.command.function=shutdown"})
public final class PowerCommands {
    private final BundleContext context;
    private final PnpManager pnp;

    @Activate
    public PowerCommands(BundleContext context, @Reference PnpManager pnp) {
        this.context = context;
        this.pnp = pnp;
    }

    @Descriptor("puts the system to sleep (S3) or hibernation (S4): IRP_MN_SET_POWER to D3 for every started device, "
            + "with each model's power-down callbacks; power:wake brings them back")
    public String sleep(@Descriptor("S3 or S4") String state) throws InterruptedException {
        SystemPowerState s = switch (state.toUpperCase(Locale.ROOT)) {
            case "S3" -> SystemPowerState.PowerSystemSleeping3;
            case "S4" -> SystemPowerState.PowerSystemHibernate;
            default -> throw new IllegalArgumentException("power:sleep: '" + state + "' is not S3 or S4\n"
                    + "usage: power:sleep S3|S4");
        };
        pnp.sleep(s);
        return "the system sleeps (" + s + "); power:wake wakes it";
    }

    @Descriptor("wakes the system: IRP_MN_SET_POWER to D0 for every device power:sleep powered down")
    public String wake() throws InterruptedException {
        pnp.wake();
        return "the system is working (PowerSystemWorking)";
    }

    @Descriptor("shuts the system down (MiniportShutdownEx, SRB_FUNCTION_SHUTDOWN, KMDF's power-down to D3Final; no "
            + "removal or unload routine runs), then the platform exits with code 0")
    public String shutdown(CommandSession session) throws InterruptedException, BundleException {
        pnp.shutdown();
        String stopping = ShellCommands.requestExit(context, session, 0);
        return "the system shut down" + (stopping == null ? "" : "; " + stopping);
    }
}
