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

/** The {@code verifier:} commands: the rule violations found. */
@Component(service = VerifierCommands.class, property = {
        "osgi.command.scope=verifier",
        "osgi.command.function=violations", "osgi.command.function=clear"})
public final class VerifierCommands {
    private final Verifier verifier;

    @Activate
    public VerifierCommands(@Reference Verifier verifier) {
        this.verifier = verifier;
    }

    @Descriptor("lists the rule violations the verifier recorded (the newest, when more than it keeps), and how many it dropped")
    public List<Object> violations() {
        List<Object> out = new ArrayList<>(verifier.violations());
        if (verifier.dropped() > 0) {
            out.add(0, verifier.dropped() + " older violation(s) dropped: the record keeps the newest "
                    + verifier.capacity() + " (framework property drvsim.verifier.capacity)");
        }
        return out;
    }

    @Descriptor("forgets the recorded violations (the trace keeps its DriverVerifierViolation events)")
    public String clear() {
        int n = verifier.violations().size();
        verifier.clear();
        return "forgot " + n + " violation(s)";
    }
}
