package org.drvsim.wdf;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.CLASS;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Header;

/**
 * Marks the entry class of a KMDF driver bundle and sets its activator to {@link WdfDriverActivator}; the
 * bundle's bnd.bnd states {@code Drvsim-Driver: <entry class>;model=wdf;hardware-ids="..."}.
 */
@Retention(CLASS)
@Target(TYPE)
@Header(name = "Bundle-Activator", value = "org.drvsim.wdf.WdfDriverActivator")
public @interface KmdfDriver {
}
