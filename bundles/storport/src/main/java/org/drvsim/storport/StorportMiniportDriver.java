package org.drvsim.storport;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Marks the entry class of a Storport virtual miniport driver bundle (a class implementing {@link
 * StorportMiniportEntry} with a public no-argument constructor) and makes, at build time, the bundle's manifest:
 * bnd writes the driver's "INF", the {@code Drvsim-Driver} header with the entry class, the model and the
 * hardware IDs it claims, and sets the bundle's activator, so that starting the bundle runs DriverEntry and
 * starts the adapters, and stopping it removes them (HwStorFreeAdapterResources last) and unloads the driver.
 *
 * <pre>
 * &#64;StorportMiniportDriver(hardwareIds = "ROOT\\MYDISK")
 * public final class MyDisk implements StorportMiniportEntry { ... }
 * </pre>
 *
 * gives {@code Drvsim-Driver: com.example.MyDisk;model=storport;hardware-ids="ROOT\MYDISK"}. Write each hardware
 * ID as Java source spells a string: {@code "ROOT\\MYNIC"} is the ID {@code ROOT\MYNIC}, with one backslash.
 * Loading the bundle refuses an ID with an empty segment (such as {@code ROOT\\MYNIC}, two backslashes), a
 * space, a comma, a quote or a semicolon, and a bundle with two annotated entry classes. The hardware IDs match
 * a device's hardware IDs without regard to case, as Windows matches them.
 *
 */
@Retention(CLASS)
@Target(TYPE)
@StorportDriverActivatorHeader
@Header(name = "Drvsim-Driver", value = "${@class};model=storport;hardware-ids=\"${#hardwareIds}\"")
public @interface StorportMiniportDriver {
    /** @return the hardware IDs the driver claims (the INF's models section), at least one */
    String[] hardwareIds();
}
