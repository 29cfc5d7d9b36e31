package org.drvsim.ndis;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Marks the entry class of an NDIS miniport driver bundle (a class implementing {@link MiniportDriverEntry} with
 * a public no-argument constructor) and makes, at build time, the bundle's manifest: bnd writes the driver's
 * "INF", the {@code Drvsim-Driver} header with the entry class, the model and the hardware IDs it claims, and
 * sets the bundle's activator, so that starting the bundle runs DriverEntry and starts the adapters, and
 * stopping it pauses and halts them (MiniportHaltEx) and unloads the driver (MiniportDriverUnload).
 *
 * <pre>
 * &#64;NdisMiniportDriver(hardwareIds = "ROOT\\MYNIC")
 * public final class MyMiniport implements MiniportDriverEntry { ... }
 * </pre>
 *
 * gives {@code Drvsim-Driver: com.example.MyMiniport;model=ndis;hardware-ids="ROOT\MYNIC"}. Write each hardware
 * ID as Java source spells a string: {@code "ROOT\\MYNIC"} is the ID {@code ROOT\MYNIC}, with one backslash.
 * Loading the bundle refuses an ID with an empty segment (such as {@code ROOT\\MYNIC}, two backslashes), a
 * space, a comma, a quote or a semicolon, and a bundle with two annotated entry classes. The hardware IDs match
 * a device's hardware IDs without regard to case, as Windows matches them.
 *
 */
@Retention(CLASS)
@Target(TYPE)
@NdisDriverActivatorHeader
@Header(name = "Drvsim-Driver", value = "${@class};model=ndis;hardware-ids=\"${#hardwareIds}\"")
public @interface NdisMiniportDriver {
    /** @return the hardware IDs the driver claims (the INF's models section), at least one */
    String[] hardwareIds();
}
