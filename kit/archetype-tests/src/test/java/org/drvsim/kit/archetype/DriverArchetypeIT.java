package org.drvsim.kit.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.maven.shared.invoker.DefaultInvocationRequest;
import org.apache.maven.shared.invoker.DefaultInvoker;
import org.apache.maven.shared.invoker.InvocationRequest;
import org.apache.maven.shared.invoker.InvocationResult;
import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestName;

/**
 * The driver archetype as a driver author uses it: generate a project for each model in a temporary folder
 * outside this build, run {@code mvn -B verify} in it, and check the driver it builds and the test it runs.
 * The nested builds use target/it-repo (the just-built drvsim artifacts, copied by invoker:install) as their
 * local repository and take third-party artifacts from this build's local repository, then from Maven Central.
 */
public class DriverArchetypeIT {
    private static File mavenHome;
    private static File itRepo;
    private static File settings;
    private static Path logs;
    private static String drvsimVersion;
    private static String generateGoal;

    @Rule
    public final TestName name = new TestName();
    private Path work;

    @BeforeClass
    public static void settings() throws IOException {
        mavenHome = new File(required("maven.home"));
        itRepo = new File(required("it.repo"));
        drvsimVersion = required("it.drvsimVersion");
        generateGoal = "org.apache.maven.plugins:maven-archetype-plugin:" + required("it.archetypePluginVersion") + ":generate";
        Path itWork = Path.of(required("it.work"));
        Files.createDirectories(itWork);
        logs = itWork.resolve("logs");
        Files.createDirectories(logs);
        // Repositories in order: this build's local repository (no download for what it already has), then Central.
        // A local repository has no checksum files: do not warn for each.
        String repos = repository("this-build", Path.of(required("it.mainRepo")).toUri().toString())
                + repository("central", "https://repo.maven.apache.org/maven2");
        String xml = "<settings>\n  <profiles><profile><id>drvsim-it</id>\n"
                + "    <repositories>" + repos + "</repositories>\n"
                + "    <pluginRepositories>" + repos.replace("repository>", "pluginRepository>") + "</pluginRepositories>\n"
                + "  </profile></profiles>\n  <activeProfiles><activeProfile>drvsim-it</activeProfile></activeProfiles>\n</settings>\n";
        settings = itWork.resolve("settings.xml").toFile();
        Files.writeString(settings.toPath(), xml);
        assertThat(new File(itRepo, "org/drvsim/drvsim-driver-archetype/" + drvsimVersion))
                .as("invoker:install copied the archetype into " + itRepo).isDirectory();
    }

    private static String repository(String id, String url) {
        return "<repository><id>" + id + "</id><url>" + url + "</url>"
                + "<releases><checksumPolicy>ignore</checksumPolicy></releases>"
                + "<snapshots><enabled>false</enabled></snapshots></repository>";
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run with mvn verify)");
        }
        return v;
    }

    @Before
    public void workFolder() throws IOException {
        work = Files.createTempDirectory("drvsim-archetype-" + name.getMethodName() + "-");
    }

    @After
    public void deleteWorkFolder() throws IOException {
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What one nested Maven run did. */
    record Run(int exitCode, String log) {
    }

    private Run maven(Path dir, String step, List<String> goals, Properties properties) throws Exception {
        InvocationRequest request = new DefaultInvocationRequest();
        request.setBaseDirectory(dir.toFile());
        request.setBatchMode(true);
        request.setGoals(goals);
        request.setProperties(properties);
        request.setLocalRepositoryDirectory(itRepo);
        request.setUserSettingsFile(settings);
        request.setTimeoutInSeconds(600);
        request.setMavenOpts("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        StringBuilder log = new StringBuilder();
        request.setOutputHandler(line -> log.append(line).append('\n'));
        request.setErrorHandler(line -> log.append(line).append('\n'));
        DefaultInvoker invoker = new DefaultInvoker();
        invoker.setMavenHome(mavenHome);
        InvocationResult result = invoker.execute(request);
        Files.writeString(logs.resolve(name.getMethodName() + "-" + step + ".log"), log);
        return new Run(result.getExitCode(), log.toString());
    }

    /** Runs the archetype as the README says, with {@code model} (or none when null). */
    private Run generate(String artifactId, String model) throws Exception {
        Properties p = new Properties();
        p.setProperty("archetypeGroupId", "org.drvsim");
        p.setProperty("archetypeArtifactId", "drvsim-driver-archetype");
        p.setProperty("archetypeVersion", drvsimVersion);
        p.setProperty("groupId", "com.example");
        p.setProperty("artifactId", artifactId);
        p.setProperty("version", "1.0.0-SNAPSHOT");
        p.setProperty("package", "com.example." + artifactId);
        if (model != null) {
            p.setProperty("model", model);
        }
        return maven(work, "generate", List.of(generateGoal), p);
    }

    private Run verify(Path project) throws Exception {
        return maven(project, "verify", List.of("verify"), new Properties());
    }

    private static List<String> javaFiles(Path project) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(project.resolve("src"))) {
            all.filter(p -> p.toString().endsWith(".java")).forEach(p -> out.add(project.relativize(p).toString()));
        }
        return out;
    }

    private static Attributes manifest(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest().getMainAttributes();
        }
    }

    /** @return the package names of an Import-Package header (commas inside quoted attributes do not split) */
    static List<String> importedPackages(String header) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(clause.toString().split(";")[0].trim());
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return out;
    }

    /**
     * Hot-installs the driver jar into the real drvsim.jar (its default machine), plugs the driver's device and
     * shows the trace of that device, as the generated README says.
     *
     * @return what drvsim.jar printed
     */
    private String hotInstall(Path driverJar, String hardwareId) throws Exception {
        Path script = work.resolve("hot-install.gosh");
        Files.writeString(script, "start " + driverJar.toUri() + "\n"
                + "hw:plug '" + hardwareId + "\\0000' '" + hardwareId + "'\n"
                + "trace:show '" + hardwareId + "\\0000'\n");
        Path out = work.resolve("hot-install.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                required("drvsim.distributionJar"), "--script", script.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("drvsim.jar did not exit within 120 s");
        }
        String printed = Files.readString(out);
        Files.writeString(logs.resolve(name.getMethodName() + "-hot-install.log"), printed);
        assertThat(p.exitValue()).as(printed).isZero();
        return printed;
    }

    private void generatesAProjectWhoseDriverAndTestPass(String model, String artifactId, String hardwareId,
                                                        List<String> sources, String firstDeviceCallback)
            throws Exception {
        Run generated = generate(artifactId, model);
        assertThat(generated.exitCode()).as(generated.log()).isZero();
        Path project = work.resolve(artifactId);
        List<String> expected = new ArrayList<>();
        for (String s : sources) {
            expected.add("src/main/java/com/example/" + artifactId + "/" + s + ".java");
        }
        expected.add("src/test/java/com/example/" + artifactId + "/DriverIT.java");
        assertThat(javaFiles(project)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(project.resolve("README.md"))).startsWith("# " + artifactId + "\n")
                .contains("\n## Build and test\n").contains("\n## To adapt it\n").contains(hardwareId);

        Run built = verify(project);
        assertThat(built.exitCode()).as(built.log()).isZero();
        assertThat(built.log()).contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0");
        assertThat(built.log().lines().filter(l -> l.startsWith("[WARNING]"))).as("warnings of a correct driver's build")
                .isEmpty();
        Path jar = project.resolve("target/" + artifactId + "-1.0.0-SNAPSHOT.jar");
        Attributes m = manifest(jar);
        assertThat(m.getValue("Drvsim-Driver")).isEqualTo("com.example." + artifactId + "." + sources.get(0) + ";model="
                + model + ";hardware-ids=\"" + hardwareId + "\"");
        // a driver imports its model's package and (when it uses an NT type) org.drvsim.nt, besides java.*
        assertThat(importedPackages(m.getValue("Import-Package"))).contains("org.drvsim." + model)
                .allMatch(p -> p.startsWith("java.") || p.equals("org.drvsim." + model) || p.equals("org.drvsim.nt"));

        String shell = hotInstall(jar, hardwareId);
        assertThat(shell).contains("plugged " + hardwareId + "\\0000: DeviceNodeStarted by com.example." + artifactId)
                .contains(firstDeviceCallback);
    }

    @Test
    public void anNdisProjectBuildsAndItsTestPasses() throws Exception {
        generatesAProjectWhoseDriverAndTestPass("ndis", "mynic", "ROOT\\MYNIC", List.of("Miniport", "Adapter"),
                "MiniportInitializeEx");
    }

    @Test
    public void aStorportProjectBuildsAndItsTestPasses() throws Exception {
        generatesAProjectWhoseDriverAndTestPass("storport", "mydisk", "ROOT\\MYDISK", List.of("Miniport", "Adapter"),
                "VirtualHwStorFindAdapter");
    }

    @Test
    public void aKmdfProjectBuildsAndItsTestPasses() throws Exception {
        generatesAProjectWhoseDriverAndTestPass("wdf", "mydevice", "ROOT\\MYDEVICE", List.of("Driver", "Device"),
                "EvtDevicePrepareHardware");
    }

    /** Generates the NDIS project and removes MiniportHaltEx's NdisFreeTimerObject from its Adapter. */
    private Path ndisProjectWhoseHaltLeaksItsTimer() throws Exception {
        assertThat(generate("mynic", "ndis").exitCode()).isZero();
        Path project = work.resolve("mynic");
        Path adapter = project.resolve("src/main/java/com/example/mynic/Adapter.java");
        String source = Files.readString(adapter);
        String freeTimer = "        adapter.sendCompleteTimer.ndisFreeTimerObject();\n";
        assertThat(source).contains(freeTimer);
        Files.writeString(adapter, source.replace(freeTimer, ""));
        return project;
    }

    private static String failsafeReport(Path project) throws IOException {
        return Files.readString(project.resolve("target/failsafe-reports/com.example.mynic.DriverIT.txt"),
                StandardCharsets.UTF_8);
    }

    /** The generated test can fail: a MiniportHaltEx that no longer frees what MiniportInitializeEx allocated. */
    @Test
    public void theGeneratedTestFailsWhenTheHaltNoLongerUndoesTheInitialize() throws Exception {
        Path project = ndisProjectWhoseHaltLeaksItsTimer();
        Run built = verify(project);
        assertThat(built.exitCode()).as(built.log()).isNotZero();
        // the stop test's own assertion, and the kit's stop after the two other tests that plugged the device
        assertThat(built.log()).contains("Tests run: 4, Failures: 3");
        // the failed assertion, and the kit's verifier check attached to it
        assertThat(failsafeReport(project)).contains("stoppingTheBundlePausesAndHaltsTheAdapterThenUnloadsTheDriver")
                .contains("could not find the following elements:").contains("NdisFreeTimerObject")
                .contains("Suppressed: java.lang.AssertionError: the verifier recorded 1 violation(s)")
                .contains("NdisTimerNotFreed (bug check 0xC4)");
    }

    /**
     * A test that never checks the teardown still fails on the leak: the kit stops the driver at the end of each test
     * and its verifier check names the rule and shows the trace before it. With the stop test removed, every
     * remaining test fails this way.
     */
    @Test
    public void theKitFailsATestWhoseDriverBrokeAVerifierRuleEvenIfItsAssertionsPass() throws Exception {
        Path project = ndisProjectWhoseHaltLeaksItsTimer();
        Path test = project.resolve("src/test/java/com/example/mynic/DriverIT.java");
        String source = Files.readString(test);
        int stopTest = source.indexOf("    @Test\n    public void stoppingTheBundle");
        assertThat(stopTest).isPositive();
        Files.writeString(test, source.substring(0, stopTest).stripTrailing() + "\n}\n");

        Run built = verify(project);
        assertThat(built.exitCode()).as(built.log()).isNotZero();
        // the driver loads in all three; the two that plug the device leak its timer at the kit's stop
        assertThat(built.log()).contains("Tests run: 3, Failures: 2");
        assertThat(failsafeReport(project)).contains("aPluggedDeviceIsInitializedThenRestarted")
                .contains("everyFrameAProtocolSendsIsCompleted")
                .contains("the verifier recorded 1 violation(s)")
                .contains("NdisTimerNotFreed (bug check 0xC4) by com.example.mynic/")
                .contains("trace before it:").contains("MiniportHaltEx");
    }

    @Test
    public void anUnknownModelFailsNamingTheThreeAndLeavesNoProject() throws Exception {
        Run r = generate("mynic", "scsiport");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.log()).contains("model must be one of ndis, storport, wdf (got 'scsiport'); nothing was generated");
        assertThat(work.resolve("mynic")).doesNotExist();
    }

    @Test
    public void aMissingModelFails() throws Exception {
        Run r = generate("mynic", null);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.log()).contains("Property model is missing");
        assertThat(work.resolve("mynic")).doesNotExist();
    }
}
