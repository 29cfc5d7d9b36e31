package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * The e1k README's walkthrough from the shell of the real drvsim.jar, on the default machine's two cabled
 * controllers: {@code ndis:send} on e1k0 arrives at e1k1's {@code ndis:capture}, {@code hw:wire ... replay} puts a real
 * capture onto e1k0's wire and it arrives at e1k1's protocol, and {@code hw:wire ... record} records exactly what
 * e1k0 transmits. Frames are compared byte for byte (read back with pkts); frames the controller transmits are
 * zero-padded to 60 bytes (TCTL.PSP), frames replayed onto the wire are not (nothing transmits them).
 *
 * <p>Each transfer is repeated {@link #ROUNDS} times in one script, each round into its own capture file: one round
 * is what a user types, the repetition makes a lost or late frame show up in one run rather than one run in twenty.
 */
public class E1kShellScriptTest extends DrvsimJarTestSupport {
    static final String E1K0 = "'PCI\\VEN_8086&DEV_100E\\0000'";
    static final String E1K0_ID = "PCI\\VEN_8086&DEV_100E\\0000";
    static final String E1K1_ID = "PCI\\VEN_8086&DEV_100E\\0001";
    static final int ROUNDS = 20;

    /** e1k1's receiver is off until a packet filter is set (RCTL follows it); promiscuous takes every frame. */
    static final String PROMISCUOUS = "ndis:oid e1k1 OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_PROMISCUOUS\n";

    /** A frame as the controller puts it on the wire: under 60 bytes zero-padded to 60 (TCTL.PSP). */
    static byte[] padded(byte[] f) {
        return f.length >= 60 ? f : Arrays.copyOf(f, 60);
    }

    static List<String> hex(List<byte[]> fs) {
        return fs.stream().map(HexFormat.of()::formatHex).toList();
    }

    static int count(String out, String line) {
        return out.split(Pattern.quote(line), -1).length - 1;
    }

    /** What each {@code ndis:capture --stop} printed, in order. */
    static List<String> stops(String out) {
        return out.lines().filter(l -> l.startsWith("captured ")).toList();
    }

    @Test
    public void ndisSendOnE1k0ArrivesByteForByteAtTheCaptureOnE1k1() throws Exception {
        Path d = tmp.getRoot().toPath();
        StringBuilder script = new StringBuilder(PROMISCUOUS);
        for (int i = 0; i < ROUNDS; i++) {
            script.append("ndis:capture e1k1 ").append(d.resolve("sent" + i + ".pcap")).append('\n')
                    .append("ndis:send e1k0 ").append(capture).append('\n')
                    .append("ndis:capture --stop e1k1\n");
        }
        Run r = run(script.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(count(r.out(), "sent 35 frame(s) from " + capture + " on " + E1K0_ID
                + "; completion statuses: {NDIS_STATUS_SUCCESS=35}")).as(r.out()).isEqualTo(ROUNDS);
        List<String> expected = hex(frames.stream().map(E1kShellScriptTest::padded).toList());
        assertThat(frames.stream().filter(f -> f.length < 60)).isNotEmpty(); // the padding is exercised
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(hex(read(d.resolve("sent" + i + ".pcap")))).as("round %d of %d, which %s", i, ROUNDS,
                    stops(r.out()).get(i))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(count(r.out(), "captured 35 frame(s) on " + E1K1_ID + "\n")).as(r.out()).isEqualTo(ROUNDS);
    }

    @Test
    public void aCaptureReplayedOntoE1k0sWireArrivesByteForByteAtE1k1sProtocol() throws Exception {
        Path d = tmp.getRoot().toPath();
        StringBuilder script = new StringBuilder(PROMISCUOUS);
        for (int i = 0; i < ROUNDS; i++) {
            script.append("ndis:capture e1k1 ").append(d.resolve("replayed" + i + ".pcap")).append('\n')
                    .append("hw:wire ").append(E1K0).append(" replay ").append(capture).append('\n')
                    .append("ndis:capture --stop e1k1\n");
        }
        Run r = run(script.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(count(r.out(), "replayed 35 frame(s) from " + capture + " onto the wire of " + E1K0_ID + "; "
                + E1K1_ID + " stored 35 of them")).as(r.out()).isEqualTo(ROUNDS);
        // nothing transmits them, so nothing pads them: the file's own frames, short ones included
        List<String> expected = hex(frames);
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(hex(read(d.resolve("replayed" + i + ".pcap")))).as("round %d of %d, which %s", i, ROUNDS,
                    stops(r.out()).get(i))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(count(r.out(), "captured 35 frame(s) on " + E1K1_ID + "\n")).as(r.out()).isEqualTo(ROUNDS);
    }

    static String e1k0Row(String listing) {
        return listing.lines().filter(l -> l.startsWith(E1K0_ID)).findFirst().orElseThrow(() -> new AssertionError(listing));
    }

    @Test
    public void hwWireRecordRecordsExactlyTheFramesE1k0Transmits() throws Exception {
        Path d = tmp.getRoot().toPath();
        Path recorded = d.resolve("recorded.pcap");
        Path other = d.resolve("e1k1-sends.pcap");
        // e1k0 transmits the capture; what e1k1 transmits towards e1k0 and what is replayed onto e1k0's wire are not
        // e1k0's transmissions and stay out of the recording
        Files.write(other, Files.readAllBytes(capture));
        Run r = run("hw:wire " + E1K0 + " record " + recorded + "\n"
                + "hw:cable\n"
                + "ndis:send e1k0 " + capture + "\n"
                + "ndis:send e1k1 " + other + "\n"
                + "hw:wire " + E1K0 + " replay " + capture + "\n"
                + "hw:wire " + E1K0 + " stop\n"
                + "hw:cable\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("recording what " + E1K0_ID + " transmits into " + recorded
                        + " (hw:wire PORT stop completes the file)")
                .contains("sent 35 frame(s) from " + capture + " on " + E1K0_ID
                        + "; completion statuses: {NDIS_STATUS_SUCCESS=35}")
                .contains("sent 35 frame(s) from " + other + " on " + E1K1_ID
                        + "; completion statuses: {NDIS_STATUS_SUCCESS=35}")
                .contains("recorded 35 frame(s) transmitted by " + E1K0_ID + " into " + recorded + "\n");
        // hw:cable shows the recording (its path, cut to the table's width) while it runs, and none after the stop
        String[] listings = r.out().split("drvsim> hw:cable\n");
        assertThat(e1k0Row(listings[1])).doesNotEndWith(" -").contains(recorded.toString().substring(0, 5));
        assertThat(e1k0Row(listings[2])).endsWith(" -");
        assertThat(hex(read(recorded))).containsExactlyElementsOf(hex(frames.stream().map(E1kShellScriptTest::padded)
                .toList()));
    }
}
