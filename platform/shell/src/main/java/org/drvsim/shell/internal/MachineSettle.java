package org.drvsim.shell.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.kernel.PnpManager;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Waits, before a script's first command, for the machine that {@code etc/} configures: FileInstall reads the device
 * files and ConfigAdmin hands them to the hardware bundle on their own threads, after the framework has started, so a
 * script's {@code pnp:tree} could otherwise run before the devices arrive. Done when every
 * {@code org.drvsim.hw.device-*.cfg} file of etc/ has been applied (its device plugged or its configuration refused,
 * {@link DeviceConfigurations}) and the PnP work that queued is done (the devices started).
 */
final class MachineSettle {
    /** How long a start waits for etc/'s devices before it goes on with a warning. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 20;

    private MachineSettle() {
    }

    /**
     * @return null when the machine settled (or there is no drvsim home), else a warning naming the files that were
     *         not applied in time
     */
    static String await(BundleContext context, Duration timeout) throws InterruptedException {
        String home = context.getProperty(DrvsimHome.PROPERTY);
        if (home == null) {
            return null;
        }
        List<Path> files = new DrvsimHome(Path.of(home)).deviceFiles();
        if (files.isEmpty()) {
            return null;
        }
        ServiceTracker<DeviceConfigurations, DeviceConfigurations> configurations =
                new ServiceTracker<>(context, DeviceConfigurations.class, null);
        ServiceTracker<PnpManager, PnpManager> pnp = new ServiceTracker<>(context, PnpManager.class, null);
        configurations.open();
        pnp.open();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Path> missing = files;
            while (true) {
                DeviceConfigurations c = configurations.getService();
                if (c != null) {
                    Set<String> applied = c.configurations().stream().map(DeviceConfigurations.Status::source)
                            .collect(Collectors.toSet());
                    missing = new ArrayList<>(files);
                    missing.removeIf(f -> applied.contains(f.toString()));
                    if (missing.isEmpty()) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return "drvsim: the device configuration(s) " + missing + " were not applied within "
                            + timeout.toSeconds() + " s; the script starts without them (hw:config shows them)";
                }
                Thread.sleep(POLL_MILLIS); // FileInstall and ConfigAdmin tell no one when they are done
            }
            PnpManager p = pnp.waitForService(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())));
            if (p != null) {
                p.drain();
            }
            return null;
        } finally {
            pnp.close();
            configurations.close();
        }
    }
}
