package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.drvsim.itest.fixtures.ChattyDriver;
import org.drvsim.itest.fixtures.FloodingDriver;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.junit.Test;
import org.ops4j.pax.tinybundles.TinyBundles;

/**
 * drvsim.jar's home folder as a Karaf user knows it ({@code drvsim.home}, default {@code ~/.drvsim}): a driver jar
 * dropped into {@code deploy/} is installed and started, replaced is updated, deleted is uninstalled (its devices
 * halted and the driver unloaded on the way); a {@code .cfg} file in {@code etc/} is a ConfigAdmin configuration
 * ({@code config:} commands); drvsim's log records reach {@code log:display}, {@code log:tail} and
 * {@code log/drvsim.log}; the interactive history is kept in {@code data/}.
 */
public class DrvsimHomeTest extends DrvsimJarTestSupport {
    static final String CHATTY = "fixture.chatty";
    static final String DEVICE = "ROOT\\CHATTY\\0000";
    static final String PLUG = "hw:plug 'ROOT\\CHATTY\\0000' 'ROOT\\CHATTY'";

    /** The chatty fixture driver as a bundle jar of that version, outside the deploy folder. */
    private Path chattyJar(String version) throws Exception {
        Path jarFile = tmp.getRoot().toPath().resolve("chatty-" + version + ".jar");
        try (InputStream in = TinyBundles.bundle()
                .setHeader("Bundle-ManifestVersion", "2")
                .setHeader("Bundle-SymbolicName", CHATTY)
                .setHeader("Bundle-Version", version)
                .setHeader("Import-Package", "org.drvsim.ndis,org.drvsim.nt")
                .setHeader("Bundle-Activator", "org.drvsim.ndis.NdisDriverActivator")
                .setHeader("Drvsim-Driver", ChattyDriver.class.getName() + ";model=ndis;hardware-ids=\"ROOT\\CHATTY\"")
                .addClass(FixtureDriver.class).addClass(ChattyDriver.class)
                .build(TinyBundles.rawBuilder())) {
            Files.copy(in, jarFile);
        }
        return jarFile;
    }

    /** Moves a file into place in one step, as a finished copy: FileInstall never sees half of it. */
    private static void drop(Path file, Path target) throws Exception {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String lineOf(String text, String... parts) {
        return text.lines().filter(l -> List.of(parts).stream().allMatch(l::contains)).findFirst().orElse(null);
    }

    /** The sequence number (a trace line's first column) of the last trace line that has all the parts. */
    private static long seq(String trace, String... parts) {
        List<Long> seqs = seqs(trace, parts);
        return seqs.get(seqs.size() - 1);
    }

    /** The sequence number of the first trace line that has all the parts. */
    private static long firstSeq(String trace, String... parts) {
        return seqs(trace, parts).get(0);
    }

    private static List<Long> seqs(String trace, String... parts) {
        List<Long> seqs = trace.lines().filter(l -> List.of(parts).stream().allMatch(l::contains))
                .map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList();
        assertThat(seqs).as("a trace line with " + List.of(parts) + " in:\n" + trace).isNotEmpty();
        return seqs;
    }

    /** Whether driver:list shows the chatty driver's bundle active, the driver loaded and running the device. */
    private static boolean runs(String driverList) {
        String l = lineOf(driverList, CHATTY);
        return l != null && l.contains("Active") && l.contains("Loaded") && l.contains(DEVICE);
    }

    @Test
    public void theDefaultHomeIsAFolderOfTheUsersHomeWithKarafsFoldersAndNothingIsWrittenToTheCurrentFolder()
            throws Exception {
        Path user = tmp.newFolder("user").toPath();
        Path work = tmp.newFolder("work").toPath();
        Path script = tmp.getRoot().toPath().resolve("echo.gosh");
        Files.writeString(script, "echo home-ok\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + user, "-jar", jar.toString(), "--script", script.toString())
                .directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.getRoot().toPath().resolve("default-home.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("DRVSIM_HOME");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(tmp.getRoot().toPath().resolve("default-home.txt"));
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("home-ok");
        Path home = user.resolve(".drvsim");
        for (String folder : new String[] {"deploy", "etc", "data", "log"}) {
            assertThat(home.resolve(folder)).as(folder).isDirectory();
        }
        assertThat(home.resolve("data/history")).isRegularFile();
        assertThat(home.resolve("log/drvsim.log")).isRegularFile();
        try (var files = Files.list(work)) {
            assertThat(files.toList()).as("nothing in the current folder (no drivers/, load/ or felix-cache/)").isEmpty();
        }
    }

    @Test
    public void aDriverJarInDeployIsInstalledAndStartedUpdatedWhenReplacedAndUninstalledWhenDeleted() throws Exception {
        Path home = home();
        Path v1 = chattyJar("1.0.0");
        Path v2 = chattyJar("1.0.1");
        Path deployed = home.resolve("deploy/chatty.jar");
        try (LiveDrvsim d = LiveDrvsim.start(jar, tmp.getRoot().toPath(), "deploy", "-Ddrvsim.home=" + home)) {
            assertThat(d.run("echo up")).isEqualTo("up");
            assertThat(d.run(PLUG)).contains(DEVICE).contains("no driver");

            // dropped: installed and started, its DriverEntry runs and the device it claims starts
            drop(v1, deployed);
            d.await("lb -s", out -> lineOf(out, CHATTY + " (1.0.0)", "Active") != null, "the dropped bundle active", 30);
            String list = d.await("driver:list", out -> runs(out), "the dropped driver running the device", 30);
            assertThat(lineOf(list, CHATTY)).contains("ndis");
            String first = d.run("trace:show " + CHATTY + "/1.0.0");
            assertThat(seq(first, "DriverEntry")).as(first).isLessThan(seq(first, DEVICE, "MiniportInitializeEx"));
            // the driver's own log record, through java.util.logging
            assertThat(d.run("log:display")).contains(ChattyDriver.GREETING).contains("| ChattyDriver |");
            assertThat(Files.readString(home.resolve("log/drvsim.log"))).contains(ChattyDriver.GREETING);

            // replaced: updated; the old driver is halted and unloaded before the new one's DriverEntry
            drop(v2, deployed);
            d.await("lb -s", out -> lineOf(out, CHATTY + " (1.0.1)", "Active") != null, "the updated bundle active", 30);
            d.await("driver:list", out -> runs(out), "the updated driver running the device", 30);
            String old = d.run("trace:show " + CHATTY + "/1.0.0");
            String updated = d.run("trace:show " + CHATTY + "/1.0.1");
            // FileInstall refreshes an updated bundle, which may start it once more: the new driver's first start
            List<Long> order = List.of(seq(old, DEVICE, "MiniportHaltEx"), seq(old, "MiniportDriverUnload"),
                    firstSeq(updated, "DriverEntry"), firstSeq(updated, DEVICE, "MiniportInitializeEx"));
            assertThat(order).as(old + "\n" + updated).isSorted().doesNotHaveDuplicates();

            // deleted: the device is halted, the driver unloaded, the bundle uninstalled
            Files.delete(deployed);
            d.await("driver:list", out -> !out.contains(CHATTY), "the deleted driver's bundle gone", 30);
            String last = d.run("trace:show " + CHATTY + "/1.0.1");
            assertThat(seq(last, DEVICE, "MiniportHaltEx")).as(last).isLessThan(seq(last, "MiniportDriverUnload"))
                    .isGreaterThan(seq(last, DEVICE, "MiniportInitializeEx"));
            assertThat(d.run("lb -s")).contains("org.drvsim.shell").doesNotContain(CHATTY);
            assertThat(d.exit()).as(d.errors()).isZero();
        }
    }

    @Test
    public void aCfgFileInEtcIsAConfigurationThatConfigCommandsReadChangeAndDelete() throws Exception {
        Path home = home();
        Path etc = home.resolve("etc");
        Files.createDirectories(etc);
        Path cfg = etc.resolve("org.drvsim.itest.cfg");
        Path scratch = tmp.getRoot().toPath().resolve("scratch.cfg");
        Files.writeString(cfg, "greeting = hello\nretries = 3\n");
        try (LiveDrvsim d = LiveDrvsim.start(jar, tmp.getRoot().toPath(), "etc", "-Ddrvsim.home=" + home)) {
            String listed = d.await("config:list", out -> out.contains("greeting = hello"),
                    "the etc/ file in ConfigAdmin", 30);
            assertThat(listed).contains("org.drvsim.itest  (from " + cfg + ")").contains("retries = 3");
            assertThat(d.run("config:get org.drvsim.itest greeting")).isEqualTo("hello");

            // the file changes: ConfigAdmin has the new value
            Files.writeString(scratch, "greeting = world\nretries = 3\n");
            drop(scratch, cfg);
            d.await("config:list org.drvsim.itest", out -> out.contains("greeting = world"), "the changed file", 30);

            // config:set and config:delete KEY write the file back; config:set of a new PID writes etc/PID.cfg
            assertThat(d.run("config:set org.drvsim.itest greeting bonjour"))
                    .isEqualTo("org.drvsim.itest: greeting = bonjour (saved in " + cfg + ")");
            assertThat(d.run("config:delete org.drvsim.itest retries")).isEqualTo("org.drvsim.itest: deleted retries");
            assertThat(d.run("config:get org.drvsim.itest")).contains("greeting = bonjour").doesNotContain("retries");
            assertThat(Files.readString(cfg)).isEqualTo("greeting=bonjour\n");
            assertThat(d.run("config:set org.drvsim.fresh colour blue"))
                    .isEqualTo("org.drvsim.fresh: colour = blue (saved in " + etc.resolve("org.drvsim.fresh.cfg") + ")");
            assertThat(Files.readString(etc.resolve("org.drvsim.fresh.cfg"))).contains("colour=blue");

            // the file deleted: so is the configuration; config:delete PID deletes the file
            Files.delete(cfg);
            d.await("config:list", out -> !out.contains("org.drvsim.itest"), "the configuration gone with its file", 30);
            assertThat(d.run("config:delete org.drvsim.fresh")).startsWith("deleted configuration org.drvsim.fresh");
            awaitFile(etc.resolve("org.drvsim.fresh.cfg"), text -> text == null);
            assertThat(d.exit()).as(d.errors()).isZero();
        }
    }

    private static void awaitFile(Path file, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String text = Files.exists(file) ? Files.readString(file) : null;
            if (done.test(text)) {
                return;
            }
            assertThat(System.nanoTime()).as(file + " as expected, not:\n" + text).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    public void configAndLogCommandsFailWithOneLineNamingTheCommand() throws Exception {
        Run missing = run("config:get no.such.pid\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("'config:get no.such.pid' failed: config:get: no configuration with PID "
                + "'no.such.pid' (config:list lists them)").doesNotContain("Exception");
        Run tail = run("log:tail\n");
        assertThat(tail.exitCode()).isEqualTo(1);
        assertThat(tail.err()).contains("log:tail: follows the log until Ctrl-C, which a script cannot send; use "
                + "log:display in a script").doesNotContain("Exception");
        Run level = run("log:display --level LOUD\n");
        assertThat(level.exitCode()).isEqualTo(1);
        assertThat(level.err()).contains("log:display: no log level 'LOUD'");
    }

    @Test
    public void twoProcessesOnOneHomeRunSideBySideEachWithItsOwnLogFile() throws Exception {
        Path home = home();
        try (LiveDrvsim a = LiveDrvsim.start(jar, tmp.getRoot().toPath(), "a", "-Ddrvsim.home=" + home);
             LiveDrvsim b = LiveDrvsim.start(jar, tmp.getRoot().toPath(), "b", "-Ddrvsim.home=" + home)) {
            assertThat(a.run("echo a-up")).isEqualTo("a-up");
            assertThat(b.run("echo b-up")).isEqualTo("b-up");
            assertThat(a.run("driver:list")).contains("org.drvsim.drivers.netvmini");
            assertThat(b.run("driver:list")).contains("org.drvsim.drivers.netvmini");
            assertThat(home.resolve("log/drvsim.log")).exists();
            assertThat(home.resolve("log/drvsim.log.1")).as("the second process's log file").exists();
            assertThat(a.exit()).as(a.errors()).isZero();
            assertThat(b.exit()).as(b.errors()).isZero();
        }
    }

    @Test
    public void logTailFollowsADriversRecordsUntilCtrlCAndTheHistoryIsKeptInData() throws Exception {
        Path home = home();
        Files.createDirectories(home.resolve("deploy"));
        Path v1 = chattyJar("1.0.0");
        try (OnATerminal t = OnATerminal.start(jar, tmp.getRoot().toPath(), 200, "-Ddrvsim.home=" + home)) {
            t.awaitSeen("drvsim> ", 1, 60);
            t.type("log:tail\r");
            Thread.sleep(1500);
            drop(v1, home.resolve("deploy/chatty.jar"));
            t.awaitSeen(ChattyDriver.GREETING, 1, 30); // followed as it is logged
            t.type("\u0003"); // Ctrl-C ends log:tail, not the platform
            t.awaitSeen("drvsim> ", 2, 10);
            t.type("log:display 5\r");
            t.awaitSeen(ChattyDriver.GREETING, 2, 10);
            t.type("exit\r");
            assertThat(t.process.waitFor(60, TimeUnit.SECONDS)).as("drvsim.jar exited after 'exit':\n" + t.seen()).isTrue();
            assertThat(t.process.exitValue()).as(t.seen()).isZero();
            assertThat(t.seen()).contains("| INFO  | ChattyDriver | " + ChattyDriver.GREETING);
        }
        String history = Files.readString(home.resolve("data/history"));
        assertThat(history).contains("log:tail").contains("log:display 5").contains("exit");
    }

    /**
     * Ctrl-C while log:tail is printing: Gogo's session output is an interruptible channel, and a command thread
     * interrupted in the middle of a write there closed it, and the terminal with it: no prompt came back.
     */
    @Test
    public void ctrlCWhileLogTailIsPrintingEndsItAndThePromptComesBackEveryTime() throws Exception {
        Path home = home();
        Files.createDirectories(home.resolve("deploy"));
        Path flooding = driverJar("flooding.jar", "fixture.flooding", "ndis", FloodingDriver.class, "ROOT\\FLOOD",
                FixtureDriver.class, FloodingDriver.class);
        try (OnATerminal t = OnATerminal.start(jar, tmp.getRoot().toPath(), 200, "-Ddrvsim.home=" + home)) {
            t.awaitSeen("drvsim> ", 1, 60);
            drop(flooding, home.resolve("deploy/flooding.jar"));
            for (int round = 1; round <= 5; round++) {
                t.type("log:tail\r");
                t.awaitSeen(FloodingDriver.LINE, t.count(FloodingDriver.LINE) + 200, 30); // printing all the time now
                t.type("\u0003"); // Ctrl-C
                t.awaitSeen("drvsim> ", round + 1, 10);
            }
            t.type("exit\r");
            assertThat(t.process.waitFor(60, TimeUnit.SECONDS)).as("drvsim.jar exited after 'exit'").isTrue();
            assertThat(t.process.exitValue()).isZero();
        }
    }
}
