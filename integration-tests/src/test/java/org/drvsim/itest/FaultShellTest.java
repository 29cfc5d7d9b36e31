package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * {@code hw:fault} and {@code hw:faults} in the real {@code drvsim.jar}, as a user types them: fault rules armed in
 * every form, a register read fault that fails the echo device's start with Code 10, the {@code * FaultInjected}
 * trace event, disarming, and bad input refused with one line naming the command and changing nothing.
 */
public class FaultShellTest extends DrvsimJarTestSupport {
    static final String ECHO0 = "'PCI\\VEN_1414&DEV_EC40\\0000'";
    static final String TABLE = "INSTANCE ID  FAULT  WHEN  TIMES  CHECKS  FIRED";

    /** A command that must fail, wrapped so that the script goes on and prints what it threw. */
    static String refused(String command) {
        return "try { " + command + " } { echo REFUSED $exception }\n";
    }

    @Test
    public void faultRulesAreArmedListedFiredTracedAndDisarmedFromTheShell() throws Exception {
        String script = "hw:faults\n"
                + "hw:fault " + ECHO0 + " failRegisterRead --nth 1 --times 1\n"
                + "hw:fault " + ECHO0 + " failDma --probability 0.25 --seed 7\n"
                + "hw:fault " + ECHO0 + " delayCompletion --every 3 --delay-us 200\n"
                + "hw:fault " + ECHO0 + " dropInterrupts on\n"
                + "hw:faults\n"
                + "pnp:disable " + ECHO0 + "\n"
                + "pnp:enable " + ECHO0 + "\n"
                + "trace:show FaultInjected\n"
                + "hw:fault " + ECHO0 + " dropInterrupts off\n"
                + "hw:faults --wide\n"
                + "hw:fault " + ECHO0 + " --clear\n"
                + "pnp:disable " + ECHO0 + "\n"
                + "pnp:enable " + ECHO0 + "\n"
                + "hw:faults\n";
        Run r = run(script);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<String> out = r.out().lines().toList();
        Map<String, List<String>> by = ShellTablesTest.outputs(r.out());

        assertThat(by.get("hw:faults")).as(r.out()).isNotEmpty();
        assertThat(ShellTablesTest.header(by.get("hw:faults")))
                .containsExactly("INSTANCE ID", "FAULT", "WHEN", "TIMES", "CHECKS", "FIRED");
        assertThat(r.out()).contains("failRegisterRead armed, nth 1, --times 1")
                .contains("failDma armed, probability 0.25 seed 7")
                .contains("delayCompletion armed, every 3, delay 200 µs")
                .contains("dropInterrupts armed, always");
        assertThat(out).anySatisfy(l -> assertThat(l).matches(
                "PCI\\\\VEN_1414&DEV_EC40\\\\0000 +failRegisterRead +nth 1, --times 1 +1 +0 +0"));
        assertThat(out).anySatisfy(l -> assertThat(l).matches(
                "PCI\\\\VEN_1414&DEV_EC40\\\\0000 +failDma +probability 0.25 seed 7 +- +0 +0"));
        assertThat(r.out()).contains("Code 10: STATUS_DEVICE_NOT_CONNECTED");
        assertThat(by.get("trace:show FaultInjected")).anySatisfy(l -> assertThat(l)
                .contains("PCI\\VEN_1414&DEV_EC40\\0000").contains("* FaultInjected fault: failRegisterRead"));
        // after the firing, --times 1 disarmed failRegisterRead; 'off' disarmed dropInterrupts
        assertThat(by.get("hw:faults --wide")).hasSize(3).noneSatisfy(l -> assertThat(l)
                .containsAnyOf("failRegisterRead", "dropInterrupts"));
        assertThat(r.out()).contains("PCI\\VEN_1414&DEV_EC40\\0000: faults armed []");
        assertThat(out.get(out.size() - 1).trim().split(" {2,}")).as("--clear left nothing armed")
                .containsExactly("INSTANCE ID", "FAULT", "WHEN", "TIMES", "CHECKS", "FIRED");
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("enabled PCI\\VEN_1414&DEV_EC40\\0000: DeviceNodeStarted"));
    }

    @Test
    public void badInputIsRefusedWithOneLineNamingTheCommandAndChangesNothing() throws Exception {
        String script = "hw:fault " + ECHO0 + " failDma --every 2\n"
                + refused("hw:fault 'ROOT\\NO_SUCH\\0000' failDma")
                + refused("hw:fault " + ECHO0 + " failEverything")
                + refused("hw:fault " + ECHO0 + " failDma --nth 0")
                + refused("hw:fault " + ECHO0 + " failDma --every -1")
                + refused("hw:fault " + ECHO0 + " failDma --probability 0")
                + refused("hw:fault " + ECHO0 + " failDma --probability 1.5")
                + refused("hw:fault " + ECHO0 + " failDma --times 0")
                + refused("hw:fault " + ECHO0 + " failDma --nth 2 --every 2")
                + refused("hw:fault " + ECHO0 + " failDma sometimes")
                + refused("hw:fault echo0 failDma")
                + "hw:faults\n";
        Run r = run(script);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<String> refusals = r.out().lines().filter(l -> l.startsWith("REFUSED")).toList();
        assertThat(refusals).hasSize(10).allSatisfy(l -> assertThat(l).contains(": hw:fault: "));
        // echo turns the backslashes of the instance ID into escapes, so only the words around it are compared
        assertThat(refusals.get(0)).contains("hw:fault: no device 'ROOT").endsWith("' is present (hw:devices lists them)");
        assertThat(refusals.get(1)).endsWith("unknown fault 'failEverything'; the device knows [delayCompletion, "
                + "dropInterrupts, failDma, failRegisterRead, failRegisterWrite, hangDevice, interruptStorm, vanish]");
        assertThat(refusals.get(2)).endsWith("--nth must be at least 1, not 0");
        assertThat(refusals.get(3)).endsWith("--every must be at least 1, not -1");
        assertThat(refusals.get(4)).endsWith("--probability must be in (0,1], not 0");
        assertThat(refusals.get(5)).endsWith("--probability must be in (0,1], not 1.5");
        assertThat(refusals.get(6)).endsWith("--times must be at least 1, not 0");
        assertThat(refusals.get(7)).endsWith("--nth and --every exclude each other: give one");
        assertThat(refusals.get(8)).contains("'sometimes' is not on, off or an option");
        assertThat(refusals.get(9)).endsWith("no device 'echo0' is present (hw:devices lists them); hw: commands take "
                + "device instance IDs, quoted (Gogo strips unquoted backslashes), not short names such as e1k0 or echo0 (those "
                + "are for ndis: and wdf: commands)");
        List<String> table = ShellTablesTest.outputs(r.out()).get("hw:faults");
        assertThat(table).as("the rule armed first is still the only one, unchanged").hasSize(2);
        assertThat(table.get(1)).matches("PCI\\\\VEN_1414&DEV_EC40\\\\0000 +failDma +every 2 +- +0 +0");
    }
}
