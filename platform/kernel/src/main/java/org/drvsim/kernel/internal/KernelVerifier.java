package org.drvsim.kernel.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Records violations in the trace and the log; the policy is "report and go on". */
@Component(service = Verifier.class)
public final class KernelVerifier implements Verifier {
    private static final Logger LOG = Logger.getLogger("org.drvsim.verifier");
    private final Trace trace;
    private final List<Violation> violations = new CopyOnWriteArrayList<>();

    @Activate
    public KernelVerifier(@Reference Trace trace) {
        this.trace = trace;
    }

    @Override
    public Violation report(String rule, int bugCheckCode, String driver, String device, String message) {
        TraceEvent e = trace.event(TraceEvent.Kind.VIOLATION, driver, device, "DriverVerifierViolation",
                TraceEvent.argMap("rule", rule, "bugCheckCode", String.format("0x%X", bugCheckCode), "message", message));
        Violation v = new Violation(e.seq(), rule, bugCheckCode, driver, device, message);
        violations.add(v);
        LOG.warning("DRIVER VERIFIER: " + v);
        return v;
    }

    @Override
    public List<Violation> violations() {
        return List.copyOf(violations);
    }
}
