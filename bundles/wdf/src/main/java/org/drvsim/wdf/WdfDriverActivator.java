package org.drvsim.wdf;

import org.drvsim.kernel.driver.DriverActivator;

/** The {@code Bundle-Activator} {@link KmdfDriver} gives a KMDF driver bundle: the kernel's driver loader. */
public final class WdfDriverActivator extends DriverActivator {
}
