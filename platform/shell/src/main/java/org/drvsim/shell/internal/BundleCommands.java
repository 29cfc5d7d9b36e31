package org.drvsim.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PnpManager;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code bundle:} commands (Karaf's names; found first for {@code install}, {@code start}, {@code stop},
 * {@code update}, {@code uninstall} and {@code refresh} without a scope): they take bundle IDs or symbolic names, return
 * when the work is done (a driver bundle's start returns after DriverEntry and its devices' starts, its stop after its
 * halts and unload) and fail, changing nothing more, when the bundle operation fails, so that a script's exit code
 * tells the truth. Felix's own {@code felix:start} and friends are still there under their scope.
 */
@Component(service = BundleCommands.class, property = {
        "osgi.command.scope=bundle",
        "osgi.command.function=install", "osgi.command.function=start", "osgi.command.function=stop",
        "osgi.command.function=update", "osgi.command.function=uninstall", "osgi.command.function=refresh"})
public final class BundleCommands {
    /** How long {@code refresh} waits for the framework to finish. */
    static final long REFRESH_TIMEOUT_SECONDS = 120;

    private final BundleContext context;
    private final PnpManager pnp;

    @Activate
    public BundleCommands(BundleContext context, @Reference PnpManager pnp) {
        this.context = context;
        this.pnp = pnp;
    }

    /**
     * The bundle an argument names: a bundle ID, a symbolic name, or {@code NAME/VERSION}.
     *
     * @throws IllegalArgumentException naming the command when no bundle or more than one matches
     */
    Bundle bundle(String command, String idOrName) {
        String s = idOrName.strip();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            Bundle b = context.getBundle(Long.parseLong(s));
            if (b == null) {
                throw new IllegalArgumentException(command + ": no bundle with ID " + s + " ('lb' lists the bundles)");
            }
            return b;
        }
        int slash = s.indexOf('/');
        String name = slash < 0 ? s : s.substring(0, slash);
        String version = slash < 0 ? null : s.substring(slash + 1);
        List<Bundle> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) && (version == null || version.equals(b.getVersion().toString()))) {
                found.add(b);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(command + ": no bundle named '" + s + "' ('lb -s' lists the symbolic "
                    + "names)");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(command + ": " + found.size() + " bundles are named '" + s
                    + "'; give the ID or NAME/VERSION: " + found.stream().map(BundleCommands::label).toList());
        }
        return found.get(0);
    }

    private List<Bundle> bundles(String command, String[] idsOrNames) {
        if (idsOrNames == null || idsOrNames.length == 0) {
            throw new IllegalArgumentException(command + ": name at least one bundle (ID or symbolic name)");
        }
        Set<Bundle> out = new LinkedHashSet<>();
        for (String s : idsOrNames) {
            out.add(bundle(command, s)); // every name is checked before anything is done
        }
        return List.copyOf(out);
    }

    static String label(Bundle b) {
        return b.getSymbolicName() + "/" + b.getVersion() + " [" + b.getBundleId() + "]";
    }

    /** The reason of a failed bundle operation: the driver's own message where the kernel gave one. */
    private static String reason(BundleException e) {
        Throwable t = e;
        String m = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                m = t.getMessage();
            }
        }
        return m == null ? "failed" : m;
    }

    /** What the driver a bundle holds now runs: its devices and their state, or empty for a non-driver bundle. */
    private String devices(Bundle b) {
        for (DriverObject d : pnp.drivers()) {
            if (d.bundle().getBundleId() == b.getBundleId()) {
                List<String> rows = new ArrayList<>();
                for (DeviceNode n : d.devices()) {
                    rows.add(n.instanceId() + " " + n.state());
                }
                return rows.isEmpty() ? "; driver loaded, no device" : "; driver runs " + String.join(", ", rows);
            }
        }
        return "";
    }

    @Descriptor("installs bundles from files or URLs (a path is relative to the current folder) and returns their "
            + "IDs; --start starts them too")
    public String install(@Descriptor("start the bundles after installing them")
                          @Parameter(names = {"-s", "--start"}, presentValue = "true", absentValue = "false")
                          boolean start,
                          @Descriptor("jar files or URLs") String... locations) throws BundleException {
        if (locations == null || locations.length == 0) {
            throw new IllegalArgumentException("install: name at least one jar file or URL");
        }
        List<String> uris = new ArrayList<>();
        for (String l : locations) {
            uris.add(location("install", l)); // every location is checked before anything is installed
        }
        List<String> done = new ArrayList<>();
        for (String uri : uris) {
            Bundle b;
            try {
                b = context.installBundle(uri);
            } catch (BundleException e) {
                throw new IllegalStateException("install: " + uri + " cannot be installed: " + reason(e)
                        + (done.isEmpty() ? "" : " (installed before it: " + done + ")"), e);
            }
            if (start) {
                try {
                    b.start();
                } catch (BundleException e) {
                    throw new IllegalStateException("install: " + label(b) + " is installed but failed to start: "
                            + reason(e), e);
                }
            }
            done.add(label(b) + " " + state(b) + devices(b));
        }
        return "installed " + String.join("\ninstalled ", done);
    }

    /** The URI of a jar file or URL a command names; a missing file or a folder is refused. */
    static String location(String command, String l) {
        String s = l.strip();
        try {
            URI u = new URI(s);
            if (u.getScheme() != null && u.getScheme().length() > 1) {
                if ("file".equals(u.getScheme()) && !Files.isRegularFile(Path.of(u))) {
                    throw new IllegalArgumentException(command + ": no file " + Path.of(u));
                }
                return s;
            }
        } catch (URISyntaxException notAUri) {
            // a path
        }
        Path p = Path.of(s).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException(command + ": " + p + " is a folder, not a jar file");
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(command + ": no file " + p);
        }
        return p.toUri().toString();
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "Installed";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.STARTING -> "Starting";
            case Bundle.ACTIVE -> "Active";
            case Bundle.STOPPING -> "Stopping";
            default -> "Uninstalled";
        };
    }

    /** Whether an argument names a jar file or URL rather than an installed bundle. */
    static boolean isLocation(String s) {
        return s.endsWith(".jar") || s.contains("/") || s.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    }

    @Descriptor("starts bundles by ID or symbolic name (a jar file or URL is installed first); for a driver, returns "
            + "when DriverEntry and its devices' starts are done")
    public String start(@Descriptor("bundle IDs, symbolic names, jar files or URLs") String... idsOrNames)
            throws BundleException {
        if (idsOrNames != null) {
            List<String> named = new ArrayList<>();
            for (String s : idsOrNames) {
                if (isLocation(s.strip())) {
                    location("start", s); // checked before anything is done
                } else {
                    named.add(s);
                }
            }
            if (!named.isEmpty()) {
                bundles("start", named.toArray(String[]::new)); // every name is checked before anything is done
            }
        }
        List<Bundle> targets = new ArrayList<>();
        for (String s : idsOrNames == null ? new String[0] : idsOrNames) {
            if (isLocation(s.strip())) {
                String uri = location("start", s);
                Bundle installed = null;
                for (Bundle b : context.getBundles()) {
                    if (uri.equals(b.getLocation())) {
                        installed = b;
                    }
                }
                targets.add(installed != null ? installed : context.installBundle(uri));
            } else {
                targets.add(bundle("start", s));
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("start: name at least one bundle (ID or symbolic name)");
        }
        List<String> out = new ArrayList<>();
        for (Bundle b : targets) {
            try {
                b.start();
            } catch (BundleException e) {
                throw new IllegalStateException("start: " + label(b) + " failed to start: " + reason(e), e);
            }
            out.add("started " + label(b) + devices(b));
        }
        return String.join("\n", out);
    }

    @Descriptor("stops bundles by ID or symbolic name; for a driver, returns when its devices are removed and it is "
            + "unloaded")
    public String stop(@Descriptor("bundle IDs or symbolic names") String... idsOrNames) {
        List<String> out = new ArrayList<>();
        for (Bundle b : bundles("stop", idsOrNames)) {
            if (b.getBundleId() == 0) {
                throw new IllegalArgumentException("stop: bundle 0 is the framework; 'exit' stops the platform");
            }
            try {
                b.stop();
            } catch (BundleException e) {
                throw new IllegalStateException("stop: " + label(b) + " failed to stop: " + reason(e), e);
            }
            out.add("stopped " + label(b));
        }
        return String.join("\n", out);
    }

    @Descriptor("updates a bundle from the place it was installed from (built-in drivers included); a driver is "
            + "stopped the documented way, reloaded and started again")
    public String update(@Descriptor("bundle ID or symbolic name") String idOrName) {
        Bundle b = bundle("update", idOrName);
        return update(b, null);
    }

    @Descriptor("updates a bundle from a jar file or URL")
    public String update(@Descriptor("bundle ID or symbolic name") String idOrName,
                         @Descriptor("jar file or URL") String location) {
        Bundle b = bundle("update", idOrName);
        String uri = location("update", location);
        return update(b, uri);
    }

    private String update(Bundle b, String uri) {
        if (b.getBundleId() == 0) {
            throw new IllegalArgumentException("update: bundle 0 is the framework and is not updated");
        }
        String from = uri == null ? b.getLocation() : uri;
        try (InputStream in = open("update", b, from)) {
            b.update(in);
        } catch (BundleException e) {
            throw new IllegalStateException("update: " + label(b) + " failed: " + reason(e), e);
        } catch (IOException e) {
            throw new IllegalStateException("update: cannot read " + from + ": " + ShellErrors.describe(e), e);
        }
        return "updated " + label(b) + " from " + from + " (" + state(b) + ")" + devices(b);
    }

    /**
     * The content of a bundle location: a URL, or (for the bundles drvsim.jar embeds, whose location is a path inside
     * the launcher jar such as {@code jar/org.drvsim.drivers.netvmini-0.1.0.jar}) the launcher's resource.
     */
    private static InputStream open(String command, Bundle b, String location) throws IOException {
        try {
            URI u = new URI(location);
            if (u.getScheme() != null && u.getScheme().length() > 1) {
                return u.toURL().openStream();
            }
        } catch (URISyntaxException | IllegalArgumentException notAUrl) {
            // a launcher resource
        }
        InputStream in = ClassLoader.getSystemClassLoader().getResourceAsStream(location);
        if (in == null) {
            throw new IllegalArgumentException(command + ": " + label(b) + " was installed from '" + location
                    + "', which cannot be read again; give a jar file or URL");
        }
        return in;
    }

    @Descriptor("uninstalls bundles by ID or symbolic name (a driver is stopped the documented way first)")
    public String uninstall(@Descriptor("bundle IDs or symbolic names") String... idsOrNames) {
        List<String> out = new ArrayList<>();
        for (Bundle b : bundles("uninstall", idsOrNames)) {
            if (b.getBundleId() == 0) {
                throw new IllegalArgumentException("uninstall: bundle 0 is the framework");
            }
            String label = label(b);
            try {
                b.uninstall();
            } catch (BundleException e) {
                throw new IllegalStateException("uninstall: " + label + " failed: " + reason(e), e);
            }
            out.add("uninstalled " + label);
        }
        return String.join("\n", out);
    }

    @Descriptor("refreshes the bundles that need it (uninstalled or updated ones still wired) and returns when the "
            + "framework is done")
    public String refresh() throws InterruptedException {
        return refresh(new String[0]);
    }

    @Descriptor("refreshes the given bundles and the bundles that depend on them; returns when the framework is done")
    public String refresh(@Descriptor("bundle IDs or symbolic names") String... idsOrNames)
            throws InterruptedException {
        List<Bundle> which = idsOrNames == null || idsOrNames.length == 0 ? null : bundles("refresh", idsOrNames);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        wiring.refreshBundles(which, e -> {
            if (e.getType() == FrameworkEvent.ERROR && e.getThrowable() != null) {
                error.compareAndSet(null, e.getThrowable());
            }
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("refresh: the framework did not finish within " + REFRESH_TIMEOUT_SECONDS
                    + " s");
        }
        if (error.get() != null) {
            throw new IllegalStateException("refresh: " + ShellErrors.describe(error.get()), error.get());
        }
        return which == null ? "refreshed" : "refreshed " + which.stream().map(BundleCommands::label).toList();
    }
}
