package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.E1kRegisters;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.internal.SimEthernetWires;
import org.drvsim.hw.internal.SimHardwareBus;
import org.drvsim.hw.internal.SimHostMemory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** hw:cable, hw:uncable, hw:link and hw:wire over the real hardware-sim wires (two controllers, no driver). */
public class WireCommandsTest {
    private static final String A = "PCI\\VEN_8086&DEV_100E\\0000";
    private static final String B = "PCI\\VEN_8086&DEV_100E\\0001";
    private static final Path CAPTURE = Path.of("../../hardware-sim/src/test/resources/captures/netns-arp-ipv4-ipv6.pcap");

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();
    private final HardwareBus bus = new SimHardwareBus(new SimHostMemory());
    private final EthernetWires wires = new SimEthernetWires(bus);
    private final WireCommands commands = new WireCommands(wires);

    {
        for (String id : List.of(A, B)) {
            bus.plug(new DeviceSpec(id, List.of(E1kRegisters.HARDWARE_ID), "e1k",
                    Map.of(DeviceSpec.DEVICE_TYPE, E1kRegisters.DEVICE_TYPE, E1kRegisters.MAC_ADDRESS_PROPERTY,
                            id.equals(A) ? "02-E1-00-00-00-01" : "02-E1-00-00-00-02")));
        }
    }

    @Test
    public void cableLinkAndUncableSayWhatTheyDidAndTheListingShowsIt() {
        assertThat(commands.cable(A, B.toLowerCase())).isEqualTo("cabled " + A + " to " + B);
        assertThat(commands.link(B, "down")).isEqualTo("link of " + B + " and " + A + " down (LSC raised)");
        assertThat(commands.link(B, "down")).isEqualTo("link of " + B + " and " + A + " down already (nothing changed)");
        assertThat(commands.cable()).contains("INSTANCE ID", "MAC ADDRESS", "LINK", "CABLED TO")
                .containsPattern("PCI\\\\VEN_8086&DEV_100E\\\\0000 +02-E1-00-00-00-01 +down +PCI\\\\VEN_8086&DEV_100E\\\\0001")
                .containsPattern("0001 +02-E1-00-00-00-02 +down +PCI\\\\VEN_8086&DEV_100E\\\\0000");
        assertThat(commands.link(A, "up")).isEqualTo("link of " + A + " and " + B + " up (LSC raised)");
        assertThat(commands.uncable(A)).isEqualTo("uncabled " + A + " from " + B + " (the link is down at both ends)");
        assertThat(commands.uncable(A)).isEqualTo(A + " was not cabled");
        assertThat(commands.cable()).containsPattern("0000 +02-E1-00-00-00-01 +down")
                .containsPattern("0001 +02-E1-00-00-00-02 +down");
        assertThat(commands.link(A, "up")).as("an uncabled port alone").isEqualTo("link of " + A + " up (LSC raised)");
    }

    @Test
    public void replayReturnsWhenThePeerTookEveryFrameAndRecordThenStopWritesTheFile() throws Exception {
        commands.cable(A, B);
        // no driver runs B: its receiver is off (RCTL.EN 0), so it takes every frame off the wire and stores none
        assertThat(commands.wire(A, "replay", CAPTURE.toString())).isEqualTo("replayed 35 frame(s) from " + CAPTURE
                + " onto the wire of " + A + "; " + B + " stored 0 of them (the others did not cross a link that is "
                + "down, or its receiver dropped and counted them: receiver off, filtered, too long or no free descriptor)");
        Path out = folder.getRoot().toPath().resolve("b.pcap");
        assertThat(commands.wire(B, "record", out.toString())).startsWith("recording what " + B + " transmits into ");
        assertThat(commands.wire(B, "stop")).isEqualTo("recorded 0 frame(s) transmitted by " + B + " into "
                + out.toAbsolutePath());
        assertThat(Files.size(out)).as("a pcap header and no frame").isEqualTo(24);
    }

    @Test
    public void badInputIsRefusedWithTheUsageAndChangesNothing() throws Exception {
        assertThatThrownBy(() -> commands.wire(A, "replay", CAPTURE.toString()))
                .hasMessage("port " + A + " is not cabled: the frames would reach nobody; cable it first (hw:cable)\n"
                        + "usage: " + WireCommands.WIRE_USAGE);
        commands.cable(A, B);
        assertThatThrownBy(() -> commands.wire(A, "replay", "no-such.pcap"))
                .hasMessageStartingWith("cannot read pcap file no-such.pcap: it does not exist\nusage: hw:wire");
        assertThatThrownBy(() -> commands.wire(A, "record", folder.getRoot() + "/none/x.pcap"))
                .hasMessageContaining("does not exist\nusage: hw:wire");
        assertThatThrownBy(() -> commands.wire(A, "stop")).hasMessage("port " + A + " is not being recorded\nusage: "
                + WireCommands.WIRE_USAGE);
        assertThatThrownBy(() -> commands.wire(A, "play", "x")).hasMessageStartingWith("'play' is not replay, record or stop");
        assertThatThrownBy(() -> commands.wire(A)).hasMessageStartingWith("hw:wire needs a port");
        assertThatThrownBy(() -> commands.link(A, "sideways")).hasMessage("'sideways' is not up or down\nusage: "
                + WireCommands.LINK_USAGE);
        assertThatThrownBy(() -> commands.link("PCI\\NOSUCH\\0", "up")).hasMessage("no device PCI\\NOSUCH\\0 is present\n"
                + "usage: " + WireCommands.LINK_USAGE);
        assertThatThrownBy(() -> commands.cable(A)).hasMessageStartingWith("hw:cable takes two ports, not 1");
        assertThatThrownBy(() -> commands.cable("PCI", B)).hasMessageContaining("has no backslash");
        assertThatThrownBy(() -> commands.link("e1k0", "down")).hasMessageStartingWith("'e1k0' has no backslash: quote "
                + "device instance IDs, Gogo strips unquoted backslashes (hw:devices lists them; short names such as e1k0 "
                + "or echo0 are for ndis: and wdf: commands)");
        assertThatThrownBy(() -> commands.cable(A, B)).hasMessageContaining("is cabled to");
        assertThat(wires.port(A).peer()).contains(B);
        assertThat(wires.port(A).recording()).isEmpty();
    }
}
