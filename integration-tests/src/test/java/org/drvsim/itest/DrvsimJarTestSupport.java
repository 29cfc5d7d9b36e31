package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.pkts.Pcap;
import io.pkts.packet.Packet;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/**
 * Runs the real {@code drvsim.jar} as a user would ({@code java -jar drvsim.jar --script FILE}) in a temporary
 * folder, for the end-to-end tests; the traffic fixture is a real tcpdump capture (src/test/resources/captures).
 */
public abstract class DrvsimJarTestSupport {
    static final String A0 = "'ROOT\\NETVMINI\\0000'";
    static final String A1 = "'ROOT\\NETVMINI\\0001'";
    static Path jar;
    static Path capture;
    static List<byte[]> frames;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void locate() throws IOException {
        jar = Path.of(System.getProperty("drvsim.distributionJar"));
        assertThat(jar).as("the distribution must be built first").exists();
        capture = Path.of("src/test/resources/captures/netns-arp-ipv4-ipv6.pcap").toAbsolutePath();
        frames = read(capture);
        assertThat(frames).hasSize(35);
    }

    static List<byte[]> read(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        Pcap pcap = Pcap.openStream(file.toFile());
        pcap.loop((Packet p) -> {
            out.add(p.getPayload().getArray());
            return true;
        });
        pcap.close();
        return out;
    }

    record Run(int exitCode, String out, String err) {
    }

    /**
     * A driver jar of its own in the test's temporary folder, as a driver author's build makes it: the model's package
     * and the NT basics imported, the model's activator, and a Drvsim-Driver header naming {@code entry}, claiming
     * {@code hardwareId}.
     *
     * @param model   ndis or wdf
     * @param classes the classes in the jar (the entry class and what it needs)
     */
    Path driverJar(String fileName, String symbolicName, String model, Class<?> entry, String hardwareId,
                   Class<?>... classes) throws IOException {
        String activator = switch (model) {
            case "ndis" -> "org.drvsim.ndis.NdisDriverActivator";
            case "wdf" -> "org.drvsim.wdf.WdfDriverActivator";
            default -> throw new IllegalArgumentException(model);
        };
        org.ops4j.pax.tinybundles.TinyBundle b = org.ops4j.pax.tinybundles.TinyBundles.bundle()
                .setHeader("Bundle-ManifestVersion", "2")
                .setHeader("Bundle-SymbolicName", symbolicName)
                .setHeader("Bundle-Version", "1.0.0")
                .setHeader("Import-Package", "org.drvsim." + model + ",org.drvsim.nt")
                .setHeader("Bundle-Activator", activator)
                .setHeader("Drvsim-Driver", entry.getName() + ";model=" + model + ";hardware-ids=\"" + hardwareId + "\"");
        for (Class<?> c : classes) {
            b.addClass(c);
        }
        Path jarFile = tmp.getRoot().toPath().resolve(fileName);
        try (java.io.InputStream in = b.build(org.ops4j.pax.tinybundles.TinyBundles.rawBuilder())) {
            Files.copy(in, jarFile);
        }
        return jarFile;
    }

    /**
     * The drvsim.home of {@link #run}, unless its JVM arguments name another: a folder of the test's temporary folder,
     * never the real {@code ~/.drvsim} (the build also sets DRVSIM_HOME for the jar processes tests start themselves).
     */
    Path home() {
        return tmp.getRoot().toPath().resolve("drvsim-home");
    }

    Run run(String script, String... jvmArgs) throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path file = dir.resolve("script.gosh");
        Files.writeString(file, script);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Arrays.stream(jvmArgs).noneMatch(a -> a.startsWith("-Ddrvsim.home="))) {
            cmd.add("-Ddrvsim.home=" + home());
        }
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.addAll(List.of("-jar", jar.toString(), "--script", file.toString()));
        return exec(cmd);
    }

    /** Runs drvsim.jar with {@code args} after {@code -jar drvsim.jar}, in the test's folder, input from /dev/null. */
    Run runJar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Ddrvsim.home=" + home(), "-jar", jar.toString()));
        cmd.addAll(Arrays.asList(args));
        return exec(cmd);
    }

    private Run exec(List<String> cmd) throws Exception {
        Path dir = tmp.getRoot().toPath();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("drvsim.jar did not exit within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }
}
