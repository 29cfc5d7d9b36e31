package org.drvsim.shell.internal;

import static org.drvsim.kernel.console.Table.column;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.console.Table;
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

    @Descriptor("lists the rule violations the verifier recorded (the newest, when more than it keeps), and how many it "
            + "dropped: trace sequence number, rule, bug check code, driver, device and message")
    public String violations(@Descriptor("show everything: the drivers' versions, whole messages")
                             @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                             boolean wide) {
        Table t = new Table(column("SEQ").alignRight().uncut(), column("RULE"), column("BUG CHECK").uncut(),
                column("DRIVER"), column("DEVICE").uncut(), column("MESSAGE"));
        for (Verifier.Violation v : verifier.violations()) {
            t.add(v.seq(), v.rule(), String.format("0x%X", v.bugCheckCode()),
                    v.driver() == null ? "" : PnpCommands.driver(v.driver(), wide), v.device(), v.message());
        }
        String table = t.format(wide);
        if (verifier.dropped() > 0) {
            return verifier.dropped() + " older violation(s) dropped: the record keeps the newest " + verifier.capacity()
                    + " (framework property drvsim.verifier.capacity)" + System.lineSeparator() + table;
        }
        return table;
    }

    @Descriptor("forgets the recorded violations (the trace keeps its DriverVerifierViolation events)")
    public String clear() {
        int n = verifier.violations().size();
        verifier.clear();
        return "forgot " + n + " violation(s)";
    }
}
