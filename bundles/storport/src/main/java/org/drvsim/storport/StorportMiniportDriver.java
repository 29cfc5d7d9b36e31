package org.drvsim.storport;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Marks the entry class of a Storport miniport driver bundle and sets the bundle's activator to {@link
 * StorportDriverActivator}. The bundle's bnd.bnd states the entry class, model and claimed hardware IDs:
 *
 * <pre>
 * Drvsim-Driver: org.example.MyMiniport;model=storport;hardware-ids="ROOT\\\\MYDISK"
 * </pre>
 */
@Retention(CLASS)
@Target(TYPE)
@Header(name = "Bundle-Activator", value = "org.drvsim.storport.StorportDriverActivator")
public @interface StorportMiniportDriver {
}
