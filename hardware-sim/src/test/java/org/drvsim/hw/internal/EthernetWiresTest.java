package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.drvsim.hw.E1kRegisters.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.EthernetWires.Port;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Cables, links and pcap files on the wire of two Ethernet controllers, through {@link SimEthernetWires}. */
public class EthernetWiresTest {
    private static final String ID0 = "PCI\\VEN_8086&DEV_100E\\0000";
    private static final String ID1 = "PCI\\VEN_8086&DEV_100E\\0001";
    /** A real capture: 35 frames of 42 to 1042 bytes, unicast, multicast and broadcast (its README says how it was made). */
    private static final Path CAPTURE = Path.of("src/test/resources/captures/netns-arp-ipv4-ipv6.pcap");

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();
    private SimHostMemory memory;
    private SimHardwareBus bus;
    private SimEthernetWires wires;
    private E1kPort a;
    private E1kPort b;

    @Before
    public void plugTwoPorts() throws Exception {
        memory = new SimHostMemory();
        bus = new SimHardwareBus(memory);
        wires = new SimEthernetWires(bus);
        a = new E1kPort(plug(ID0), memory);
        b = new E1kPort(plug(ID1), memory);
    }

    @After
    public void stop() {
        bus.deactivate();
    }

    private SimDeviceImpl plug(String id) {
        Map<String, String> p = new HashMap<>();
        p.put(DeviceSpec.DEVICE_TYPE, DEVICE_TYPE);
        return (SimDeviceImpl) bus.plug(new DeviceSpec(id, List.of(HARDWARE_ID), "e1k", p));
    }

    @Test
    public void aRealCaptureReplayedOntoOnePortsWireArrivesByteForByteAtTheOtherPort() throws Exception {
        List<byte[]> frames = PcapFiles.read(CAPTURE);
        assertThat(frames).hasSize(35);
        wires.cable(ID0, ID1);
        b.setUpReceive(64, 63, RCTL_SECRC | RCTL_UPE | RCTL_MPE | RCTL_BAM);

        assertThat(wires.replayFrames(ID0, CAPTURE)).isEqualTo(new EthernetWires.Replayed(35, 35));

        // replay returns when B has taken every frame: nothing to wait for
        assertThat(b.regs.read32(RDH)).isEqualTo(35);
        for (int i = 0; i < 35; i++) {
            E1kPort.Received r = b.received(i);
            assertThat(r.status()).as("frame %d", i).isEqualTo(RDESC_STA_DD | RDESC_STA_EOP);
            assertThat(r.data()).as("frame %d", i).isEqualTo(frames.get(i));
        }
        assertThat(b.regs.read32(GPRC)).isEqualTo(35);
        assertThat(a.regs.read32(GPTC)).as("replayed frames are not the controller's transmissions").isZero();
    }

    @Test
    public void aRecordingHoldsExactlyTheFramesThePortTransmittedCabledOrNot() throws Exception {
        Path file = folder.getRoot().toPath().resolve("a.pcap");
        wires.record(ID0, file);
        assertThat(wires.port(ID0).recording()).contains(file.toAbsolutePath());
        a.setUpTransmit(8);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] f = E1kPort.frame(b.mac(), a.mac(), 60 + 500 * i, i);
            sent.add(f);
            a.send(f);
        }
        a.drain();
        assertThat(Files.exists(file)).as("nothing at the target until the recording stops").isFalse();

        assertThat(wires.stopRecording(ID0)).isEqualTo(3);

        assertThat(PcapFiles.read(file)).containsExactlyElementsOf(sent);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as("readable as a file any tool writes, not the temporary file's rw-------").isEqualTo("rw-r--r--");
        assertThat(wires.port(ID0).recording()).isEmpty();
        try (var listing = Files.list(folder.getRoot().toPath())) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    public void aRecordingOfAPortThatLeavesTheBusIsCompleted() throws Exception {
        Path file = folder.getRoot().toPath().resolve("gone.pcap");
        wires.record(ID0, file);
        a.setUpTransmit(8);
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        a.drain();
        bus.unplug(ID0);
        assertThat(PcapFiles.read(file)).hasSize(1);
    }

    @Test
    public void replayAndRecordOfTwoPortsRoundTripThroughTheCable() throws Exception {
        wires.cable(ID0, ID1);
        b.setUpReceive(64, 63, RCTL_SECRC | RCTL_UPE | RCTL_MPE | RCTL_BAM);
        b.setUpTransmit(64);
        Path echoed = folder.getRoot().toPath().resolve("echoed.pcap");
        wires.record(ID1, echoed);
        wires.replay(ID0, CAPTURE);
        for (int i = 0; i < 35; i++) {
            b.send(b.received(i).data()); // B sends back what it got, as a bridge would
        }
        b.drain();
        wires.stopRecording(ID1);
        assertThat(PcapFiles.read(echoed)).containsExactlyElementsOf(PcapFiles.read(CAPTURE));
    }

    @Test
    public void portsListTheirMacLinkPeerAndRecording() throws Exception {
        wires.cable(ID0, ID1);
        wires.setLink(ID1, false);
        assertThat(wires.ports()).as("a link is down at both ends").extracting(Port::instanceId, Port::linkUp, Port::peer)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ID0, false, java.util.Optional.of(ID1)),
                        org.assertj.core.groups.Tuple.tuple(ID1, false, java.util.Optional.of(ID0)));
        assertThat(wires.setLink(ID0, true)).isTrue();
        assertThat(wires.port(ID1).linkUp()).isTrue();
        assertThat(wires.uncable(ID1)).isTrue();
        assertThat(wires.uncable(ID1)).isFalse();
        assertThat(wires.port(ID0).peer()).isEmpty();
        assertThat(wires.ports()).as("the cable pulled: no link at either end").extracting(Port::linkUp)
                .containsExactly(false, false);
        assertThat(wires.setLink(ID0, true)).as("an uncabled port's link is set alone").isTrue();
        assertThat(wires.ports()).extracting(Port::linkUp).containsExactly(true, false);
        wires.cable(ID0, ID1);
        assertThat(wires.ports()).as("a cable plugged in: the link is up at both ends").extracting(Port::linkUp)
                .containsExactly(true, true);
    }

    @Test
    public void replayCountsTheFramesTheReceiverStoredAndNothingCrossesALinkThatIsDown() throws Exception {
        wires.cable(ID0, ID1);
        assertThat(wires.replayFrames(ID0, CAPTURE)).as("B's receiver is off").isEqualTo(new EthernetWires.Replayed(35, 0));
        b.setUpReceive(64, 63, RCTL_SECRC | RCTL_UPE | RCTL_MPE | RCTL_BAM);
        wires.setLink(ID0, false);
        assertThat(wires.replayFrames(ID0, CAPTURE)).isEqualTo(new EthernetWires.Replayed(35, 0));
        assertThat(b.regs.read32(TPR)).as("nothing crossed").isZero();
        wires.setLink(ID0, true);
        assertThat(wires.replayFrames(ID0, CAPTURE)).isEqualTo(new EthernetWires.Replayed(35, 35));
        assertThat(wires.replayFrames(ID0, CAPTURE)).as("28 descriptors left").isEqualTo(new EthernetWires.Replayed(35, 28));
    }

    @Test
    public void badRequestsAreRefusedNamingTheDeviceAndChangeNothing() throws Exception {
        bus.plug(DeviceSpec.of("ROOT\\NETVMINI\\0000", "ROOT\\NETVMINI", "virtual"));
        assertThatThrownBy(() -> wires.cable(ID0, "ROOT\\NETVMINI\\0000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device ROOT\\NETVMINI\\0000 is not an Ethernet controller (device.type=e1k)");
        assertThatThrownBy(() -> wires.setLink("PCI\\NOSUCH\\0", true))
                .hasMessage("no device PCI\\NOSUCH\\0 is present");
        assertThatThrownBy(() -> wires.cable(ID0, ID0.toLowerCase())).hasMessage("cannot cable " + ID0 + " to itself");
        assertThatThrownBy(() -> wires.replay(ID0, CAPTURE)).hasMessageContaining("port " + ID0 + " is not cabled");
        wires.cable(ID0, ID1);
        SimDeviceImpl third = plug("PCI\\VEN_8086&DEV_100E\\0002");
        assertThatThrownBy(() -> wires.cable(third.instanceId(), ID1))
                .hasMessage("port " + ID1 + " is cabled to " + ID0 + " already; uncable it first");
        assertThat(wires.port(third.instanceId()).peer()).isEmpty();

        assertThatThrownBy(() -> wires.stopRecording(ID0)).hasMessage("port " + ID0 + " is not being recorded");
        Path file = folder.getRoot().toPath().resolve("x.pcap");
        wires.record(ID0, file);
        assertThatThrownBy(() -> wires.record(ID0, file)).hasMessageContaining("is being recorded into");
        assertThatThrownBy(() -> wires.record(ID1, folder.getRoot().toPath().resolve("no/x.pcap")))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> wires.record(ID1, folder.getRoot().toPath())).hasMessageContaining("it is a folder");
    }

    @Test
    public void aFileThatIsNotAClassicEthernetPcapIsRefusedNamingItAndNothingIsSent() throws Exception {
        wires.cable(ID0, ID1);
        b.setUpReceive(8, 7, RCTL_UPE | RCTL_MPE | RCTL_BAM);
        Path missing = folder.getRoot().toPath().resolve("missing.pcap");
        assertThatThrownBy(() -> wires.replay(ID0, missing)).isInstanceOf(IOException.class)
                .hasMessage("cannot read pcap file " + missing + ": it does not exist");
        Path pcapng = folder.newFile("x.pcapng").toPath();
        Files.write(pcapng, new byte[] {0x0A, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0});
        assertThatThrownBy(() -> wires.replay(ID0, pcapng)).isInstanceOf(IOException.class).hasMessageContaining("pcapng");
        Path text = folder.newFile("notes.pcap").toPath();
        Files.writeString(text, "hello, this is not a capture\n");
        assertThatThrownBy(() -> wires.replay(ID0, text)).isInstanceOf(IOException.class).hasMessage("pcap file " + text
                + " is not a pcap file: it starts with 68656c6c, not a pcap magic number (a1b2c3d4 or a1b23c4d, in "
                + "either byte order)");
        Path truncated = folder.newFile("t.pcap").toPath();
        byte[] whole = Files.readAllBytes(CAPTURE);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 10));
        assertThatThrownBy(() -> wires.replay(ID0, truncated)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        b.drain();
        assertThat(b.regs.read32(TPR)).isZero();
    }
}
