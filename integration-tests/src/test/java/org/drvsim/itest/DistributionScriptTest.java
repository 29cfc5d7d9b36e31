package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pkts.Pcap;
import io.pkts.packet.Packet;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Runs the real {@code drvsim.jar} as a user would ({@code java -jar drvsim.jar --script FILE}) and checks
 * what it leaves behind with independent tools: the pkts pcap reader and the Jackson JSON parser.
 * The traffic is a real tcpdump capture (src/test/resources/captures, with ARP, IPv4 and IPv6 frames).
 */
public class DistributionScriptTest extends DrvsimJarTestSupport {
    static boolean broadcast(byte[] f) {
        for (int i = 0; i < 6; i++) {
            if (f[i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    static byte[] padded(byte[] f) {
        return f.length >= 60 ? f : Arrays.copyOf(f, 60);
    }

    static List<String> hex(List<byte[]> fs) {
        return fs.stream().map(HexFormat.of()::formatHex).toList();
    }

    List<String> expected(Predicate<byte[]> accepted) {
        return hex(frames.stream().filter(accepted).map(DistributionScriptTest::padded).toList());
    }

    @Test
    public void aRealCaptureSentOnOneAdapterArrivesOnTheOtherAsItsPacketFilterAllows() throws Exception {
        Path d = tmp.getRoot().toPath();
        byte[] mldGroup = HexFormat.of().parseHex("333300000016");
        String sendAndCapture = "ndis:capture " + A1 + " %s\nndis:send " + A0 + " " + capture + "\nndis:capture --stop " + A1 + "\n";
        String script = "# the filter starts at 0: nothing is indicated\n"
                + String.format(sendAndCapture, d.resolve("none.pcap"))
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_BROADCAST\n"
                + String.format(sendAndCapture, d.resolve("broadcast.pcap"))
                + "ndis:oid " + A1 + " OID_802_3_MULTICAST_LIST 33-33-00-00-00-16\n"
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER 'NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_MULTICAST'\n"
                + String.format(sendAndCapture, d.resolve("multicast.pcap"))
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER 0x20\n"
                + String.format(sendAndCapture, d.resolve("all.pcap"))
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER\n"
                + "ndis:oid " + A1 + " OID_802_3_CURRENT_ADDRESS\n"
                + "ndis:oid " + A1 + " OID_GEN_MAXIMUM_FRAME_SIZE\n"
                + "ndis:adapters\n"
                + "trace:export " + d.resolve("trace.json") + "\n";
        Run r = run(script, "-Ddrvsim.trace.export=" + d.resolve("shutdown.json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(read(d.resolve("none.pcap"))).isEmpty();
        assertThat(hex(read(d.resolve("broadcast.pcap")))).containsExactlyElementsOf(expected(DistributionScriptTest::broadcast))
                .isNotEmpty();
        assertThat(hex(read(d.resolve("multicast.pcap"))))
                .containsExactlyElementsOf(expected(f -> Arrays.equals(f, 0, 6, mldGroup, 0, 6))).isNotEmpty();
        // promiscuous: every frame, in order, byte for byte; frames under 60 bytes zero-padded to 60
        assertThat(hex(read(d.resolve("all.pcap")))).containsExactlyElementsOf(expected(f -> true));
        assertThat(frames.stream().filter(f -> f.length < 60)).isNotEmpty();
        assertThat(r.out()).contains("sent 35 frame(s)").contains("NDIS_STATUS_SUCCESS=35")
                .contains("captured 0 frame(s)")
                .contains("OID_GEN_CURRENT_PACKET_FILTER = 0x00000020 (NDIS_PACKET_TYPE_PROMISCUOUS)")
                .contains("OID_802_3_CURRENT_ADDRESS = 02-50-F2-00-00-") // the last byte is the interface index, which depends on driver start order
                .contains("OID_GEN_MAXIMUM_FRAME_SIZE = 1500")
                .contains("NDIS_PACKET_TYPE_PROMISCUOUS");
        assertThat(names(d.resolve("trace.json"))).contains("MiniportSendNetBufferLists",
                "NdisMSendNetBufferListsComplete", "NdisMIndicateReceiveNetBufferLists", "MiniportReturnNetBufferLists");
    }

    @Test
    public void theFrameworkShutdownAtTheEndOfAScriptHaltsAndUnloadsTheRunningDriver() throws Exception {
        Path d = tmp.getRoot().toPath();
        Run r = run("pnp:tree\n", "-Ddrvsim.trace.export=" + d.resolve("shutdown.json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("drvsim> pnp:tree").contains("DeviceNodeStarted");
        List<String> lifecycle = names(d.resolve("shutdown.json")).stream()
                .filter(n -> n.startsWith("Miniport") || n.startsWith("NdisMDeregister")).toList();
        // netvmini's two adapters and e1k's two, each paused then halted, and each driver unloaded after its adapters
        assertThat(lifecycle.stream().filter(n -> n.equals("MiniportHaltEx"))).hasSize(4);
        assertThat(lifecycle.stream().filter(n -> n.equals("MiniportDriverUnload"))).hasSize(2);
        assertThat(lifecycle).endsWith("MiniportDriverUnload", "NdisMDeregisterMiniportDriver");
    }

    @Test
    public void aFailingCommandStopsTheScriptWithItsErrorOnStderrAndExitCode1() throws Exception {
        Run r = run("pnp:tree\nndis:send " + A0 + " /no/such/file.pcap\npnp:tree\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("line 2")
                .contains("cannot read pcap file /no/such/file.pcap: folder /no/such does not exist");
        Path dir = tmp.getRoot().toPath();
        Run folder = run("ndis:send " + A0 + " " + dir + "\n");
        assertThat(folder.exitCode()).isEqualTo(1);
        assertThat(folder.err()).contains("cannot read pcap file " + dir + ": it is a folder");
        Run device = run("ndis:send " + A0 + " /dev/zero\n");
        assertThat(device.exitCode()).isEqualTo(1);
        assertThat(device.err()).contains("cannot read pcap file /dev/zero: it is not a regular file (a FIFO or a device)");
        assertThat(r.out().split("drvsim> pnp:tree", -1)).hasSize(2); // the third line never ran
    }

    @Test
    public void aTruncatedPcapFileIsRefusedWithAClearMessage() throws Exception {
        Path cut = tmp.newFile("cut.pcap").toPath();
        byte[] all = Files.readAllBytes(capture);
        Files.write(cut, Arrays.copyOf(all, all.length - 10));
        Run r = run("ndis:send " + A0 + " " + cut + "\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("is truncated");
    }

    @Test
    public void commandsWithWrongArgumentsPrintTheirUsage() throws Exception {
        Run r = run("ndis:oid 'ROOT\\NETVMINI\\0009' OID_GEN_CURRENT_PACKET_FILTER\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no NDIS adapter 'ROOT\\NETVMINI\\0009'").contains("usage: ndis:oid");
        Run bad = run("ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_EVERYTHING\n");
        assertThat(bad.err()).contains("not a packet-filter flag").contains("usage: ndis:oid");
    }

    @Test
    public void helpDescribesEveryDrvsimCommand() throws Exception {
        List<String> commands = List.of("pnp:tree", "driver:list", "ndis:adapters", "ndis:oid", "ndis:send",
                "ndis:capture", "trace:show", "trace:export", "trace:clear", "verifier:violations", "hw:devices",
                "hw:plug", "hw:unplug", "hw:surprise", "hw:fault", "hw:faults", "trace:io", "storport:adapters", "storport:luns",
                "storport:inquiry", "storport:read", "storport:write", "storport:export", "storport:import",
                "ramdisk:attach", "ramdisk:detach");
        StringBuilder script = new StringBuilder();
        commands.forEach(c -> script.append("help ").append(c).append('\n'));
        Run r = run(script.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String c : commands) {
            String name = c.substring(c.indexOf(':') + 1);
            assertThat(r.out()).as(c).containsPattern("(?m)^" + name + " - \\S");
        }
        // a Java keyword: Gogo runs it as the method _import, which felix:help cannot find; drvsim's help can
        assertThat(r.out()).contains("import - writes a whole file to the logical unit from LBA 0")
                .contains("      String   file to import");
        Run listing = run("help\n");
        assertThat(listing.out()).containsPattern("(?m)^  import +writes a whole file to the logical unit");
    }

    /** @return a real binary of 1 to 15 MiB that the project did not make: the largest such file of this JDK */
    static Path realBinary() throws IOException {
        try (var files = Files.walk(Path.of(System.getProperty("java.home")))) {
            return files.filter(Files::isRegularFile).filter(p -> {
                try {
                    long n = Files.size(p);
                    return n >= (1 << 20) && n <= (15 << 20);
                } catch (IOException e) {
                    return false;
                }
            }).max(java.util.Comparator.comparingLong((Path p) -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).thenComparing(Path::toString)).orElseThrow(() -> new AssertionError("no 1-15 MiB file in java.home"));
        }
    }

    @Test
    public void aRealBinaryWrittenToTheEchoDeviceAndReadBackIsIdenticalAndTheTraceShowsDmaAndDpcs() throws Exception {
        Path d = tmp.getRoot().toPath();
        Path binary = realBinary();
        Run r = run("wdf:write echo0 " + binary + "\nwdf:read echo0 " + d.resolve("back.bin") + "\ntrace:export "
                + d.resolve("trace.json") + "\n");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(d.resolve("back.bin"))).as(binary.toString()).isEqualTo(Files.readAllBytes(binary));
        List<String> names = names(d.resolve("trace.json"));
        assertThat(names).contains("EvtIoWrite", "EvtIoRead", "WRITE_REGISTER_ULONG", "EvtInterruptIsr", "EvtInterruptDpc",
                "WdfRequestComplete");
        long requests = (Files.size(binary) + 65535) / 65536;
        assertThat(names.stream().filter("EvtInterruptDpc"::equals).count()).isGreaterThanOrEqualTo(2 * requests);
    }

    @Test
    public void badFilesForTheEchoDeviceGetAClearMessageAndAFailingExitAndTheDeviceStaysUsable() throws Exception {
        Path d = tmp.getRoot().toPath();
        Files.write(d.resolve("empty.bin"), new byte[0]);
        Run missing = run("wdf:write echo0 " + d.resolve("missing.bin") + "\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read file " + d.resolve("missing.bin") + ": it does not exist\n"
                + "usage: wdf:write DEVICE FILE");
        // every command that reads a file says the same of a folder and of a device
        Run folder = run("wdf:write echo0 " + d + "\n");
        assertThat(folder.exitCode()).isEqualTo(1);
        assertThat(folder.err()).contains("cannot read file " + d + ": it is a folder");
        Run device = run("storport:import /dev/zero ramdisk0 0:0:0\n");
        assertThat(device.exitCode()).isEqualTo(1);
        assertThat(device.err()).contains("cannot read file /dev/zero: it is not a regular file (a FIFO or a device)");
        Run empty = run("wdf:write echo0 " + d.resolve("empty.bin") + "\n");
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.err()).contains("is empty");
        byte[] big = new byte[(16 << 20) + 4096];
        new java.util.Random(3).nextBytes(big);
        Files.write(d.resolve("big.bin"), big);
        byte[] small = Arrays.copyOf(big, 100_000);
        Files.write(d.resolve("small.bin"), small);
        Run tooBig = run("wdf:write echo0 " + d.resolve("big.bin") + "\n");
        assertThat(tooBig.exitCode()).isEqualTo(1);
        assertThat(tooBig.err()).contains("device buffer is full");
        // the device stays usable: drain it, then a normal round trip works
        Run after = run("wdf:write echo0 " + d.resolve("small.bin") + "\nwdf:read echo0 " + d.resolve("back.bin") + "\n");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(Files.readAllBytes(d.resolve("back.bin"))).isEqualTo(small);
    }

    static String tool(String name) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    static void exec(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    @Test
    public void aRealExt4ImageGoesThroughTheSrbPathByteForByteAndStaysWriteProtectedWhenAttachedReadOnly() throws Exception {
        String mke2fs = tool("mke2fs");
        String debugfs = tool("debugfs");
        String e2fsck = tool("e2fsck");
        org.junit.Assume.assumeTrue("cannot build a real filesystem image: mke2fs, debugfs and e2fsck (Debian package "
                + "e2fsprogs) are needed; .ci/run installs them", mke2fs != null && debugfs != null && e2fsck != null);
        Path d = tmp.getRoot().toPath();
        Path src = Files.createDirectories(d.resolve("content"));
        Files.writeString(src.resolve("README.txt"), "drvsim real image test\n");
        byte[] random = new byte[300_000];
        new java.util.Random(42).nextBytes(random);
        Files.write(src.resolve("random.bin"), random);
        Files.createDirectories(src.resolve("dir/sub"));
        Files.writeString(src.resolve("dir/sub/note.txt"), "nested\n");
        Path image = d.resolve("fs.img");
        exec(d, mke2fs, "-q", "-F", "-t", "ext4", "-b", "4096", "-d", src.toString(), image.toString(), "8M");
        Files.write(d.resolve("extra.bin"), Arrays.copyOf(random, 12345));
        exec(d, debugfs, "-w", "-R", "write " + d.resolve("extra.bin") + " extra.bin", image.toString());
        exec(d, e2fsck, "-fn", image.toString());
        byte[] original = Files.readAllBytes(image);
        long blocks = original.length / 512;
        Files.write(d.resolve("block.bin"), new byte[4096]);
        String script = "ramdisk:attach ramdisk0 " + image + "\n"
                + "storport:export ramdisk0 0:0:1 " + d.resolve("attached-out.img") + "\n"
                + "storport:import " + image + " ramdisk0 0:0:0\n"
                + "storport:export --blocks " + blocks + " ramdisk0 0:0:0 " + d.resolve("imported-out.img") + "\n"
                + "ramdisk:detach ramdisk0 0:0:1\n"
                + "ramdisk:attach --read-only --block-size 4096 ramdisk0 " + image + "\n"
                + "storport:luns\n"
                + "storport:write ramdisk0 0:0:1 0 " + d.resolve("block.bin") + "\n";
        Run r = run(script);
        assertThat(r.exitCode()).as("the last line writes to the read-only LUN and must fail: " + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("line 8").contains("DATA PROTECT");
        assertThat(r.out()).contains("attached " + image + " as 0:0:1").contains("imported " + image)
                .contains("(read-only)").contains("read-only");
        assertThat(Files.readAllBytes(d.resolve("attached-out.img"))).isEqualTo(original);
        assertThat(Files.readAllBytes(d.resolve("imported-out.img"))).isEqualTo(original);
        exec(d, e2fsck, "-fn", d.resolve("imported-out.img").toString());
        assertThat(Files.readAllBytes(image)).as("the read-only attachment changed nothing").isEqualTo(original);
    }

    /** @return the {@code name} of every event in a Trace Event Format file, in file order */
    static List<String> names(Path json) throws IOException {
        List<String> names = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(Files.readString(json, StandardCharsets.UTF_8))) {
            int depth = 0;
            boolean inEvents = false;
            while (p.nextToken() != null) {
                JsonToken t = p.currentToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 1 && p.currentName().equals("traceEvents")) {
                    inEvents = true;
                } else if (t == JsonToken.FIELD_NAME && inEvents && depth == 3 && p.currentName().equals("name")) {
                    p.nextToken();
                    names.add(p.getText());
                }
            }
        }
        return names;
    }
}
