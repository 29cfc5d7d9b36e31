package org.drvsim.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.DeviceConfigurations;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Has FileInstall watch {@code etc/} of drvsim's home for {@code *.cfg} files, which it gives to ConfigAdmin: the
 * factory configuration {@code org.apache.felix.fileinstall~etc}, FileInstall's way of watching a second folder
 * (its initial watcher, {@code felix.fileinstall.dir}, watches {@code deploy/}). Does nothing outside drvsim.jar,
 * where {@value DrvsimHome#PROPERTY} is not set.
 *
 * <p>First it gives ConfigAdmin the machine's device files ({@code org.drvsim.hw.device-NAME.cfg},
 * {@link DeviceConfigurations}) itself, one after the other, as FileInstall would (the named factory configuration
 * {@code org.drvsim.hw.device~NAME}, the file's URI in {@code felix.fileinstall.filename}): FileInstall reads a folder
 * in no particular order, and the order devices arrive in is the order drivers start them (netvmini gives its
 * adapters MAC addresses in that order). The default machine's files come first, in its order, then the others by
 * name. FileInstall then finds each configuration up to date and watches the files from there on. It waits for the
 * hardware's {@link DeviceConfigurations} so that the devices arrive in the order their configurations are made.
 */
@Component(immediate = true, service = {})
public final class EtcWatcher {
    private static final Logger LOG = Logger.getLogger(EtcWatcher.class.getName());

    @Activate
    public EtcWatcher(BundleContext context, @Reference ConfigurationAdmin admin,
                      @Reference DeviceConfigurations devices) throws IOException {
        String home = context.getProperty(DrvsimHome.PROPERTY);
        if (home == null) {
            return;
        }
        DrvsimHome drvsimHome = new DrvsimHome(Path.of(home));
        Path etc = drvsimHome.etc;
        for (Path file : inPlugOrder(drvsimHome.deviceFiles())) {
            applyDeviceFile(admin, file);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", etc.toString());
        props.put("felix.fileinstall.filter", ".*\\.cfg");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        props.put("felix.fileinstall.log.level", "2");
        // "?": any bundle may receive it (FileInstall's own ManagedServiceFactory)
        Configuration c = admin.getFactoryConfiguration(DrvsimHome.ETC_WATCHER_FACTORY, DrvsimHome.ETC_WATCHER_NAME, "?");
        c.updateIfDifferent(props);
    }

    /** The default machine's files first, in its plug order, then the others by name. */
    static List<Path> inPlugOrder(List<Path> files) {
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparingInt((Path f) -> {
            int i = DeviceConfigurations.DEFAULT_MACHINE.indexOf(name(f));
            return i < 0 ? Integer.MAX_VALUE : i;
        }).thenComparing(f -> f.getFileName().toString()));
        return sorted;
    }

    /** NAME of {@code org.drvsim.hw.device-NAME.cfg}. */
    static String name(Path file) {
        String n = file.getFileName().toString();
        return n.substring(DrvsimHome.DEVICE_FILE_PREFIX.length(), n.length() - ".cfg".length());
    }

    /** The device file as FileInstall would give it to ConfigAdmin; a file that cannot be read is left to FileInstall. */
    private static void applyDeviceFile(ConfigurationAdmin admin, Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            Hashtable<String, Object> props = new Hashtable<>();
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
            props.put(ConfigCommands.FILENAME, file.toFile().getAbsoluteFile().toURI().toString());
            admin.getFactoryConfiguration(DeviceConfigurations.FACTORY_PID, name(file), "?").updateIfDifferent(props);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "drvsim: cannot read the device configuration " + file + " (FileInstall will try): "
                    + ShellErrors.describe(e));
        }
    }
}
