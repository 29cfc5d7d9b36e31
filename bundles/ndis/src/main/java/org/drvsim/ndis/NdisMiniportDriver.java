package org.drvsim.ndis;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Marks the entry class of an NDIS miniport driver bundle and sets the bundle's activator to {@link
 * NdisDriverActivator}, so that starting the bundle runs DriverEntry and starts the adapters, and
 * stopping it halts them and unloads the driver. The bundle's bnd.bnd states, like an INF, the entry
 * class, the model and the hardware IDs it claims in the {@code Drvsim-Driver} header:
 *
 * <pre>
 * # bnd.bnd (bnd files escape backslashes: write them twice)
 * Drvsim-Driver: org.example.MyDriver;model=ndis;hardware-ids="ROOT\\\\MYNIC"
 *
 * &#64;NdisMiniportDriver
 * public final class MyDriver implements MiniportDriverEntry { ... }
 * </pre>
 */
@Retention(CLASS)
@Target(TYPE)
@Header(name = "Bundle-Activator", value = "org.drvsim.ndis.NdisDriverActivator")
public @interface NdisMiniportDriver {
}
