package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * No command corrupts or loses data, checked on the real {@code drvsim.jar} with the contents of the files and
 * logical units, not only the exit codes: ranges are checked before any request, a refused command changes
 * nothing, files are written to a temporary name and renamed, an image backs one logical unit, the configured
 * disk is detached only when forced, a capture follows its adapter across a driver restart, and SIGTERM stops the
 * platform the orderly way.
 */
public class DataSafetyScriptTest extends DrvsimJarTestSupport {
    static final String RD = "'ROOT\\RAMDISK\\0000'";

    private Path file(String name, byte[] content) throws Exception {
        Path p = tmp.getRoot().toPath().resolve(name);
        Files.write(p, content);
        return p;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    @Test
    public void negativeAndOutOfRangeBlockAddressesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path data = file("blocks.bin", pattern(1024, 3));
        Path dump = tmp.getRoot().toPath().resolve("lun.bin");
        // 131072 blocks of 512 bytes: the last two blocks are 131070 and 131071
        for (String bad : new String[] {
            "storport:write " + RD + " 0:0:0 -4294967296 " + data,
            "storport:write " + RD + " 0:0:0 131071 " + data,
            "storport:read " + RD + " 0:0:0 -9223372036854775808 1",
            "storport:read " + RD + " 0:0:0 131071 2",
            "storport:export --blocks 0 " + RD + " 0:0:0 " + dump,
            "storport:export --blocks -5 " + RD + " 0:0:0 " + dump}) {
            Run r = run(bad + "\n");
            assertThat(r.exitCode()).as(bad).isEqualTo(1);
            assertThat(r.err()).as(bad).containsAnyOf("negative", "past the end", "not a positive number");
        }
        assertThat(dump).doesNotExist();
        // the first and last blocks are still zero: nothing was written by the refused commands
        Run check = run("storport:export --blocks 2 " + RD + " 0:0:0 " + dump + "\n");
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(Files.readAllBytes(dump)).isEqualTo(new byte[1024]);
    }

    @Test
    public void anExportOntoTheImageThatBacksALogicalUnitIsRefusedAndTheImageStaysIntact() throws Exception {
        byte[] content = pattern(64 * 512, 5);
        Path image = file("disk.img", content);
        Run r = run("ramdisk:attach ramdisk0 " + image + "\nstorport:export " + RD + " 0:0:1 " + image + "\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("this platform has it open (it backs a logical unit)");
        assertThat(Files.readAllBytes(image)).isEqualTo(content);
    }

    @Test
    public void anImageIsAttachedOnce() throws Exception {
        Path image = file("disk.img", pattern(16 * 512, 1));
        Run r = run("ramdisk:attach ramdisk0 " + image + "\nramdisk:attach ramdisk0 " + image + "\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("is already attached");
        assertThat(r.out()).containsOnlyOnce("attached " + image);
    }

    @Test
    public void theConfiguredMemoryDiskIsDetachedOnlyWhenForced() throws Exception {
        Run refused = run("ramdisk:detach ramdisk0 0:0:0\n");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("is the adapter's configured disk").contains("--force");
        Run forced = run("ramdisk:detach --force ramdisk0 0:0:0\nstorport:luns\n");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("detached 0:0:0");
    }

    @Test
    public void anExportThatFailsLeavesNoFileAndAnExportIntoAMissingFolderIsRefused() throws Exception {
        Path target = tmp.getRoot().toPath().resolve("no-such-folder/lun.img");
        Run r = run("storport:export --blocks 8 " + RD + " 0:0:0 " + target + "\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("folder").contains("does not exist");
        assertThat(target.getParent()).doesNotExist();
        try (var files = Files.list(tmp.getRoot().toPath())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
        }
    }

    @Test
    public void anOidValueWiderThanTheOidIsRefused() throws Exception {
        Run r = run("ndis:oid netvmini0 OID_GEN_CURRENT_LOOKAHEAD 4294967296\n");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("does not fit the OID's 32-bit ULONG");
        Run filter = run("ndis:oid netvmini0 OID_GEN_CURRENT_PACKET_FILTER 0x100000001\n");
        assertThat(filter.exitCode()).isEqualTo(1);
        assertThat(filter.err()).contains("does not fit the 32-bit packet filter");
    }

    @Test
    public void aCaptureFollowsItsAdapterAcrossADriverRestart() throws Exception {
        Path out = tmp.getRoot().toPath().resolve("across-restart.pcap");
        // Felix's start and stop take bundle IDs; the IDs are the same in every run of the same drvsim.jar
        Run list = run("driver:list\n");
        String id = list.out().lines().filter(l -> l.contains("org.drvsim.drivers.netvmini")).findFirst().orElseThrow()
                .trim().split("\\s+")[0];
        Run r = run("ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_PROMISCUOUS\n"
                + "ndis:capture netvmini1 " + out + "\n"
                + "stop " + id + "\n"
                + "start " + id + "\n"
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_PROMISCUOUS\n"
                + "ndis:send netvmini0 " + capture + "\n"
                + "ndis:capture --stop netvmini1\n");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("captured 35 frame(s) on ROOT\\NETVMINI\\0001");
        assertThat(read(out)).hasSize(35);
    }

    @Test
    public void sigtermStopsThePlatformTheOrderlyWay() throws Exception {
        Path d = tmp.getRoot().toPath();
        Path trace = d.resolve("shutdown.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddrvsim.trace.export=" + trace, "-jar", jar.toString())
                .directory(d.toFile()).redirectErrorStream(true).redirectOutput(d.resolve("out.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try {
            // piped input runs as it comes: once 'echo' has printed, the platform has started
            p.getOutputStream().write("echo platform-up\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(d.resolve("out.txt")).contains("platform-up")) {
                assertThat(System.nanoTime()).as("drvsim.jar started").isLessThan(deadline);
                Thread.sleep(100);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("drvsim.jar exited after SIGTERM").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(trace).exists();
        String json = Files.readString(trace);
        assertThat(json.split("\"MiniportHaltEx\"", -1)).as("a MiniportHaltEx per netvmini and e1k adapter").hasSize(5);
        assertThat(json).contains("\"HwStorFreeAdapterResources\"").contains("\"EvtDeviceReleaseHardware\"");
    }
}
