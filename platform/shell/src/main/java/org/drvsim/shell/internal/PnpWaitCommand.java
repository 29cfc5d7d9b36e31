package org.drvsim.shell.internal;

import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.drvsim.kernel.PnpManager;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code pnp:wait}: waits until the PnP manager has done all queued PnP work (arrivals, removals, driver loads and
 * unloads), the barrier after {@code hw:plug --async} and friends. A Gogo {@link Function} rather than a method,
 * because a method named {@code wait} would meet {@code Object.wait()}.
 */
@Component(service = Function.class, property = {"osgi.command.scope=pnp", "osgi.command.function=wait"})
public final class PnpWaitCommand implements Function {
    static final String DESCRIPTION = "waits until all queued PnP work (arrivals, removals, driver loads and unloads) "
            + "is done: the barrier after --async commands";
    private final PnpManager pnp;

    @Activate
    public PnpWaitCommand(@Reference PnpManager pnp) {
        this.pnp = pnp;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("pnp:wait takes no arguments; it " + DESCRIPTION);
        }
        pnp.drain();
        return null;
    }

    @Override
    public String toString() {
        return "pnp:wait - " + DESCRIPTION;
    }
}
