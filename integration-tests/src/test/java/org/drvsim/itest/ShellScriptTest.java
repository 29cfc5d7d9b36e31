package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.MissingHaltHandlerDriver;
import org.junit.Test;
import org.ops4j.pax.tinybundles.TinyBundles;

/**
 * {@code --script} and piped input as a tool people rely on: the exit code tells the truth whichever bundle's command
 * failed, bundles are named by ID or symbolic name, commands return when their work is done, {@code exit} stops the
 * platform the orderly way with its code, and echo, sleep, variables and pipes work as interactively.
 */
public class ShellScriptTest extends DrvsimJarTestSupport {
    /** A driver bundle jar whose DriverEntry fails (no MiniportHaltEx handler). */
    private Path failingDriverJar() throws Exception {
        return driverJar("fixture.missinghalt", MissingHaltHandlerDriver.class, "ROOT\\MISSINGHALT");
    }

    /** An NDIS driver bundle jar of a fixture driver class claiming one hardware ID. */
    private Path driverJar(String symbolicName, Class<? extends FixtureDriver> driver, String hardwareId)
            throws Exception {
        Path jarFile = tmp.getRoot().toPath().resolve(symbolicName + ".jar");
        try (InputStream in = TinyBundles.bundle()
                .setHeader("Bundle-ManifestVersion", "2")
                .setHeader("Bundle-SymbolicName", symbolicName)
                .setHeader("Bundle-Version", "1.0.0")
                .setHeader("Import-Package", "org.drvsim.ndis,org.drvsim.nt")
                .setHeader("Bundle-Activator", "org.drvsim.ndis.NdisDriverActivator")
                .setHeader("Drvsim-Driver", driver.getName() + ";model=ndis;hardware-ids=\"" + hardwareId + "\"")
                .addClass(FixtureDriver.class).addClass(driver)
                .build(TinyBundles.rawBuilder())) {
            Files.copy(in, jarFile);
        }
        return jarFile;
    }

    @Test
    public void aScriptThatCannotBeReadOrUnknownArgumentsEndWithExitCode2AndSayWhatIsWrong() throws Exception {
        Run missing = runJar("--script", "nope.gosh");
        assertThat(missing.exitCode()).as(missing.err()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("drvsim: cannot read script nope.gosh: it does not exist");
        Run folder = runJar("--script", tmp.getRoot().toString());
        assertThat(folder.exitCode()).isEqualTo(2);
        assertThat(folder.err().strip()).isEqualTo("drvsim: cannot read script " + tmp.getRoot() + ": it is a folder");
        Run unknown = runJar("--scrpit", "x.gosh");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("drvsim: unknown arguments [--scrpit, x.gosh]")
                .contains("usage: java -jar drvsim.jar [--script FILE]");
    }

    @Test
    public void startOfAJarFileInstallsAndStartsItAndItsDevicePlugsAndStarts() throws Exception {
        Path jarFile = driverJar("fixture.quiet", org.drvsim.itest.fixtures.QuietDriver.class, "ROOT\\QUIET");
        Run r = run("start " + jarFile + "\n"
                + "hw:plug 'ROOT\\QUIET\\0000' 'ROOT\\QUIET'\n"
                + "stop fixture.quiet\n"
                + "start /no/such/driver.jar\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("started fixture.quiet/1.0.0").contains("; driver loaded, no device")
                .contains("plugged ROOT\\QUIET\\0000: DeviceNodeStarted by fixture.quiet/1.0.0")
                .contains("stopped fixture.quiet/1.0.0");
        assertThat(r.err()).contains("line 4").contains("start: no file /no/such/driver.jar");
    }

    @Test
    public void aDriverWhoseDriverEntryFailsStopsTheScriptWithExitCode1AndItsStatusOnStderr() throws Exception {
        Path jarFile = failingDriverJar();
        Run r = run("install '" + jarFile + "'\n"
                + "start fixture.missinghalt\n"
                + "driver:list\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("line 2").contains("'start fixture.missinghalt' failed: start: "
                + "fixture.missinghalt/1.0.0").contains("NDIS_STATUS_BAD_CHARACTERISTICS")
                .doesNotContain("org.osgi.framework.BundleException").doesNotContain("\tat ");
        assertThat(r.out()).contains("installed fixture.missinghalt/1.0.0").doesNotContain("drvsim> driver:list");
    }

    @Test
    public void felixsOwnBundleCommandsThatReportAFailureFailTheScriptToo() throws Exception {
        Run r = run("felix:start 4242\nlb\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("line 1").contains("Bundle ID '4242'");
        Run bad = run("felix:install file:/no/such/bundle.jar\nlb\n");
        assertThat(bad.exitCode()).as(bad.out() + bad.err()).isEqualTo(1);
        assertThat(bad.out()).doesNotContain("drvsim> lb");
    }

    @Test
    public void bundlesAreNamedByIdOrSymbolicNameAndEachCommandReturnsWhenItsWorkIsDone() throws Exception {
        Run r = run("stop " + NETVMINI_NAME + "\n"
                + "ndis:adapters\n"
                + "start " + NETVMINI_NAME + "\n"
                + "update " + NETVMINI_NAME + "\n"
                + "refresh\n"
                + "refresh " + NETVMINI_NAME + "\n"
                + "ndis:adapters\n"
                + "stop 4242\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("line 8").contains("stop: no bundle with ID 4242");
        String out = r.out();
        assertThat(out).contains("stopped " + NETVMINI_NAME + "/")
                .contains("; driver runs ROOT\\NETVMINI\\0000 DeviceNodeStarted, ROOT\\NETVMINI\\0001 DeviceNodeStarted")
                .contains("updated " + NETVMINI_NAME + "/").contains("refreshed");
        // after the stop no adapter is listed; after start, update and refresh both are Running again
        String afterStop = out.substring(out.indexOf("drvsim> ndis:adapters"), out.indexOf("drvsim> start"));
        assertThat(afterStop).doesNotContain("netvmini0");
        String last = out.substring(out.lastIndexOf("drvsim> ndis:adapters"));
        assertThat(last.lines().filter(l -> l.contains("netvmini") && l.contains("Running")).count()).as(last).isEqualTo(2);
    }

    @Test
    public void exitStopsThePlatformTheOrderlyWayWithItsExitCodeAndTheLinesAfterItDoNotRun() throws Exception {
        Path trace = tmp.getRoot().toPath().resolve("exit.json");
        Run r = run("driver:list\nexit 3\nhw:unplug " + A0 + "\n", "-Ddrvsim.trace.export=" + trace);
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out()).doesNotContain("drvsim> hw:unplug");
        String json = Files.readString(trace);
        assertThat(json.split("\"MiniportHaltEx\"", -1)).as("a MiniportHaltEx per netvmini and e1k adapter").hasSize(5);
        assertThat(json).contains("\"MiniportDriverUnload\"").contains("\"EvtDeviceReleaseHardware\"")
                .contains("\"HwStorFreeAdapterResources\"");
        assertThat(run("shutdown\ndriver:list\n").exitCode()).isZero();
        Run bad = run("exit 300\n");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("exit code must be 0 to 255");
    }

    @Test
    public void echoSleepVariablesAndPipesWorkInAScript() throws Exception {
        Run r = run("x = netvmini\n"
                + "echo found $x\n"
                + "sleep 0\n"
                + "driver:list | grep $x\n"
                + "each [1 2] {\n"
                + "  echo item $it\n"
                + "}\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("found netvmini").contains("item 1").contains("item 2");
        assertThat(r.out().lines().filter(l -> l.contains(NETVMINI_NAME.substring(0, 19)) && l.contains("ndis")))
                .hasSize(1);
        assertThat(r.err()).doesNotContain("StackOverflowError");
    }

    @Test
    public void anUnknownCommandAndWrongArgumentsSayWhatIsWrongAndShowTheUsageWithoutJavaClassNames()
            throws Exception {
        Run unknown = run("nosuchcommand\n");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown command 'nosuchcommand'").doesNotContain("org.apache");
        Run arity = run("hw:plug 'ROOT\\X\\0000'\n");
        assertThat(arity.exitCode()).isEqualTo(1);
        assertThat(arity.err()).contains("wrong arguments for hw:plug; usage:").contains("hardware ID, quoted")
                .doesNotContain("Cannot coerce");
    }

    @Test
    public void hwPlugOfAHardwareIdTheMachineModelsPlugsThatDeviceAndReturnsWhenItIsStarted() throws Exception {
        Files.write(tmp.getRoot().toPath().resolve("data.bin"), new byte[] {0, 0x11, 0x22, 0x33, 0x44});
        Run r = run("hw:plug\n"
                + "hw:plug 'PCI\\VEN_1414&DEV_EC40\\0001' 'PCI\\VEN_1414&DEV_EC40'\n"
                + "wdf:write 'PCI\\VEN_1414&DEV_EC40\\0001' data.bin\n"
                + "hw:plug --async 'ROOT\\NETVMINI\\0002' 'ROOT\\NETVMINI'\n"
                + "pnp:wait\n"
                + "ndis:adapters\n"
                + "hw:surprise 'PCI\\VEN_1414&DEV_EC40\\0001'\n"
                + "hw:plug 'PCI\\VEN_1234&DEV_0001\\0000' 'PCI\\VEN_1234&DEV_0001'\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PCI\\VEN_1414&DEV_EC40    Simulated PCI echo DMA device")
                .contains("plugged PCI\\VEN_1414&DEV_EC40\\0001: DeviceNodeStarted by org.drvsim.drivers.echo/")
                .contains("surprise-removed PCI\\VEN_1414&DEV_EC40\\0001: removed by org.drvsim.drivers.echo/")
                .contains("plugged PCI\\VEN_1234&DEV_0001\\0000 (no device model for PCI\\VEN_1234&DEV_0001: a device "
                        + "without resources): DeviceNodeUninitialized (no driver)");
        String adapters = r.out().substring(r.out().indexOf("drvsim> ndis:adapters"));
        assertThat(adapters).contains("ROOT\\NETVMINI\\0002");
    }

    @Test
    public void pipedInputRunsLikeAScriptWithoutPromptsAndExitsNonZeroAtTheFirstFailure() throws Exception {
        Path d = tmp.getRoot().toPath();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        Files.writeString(d.resolve("in.gosh"), "driver:list\nnosuchcommand\ndriver:list\n");
        Process p = new ProcessBuilder(cmd).directory(d.toFile())
                .redirectInput(d.resolve("in.gosh").toFile())
                .redirectOutput(d.resolve("out.txt").toFile()).redirectError(d.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(d.resolve("out.txt"));
        String err = Files.readString(d.resolve("err.txt"));
        assertThat(p.exitValue()).as(out + err).isEqualTo(1);
        assertThat(out).doesNotContain("drvsim>");
        assertThat(out.split(NETVMINI_NAME, -1)).as("driver:list ran once").hasSize(2);
        assertThat(err).contains("standard input line 2: 'nosuchcommand' failed: unknown command");
    }

    static final String NETVMINI_NAME = "org.drvsim.drivers.netvmini";
}
