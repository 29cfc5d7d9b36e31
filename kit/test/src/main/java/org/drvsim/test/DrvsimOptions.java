package org.drvsim.test;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;

/**
 * The Pax Exam options of a drvsim test, for a test that writes its own {@code @Configuration} instead of
 * extending {@link DrvsimTestSupport}. They run outside the framework, on the JUnit side, and take every bundle
 * from the test's class path (the kit's dependencies put the platform there), so a test needs no Maven URL or
 * local repository.
 *
 * <p>Start levels: the platform and the kit at {@value #PLATFORM_START_LEVEL}, the driver under test and other
 * drivers at {@value #DRIVER_START_LEVEL} (after the kernel's driver loader is up), the framework at {@value
 * #FRAMEWORK_START_LEVEL}.
 */
public final class DrvsimOptions {
    /** System property: the driver jar to test; drvsim-driver-parent sets it to the project's jar. */
    public static final String DRIVER_JAR_PROPERTY = "drvsim.driverJar";
    /** Framework property inside the test framework: the location the driver under test was installed from. */
    public static final String DRIVER_LOCATION_PROPERTY = "drvsim.driverUnderTest";
    /** Start level of the platform bundles. */
    public static final int PLATFORM_START_LEVEL = 2;
    /** Start level of driver bundles. */
    public static final int DRIVER_START_LEVEL = 10;
    /** The framework's start level. */
    public static final int FRAMEWORK_START_LEVEL = 20;
    /** Where the kit's build wrote the resolved platform. */
    static final String PLATFORM_BNDRUN = "/META-INF/drvsim/platform.bndrun";

    private DrvsimOptions() {
    }

    /**
     * The drvsim platform on {@code machine}: Felix 7 with every bundle the kit's build resolved from the platform's
     * requirements (the models, kernel, hardware simulation, shell commands, DS), JUnit, AssertJ and the kit itself,
     * with quiet logging.
     *
     * @throws IllegalStateException naming the bundle, if a resolved bundle is not on the test class path
     */
    public static Option platform(Machine machine) {
        Map<String, String> onClassPath = ClassPath.bundles();
        List<Option> options = new ArrayList<>();
        options.add(cleanCaches());
        options.add(junitBundles());
        options.add(frameworkStartLevel(FRAMEWORK_START_LEVEL));
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(systemProperty("felix.log.level").value("1"));
        options.add(systemProperty("drvsim.machine").value(machine.property()));
        for (String bsn : platformBundles()) {
            options.add(classpathBundle(onClassPath, bsn, PLATFORM_START_LEVEL));
        }
        // AssertJ for the test methods (its byte-buddy is optional but makes soft assertions work)
        options.add(classpathBundle(onClassPath, "assertj-core", 1));
        if (onClassPath.containsKey("net.bytebuddy.byte-buddy")) {
            options.add(classpathBundle(onClassPath, "net.bytebuddy.byte-buddy", 1));
        }
        options.add(kitBundle());
        return composite(options.toArray(Option[]::new));
    }

    /** @return the symbolic names of the platform bundles, as the kit's build resolved them */
    public static List<String> platformBundles() {
        try (InputStream in = DrvsimOptions.class.getResourceAsStream(PLATFORM_BNDRUN)) {
            if (in == null) {
                throw new IllegalStateException("the drvsim test kit has no " + PLATFORM_BNDRUN + ": the kit jar is broken");
            }
            List<String> bundles = ClassPath.runBundles(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (bundles.isEmpty()) {
                throw new IllegalStateException(PLATFORM_BNDRUN + " has no -runbundles: the kit was built without resolving it");
            }
            return bundles;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A bundle from the test class path, installed and started at {@code startLevel}: a sample driver, a tool or a
     * library a test adds.
     *
     * @throws IllegalStateException naming the bundle, if no jar on the class path has that symbolic name
     */
    public static UrlProvisionOption classpathBundle(String symbolicName, int startLevel) {
        return classpathBundle(ClassPath.bundles(), symbolicName, startLevel);
    }

    private static UrlProvisionOption classpathBundle(Map<String, String> onClassPath, String symbolicName, int startLevel) {
        String url = onClassPath.get(symbolicName);
        if (url == null) {
            throw new IllegalStateException("bundle " + symbolicName + " is not on the test class path; add its Maven "
                    + "artifact as a test dependency (the drvsim-test dependency brings the platform's)");
        }
        return bundle(url).startLevel(startLevel);
    }

    private static Option kitBundle() {
        File kit;
        try {
            kit = new File(DrvsimOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot tell where the drvsim test kit was loaded from", e);
        }
        return bundle(ClassPath.url(kit)).startLevel(PLATFORM_START_LEVEL);
    }

    /**
     * The driver under test, installed and started at {@value #DRIVER_START_LEVEL}: the jar named by the system
     * property {@value #DRIVER_JAR_PROPERTY} (drvsim-driver-parent sets it to {@code target/<finalName>.jar}), or the
     * only bundle jar in {@code target/}.
     *
     * @throws IllegalStateException if there is no such jar (run the test with {@code mvn verify}, which packages
     *                               the driver first)
     */
    public static Option driverUnderTest() {
        File jar = driverJar();
        String location = jar.toURI().toString();
        return composite(bundle(location).startLevel(DRIVER_START_LEVEL),
                systemProperty(DRIVER_LOCATION_PROPERTY).value(location));
    }

    static File driverJar() {
        String property = System.getProperty(DRIVER_JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            File f = new File(property);
            if (!f.isFile()) {
                throw new IllegalStateException("the driver under test " + f + " (" + DRIVER_JAR_PROPERTY + ") does not exist; "
                        + "run the tests with 'mvn verify', which packages the driver first");
            }
            return f;
        }
        File[] jars = new File("target").listFiles((d, n) -> n.endsWith(".jar") && !n.endsWith("-sources.jar")
                && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar"));
        List<File> bundles = new ArrayList<>();
        for (File f : jars == null ? new File[0] : jars) {
            if (ClassPath.symbolicName(f) != null) {
                bundles.add(f);
            }
        }
        if (bundles.size() != 1) {
            throw new IllegalStateException("cannot tell which jar is the driver under test: set the system property "
                    + DRIVER_JAR_PROPERTY + " (drvsim-driver-parent does), found " + bundles + " in target/");
        }
        return bundles.get(0);
    }

    /**
     * A driver bundle built from classes of the test, as a driver author's build would make it, installed but not
     * started (start it in the test): a fixture with one misbehaviour. Its manifest imports the model's package and
     * {@code org.drvsim.nt}, names the model's activator and carries the {@code Drvsim-Driver} header.
     *
     * @param symbolicName the bundle's symbolic name
     * @param model        {@code ndis}, {@code storport} or {@code wdf}
     * @param driverHeader the {@code Drvsim-Driver} header, or null for none (a broken bundle)
     * @param classes      the classes to put in the bundle, the entry class among them
     * @throws IllegalArgumentException for an unknown model
     */
    public static Option driverBundle(String symbolicName, String model, String driverHeader, Class<?>... classes) {
        return driverBundle(symbolicName, model, driverHeader, List.of(), classes);
    }

    /**
     * As {@link #driverBundle(String, String, String, Class[])}, with more imported packages (for a KMDF miniport,
     * {@code org.drvsim.wdf}).
     */
    public static Option driverBundle(String symbolicName, String model, String driverHeader, List<String> moreImports,
                                      Class<?>... classes) {
        String activator = switch (model) {
            case "ndis" -> "org.drvsim.ndis.NdisDriverActivator";
            case "storport" -> "org.drvsim.storport.StorportDriverActivator";
            case "wdf" -> "org.drvsim.wdf.WdfDriverActivator";
            default -> throw new IllegalArgumentException("unknown model '" + model + "': ndis, storport or wdf");
        };
        List<String> imports = new ArrayList<>(List.of("org.drvsim." + model, "org.drvsim.nt"));
        imports.addAll(moreImports);
        TinyBundle b = TinyBundles.bundle()
                .setHeader("Bundle-ManifestVersion", "2")
                .setHeader("Bundle-SymbolicName", symbolicName)
                .setHeader("Bundle-Version", "1.0.0")
                .setHeader("Import-Package", String.join(",", imports))
                .setHeader("Bundle-Activator", activator);
        if (driverHeader != null) {
            b.setHeader("Drvsim-Driver", driverHeader);
        }
        for (Class<?> c : classes) {
            b.addClass(c);
        }
        return streamBundle(b.build(TinyBundles.rawBuilder())).noStart().startLevel(DRIVER_START_LEVEL);
    }
}
