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
        "osgi.command.function=violations"})
public final class VerifierCommands {
    private final Verifier verifier;

    @Activate
    public VerifierCommands(@Reference Verifier verifier) {
        this.verifier = verifier;
    }

    @Descriptor("lists the rule violations the verifier found")
    public List<Verifier.Violation> violations() {
        return verifier.violations();
    }
}
