package org.drvsim.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.function.Function;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.DeviceConfigurations;
import org.osgi.framework.BundleContext;

/**
 * drvsim's home folder, laid out as a Karaf user expects:
 * <ul>
 * <li>{@code deploy/}: driver bundles; FileInstall installs and starts a jar dropped there, updates it when the file
 * changes and uninstalls it when the file is deleted (its initial watcher, {@code felix.fileinstall.dir});</li>
 * <li>{@code etc/}: {@code PID.cfg} files, which FileInstall gives to ConfigAdmin (a second watcher, the factory
 * configuration {@value #ETC_WATCHER_FACTORY}~{@value #ETC_WATCHER_NAME} that {@link EtcWatcher} creates), among them
 * the machine's devices, {@code org.drvsim.hw.device-NAME.cfg} ({@link DeviceConfigurations}): the default machine's
 * are written there when there is none ({@link #writeDefaultMachine});</li>
 * <li>{@code data/}: the interactive shell's command history ({@code data/history});</li>
 * <li>{@code log/}: {@code drvsim.log}, every java.util.logging record of the platform.</li>
 * </ul>
 * The home is the system or framework property {@value #PROPERTY}, else the environment variable {@value #ENV},
 * else {@code ${user.home}/.drvsim}: one per user, never the current folder. The launcher-side console
 * ({@link ConsoleActivator}, start level 5) sets it up before FileInstall (start level 10) reads its properties.
 */
final class DrvsimHome {
    /** The system or framework property that names the home folder; set to its absolute path once set up. */
    static final String PROPERTY = "drvsim.home";
    /** The environment variable read when the property is not set. */
    static final String ENV = "DRVSIM_HOME";
    /** The system property that names the command history file, which drvsim's Gogo profile gives JLine. */
    static final String HISTORY_PROPERTY = "drvsim.history";
    /** FileInstall's property for the folder its initial watcher watches. */
    static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    static final String ETC_WATCHER_FACTORY = "org.apache.felix.fileinstall";
    static final String ETC_WATCHER_NAME = "etc";
    /** The framework property that names the machine: {@code default} (or unset) or {@code empty}. */
    static final String MACHINE_PROPERTY = "drvsim.machine";
    /** The files of device configurations in etc/ ({@link DeviceConfigurations}). */
    static final String DEVICE_FILE_PREFIX = DeviceConfigurations.FACTORY_PID + "-";
    /** The log file is restarted when it reaches this size. */
    static final int LOG_FILE_LIMIT = 10 * 1024 * 1024;

    final Path root;
    final Path deploy;
    final Path etc;
    final Path data;
    final Path log;
    private Handler fileHandler;

    DrvsimHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.deploy = this.root.resolve("deploy");
        this.etc = this.root.resolve("etc");
        this.data = this.root.resolve("data");
        this.log = this.root.resolve("log");
    }

    /**
     * Where the home is.
     *
     * @param property the {@value #PROPERTY} property (framework or system), or null
     * @param env      the environment
     * @param userHome the {@code user.home} system property
     */
    static Path locate(String property, Function<String, String> env, String userHome) {
        if (property != null && !property.isBlank()) {
            return Path.of(property.strip());
        }
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.strip());
        }
        return Path.of(userHome, ".drvsim");
    }

    /** @return the device configuration files in etc/, sorted; empty when there are none or etc/ cannot be read */
    List<Path> deviceFiles() {
        try (Stream<Path> files = Files.list(etc)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(DEVICE_FILE_PREFIX) && name.endsWith(".cfg");
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Writes the default machine's device configurations ({@link DeviceConfigurations#defaultMachine()}) into etc/
     * when it has none, unless the machine is {@code empty}: so that a fresh home starts on the default machine and
     * its user sees, edits and adds device files there. Each file is written to a hidden name and renamed, as
     * {@link EtcFile} writes, so that FileInstall never reads half of one.
     *
     * @return the files written
     */
    List<Path> writeDefaultMachine(String machine) throws IOException {
        if ((machine != null && !machine.isBlank() && !machine.equals("default")) || !deviceFiles().isEmpty()) {
            return List.of();
        }
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> f : DeviceConfigurations.defaultMachine().entrySet()) {
            Path file = etc.resolve(f.getKey());
            EtcFile.write(file, f.getValue().lines().toList());
            written.add(file);
        }
        Logger.getLogger(DrvsimHome.class.getName()).fine("drvsim: wrote the default machine's device "
                + "configurations into " + etc);
        return written;
    }

    Path historyFile() {
        return data.resolve("history");
    }

    Path logFile() {
        return log.resolve("drvsim.log");
    }

    /**
     * Sets up the home the launcher runs with: creates the folders, publishes {@value #PROPERTY} (absolute),
     * {@value #HISTORY_PROPERTY} and FileInstall's {@value #FILEINSTALL_DIR} (unless given) as system properties, which
     * the framework's properties fall back to, and starts writing {@code log/drvsim.log}. A folder that cannot be made
     * is reported on stderr in one line; the platform runs on without it.
     */
    static DrvsimHome setUp(BundleContext context, Map<String, String> env) {
        DrvsimHome home = new DrvsimHome(locate(context.getProperty(PROPERTY), env::get, System.getProperty("user.home")));
        System.setProperty(PROPERTY, home.root.toString());
        if (context.getProperty(FILEINSTALL_DIR) == null) {
            System.setProperty(FILEINSTALL_DIR, home.deploy.toString());
        }
        try {
            for (Path p : new Path[] {home.deploy, home.etc, home.data, home.log}) {
                Files.createDirectories(p);
            }
            if (!Files.exists(home.historyFile())) {
                Files.createFile(home.historyFile());
            }
            System.setProperty(HISTORY_PROPERTY, home.historyFile().toString());
        } catch (IOException e) {
            System.err.println("drvsim: cannot set up the drvsim.home folder " + home.root + ": " + ShellErrors.describe(e)
                    + " (set -D" + PROPERTY + "=FOLDER)");
            return home;
        }
        home.startLogFile();
        try {
            home.writeDefaultMachine(context.getProperty(MACHINE_PROPERTY));
        } catch (IOException e) {
            System.err.println("drvsim: cannot write the default machine into " + home.etc + ": "
                    + ShellErrors.describe(e));
        }
        return home;
    }

    /**
     * Appends every java.util.logging record to {@code log/drvsim.log}. A second drvsim.jar on the same home writes
     * {@code drvsim.log.1} (FileHandler's lock), so two processes never interleave lines.
     */
    private void startLogFile() {
        try {
            // '%' is FileHandler's pattern character
            FileHandler h = new FileHandler(logFile().toString().replace("%", "%%"), LOG_FILE_LIMIT, 1, true);
            h.setEncoding("UTF-8");
            h.setFormatter(new LogFormat.FileFormatter());
            h.setLevel(Level.ALL);
            Logger.getLogger("").addHandler(h);
            fileHandler = h;
        } catch (IOException | RuntimeException e) {
            System.err.println("drvsim: cannot write the log file " + logFile() + ": " + ShellErrors.describe(e));
        }
    }

    /** Stops writing the log file (after the drivers have stopped: the console's bundle stops last). */
    void close() {
        Handler h = fileHandler;
        fileHandler = null;
        if (h != null) {
            Logger.getLogger("").removeHandler(h);
            h.close();
        }
    }
}
