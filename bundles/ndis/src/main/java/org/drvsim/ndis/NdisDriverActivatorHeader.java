package org.drvsim.ndis;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Sets a driver bundle's {@code Bundle-Activator} to
 * {@link NdisDriverActivator}; carried by {@link NdisMiniportDriver}. It is a
 * separate meta-annotation because bnd expands annotation elements ({@code ${#hardwareIds}}) only in the
 * single {@code @Header} of an annotation.
 */
@Retention(CLASS)
@Target(ANNOTATION_TYPE)
@Header(name = "Bundle-Activator", value = "org.drvsim.ndis.NdisDriverActivator")
@interface NdisDriverActivatorHeader {
}
