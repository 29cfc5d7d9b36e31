package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * drvsim.jar at an interactive prompt on a real terminal (a pseudo-terminal from util-linux {@code script}):
 * Ctrl-C clears the line or interrupts the running command only, the platform goes on, and {@code exit} stops it the
 * orderly way (every driver halted and unloaded) with exit code 0; Tab completes command names and the arguments
 * drvsim knows, and the up arrow recalls the last command.
 */
public class InteractiveShellTest extends DrvsimJarTestSupport {
    private OnATerminal terminal;

    private String seen() {
        return terminal.seen();
    }

    /** What the terminal showed, without JLine's escape sequences (colours, cursor moves) and backspaces. */
    private String shown() {
        return seen().replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]|\u001b[=>]|\b", "");
    }

    private void awaitOutput(String text, int occurrences, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (shown().split(java.util.regex.Pattern.quote(text), -1).length - 1 < occurrences) {
            assertThat(System.nanoTime()).as("waiting for " + occurrences + " x '" + text + "' in:\n" + seen())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** drvsim.jar on a pseudo-terminal (120 x 40), its output collected in {@link #seen}. */
    private Process startOnATerminal(Path trace) throws Exception {
        terminal = OnATerminal.start(jar, tmp.getRoot().toPath(), 120, "-Ddrvsim.trace.export=" + trace);
        return terminal.process;
    }

    private static void type(OutputStream keys, String text) throws java.io.IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    @Test
    public void tabCompletesCommandsAndTheArgumentsDrvsimKnowsAndTheUpArrowRecallsTheLastCommand() throws Exception {
        Process p = startOnATerminal(tmp.getRoot().toPath().resolve("t.json"));
        try (OutputStream keys = p.getOutputStream()) {
            awaitOutput("drvsim> ", 1, 60);
            type(keys, "hw:unp\t");
            awaitOutput("hw:unplug ", 1, 10); // the command name
            type(keys, "\t");
            awaitOutput("ROOT\\NETVMINI\\0001", 1, 10); // the devices are listed, and the quote they start with typed
            type(keys, "\u0015ndis:oid netvmini1 OID_GEN_CURRENT_P\t");
            awaitOutput("OID_GEN_CURRENT_PACKET_FILTER ", 1, 10);
            type(keys, "NDIS_PACKET_TYPE_PROM\t");
            awaitOutput("NDIS_PACKET_TYPE_PROMISCUOUS", 1, 10);
            type(keys, "\r");
            awaitOutput("set to 0x00000020 (NDIS_PACKET_TYPE_PROMISCUOUS)", 1, 20);
            type(keys, "\u001bOA\r"); // up arrow (application cursor mode, as JLine sets the terminal): the same command
            awaitOutput("set to 0x00000020 (NDIS_PACKET_TYPE_PROMISCUOUS)", 2, 20);
            type(keys, "hw:plug x \t");
            awaitOutput("PCI\\VEN_1414&DEV_EC40 ", 1, 10); // the kinds of device the machine models
            type(keys, "\u0015exit\r");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("drvsim.jar exited after 'exit':\n" + seen()).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(seen()).isZero();
    }

    @Test
    public void ctrlCInterruptsOnlyTheRunningCommandAndExitStopsThePlatformTheOrderlyWay() throws Exception {
        Path trace = tmp.getRoot().toPath().resolve("shutdown.json");
        Process p = startOnATerminal(trace);
        try (OutputStream keys = p.getOutputStream()) {
            awaitOutput("drvsim> ", 1, 60);
            keys.write("hw:dev".getBytes(StandardCharsets.UTF_8));
            keys.write(3); // Ctrl-C on a half-typed line: the line is dropped
            keys.flush();
            awaitOutput("drvsim> ", 2, 10);
            keys.write("sleep 600000\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            Thread.sleep(1000);
            keys.write(3); // Ctrl-C while a command runs: that command is interrupted
            keys.flush();
            awaitOutput("'sleep 600000' failed: interrupted (Ctrl-C)", 1, 10); // that command, not the platform
            // a failure at the prompt is one line naming the command and what is wrong, with the usage for wrong
            // arguments, and no Java class name
            type(keys, "nosuchcommand\r");
            awaitOutput("'nosuchcommand' failed: unknown command 'nosuchcommand' ('help' lists the commands)", 1, 10);
            type(keys, "hw:unplug\r");
            awaitOutput("'hw:unplug' failed: wrong arguments for hw:unplug; usage:", 1, 10);
            type(keys, "hw:unplug nosuch\r");
            awaitOutput("'hw:unplug nosuch' failed: 'nosuch' has no backslash: quote device instance IDs", 1, 10);
            keys.write("hw:devices\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            awaitOutput("FAULTS ARMED", 1, 20); // the platform is still up: the table's header, then four devices
            awaitOutput("Simulated ", 4, 20);
            keys.write("exit\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("drvsim.jar exited after 'exit':\n" + seen()).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(seen()).isZero();
        assertThat(seen()).doesNotContain("Cannot coerce").doesNotContain("Exception").doesNotContain("java.lang")
                .doesNotContain("gosh: stopping framework");
        String json = Files.readString(trace);
        assertThat(json.split("\"MiniportHaltEx\"", -1)).as("a MiniportHaltEx per netvmini and e1k adapter").hasSize(5);
        assertThat(json).contains("\"HwStorFreeAdapterResources\"").contains("\"EvtDeviceReleaseHardware\"");
    }

    @Test
    public void ctrlDAtAnEmptyPromptStopsThePlatformTheOrderlyWayWithExitCodeZero() throws Exception {
        Path trace = tmp.getRoot().toPath().resolve("eof.json");
        Process p = startOnATerminal(trace);
        try (OutputStream keys = p.getOutputStream()) {
            awaitOutput("drvsim> ", 1, 60);
            keys.write(4); // Ctrl-D: end of input
            keys.flush();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("drvsim.jar exited after Ctrl-D:\n" + seen()).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(seen()).isZero();
        String json = Files.readString(trace);
        assertThat(json.split("\"MiniportHaltEx\"", -1)).as("a MiniportHaltEx per netvmini and e1k adapter").hasSize(5);
    }
}
