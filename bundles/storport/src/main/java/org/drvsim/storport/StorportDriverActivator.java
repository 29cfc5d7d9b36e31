package org.drvsim.storport;

import org.drvsim.kernel.driver.DriverActivator;

/**
 * The {@code Bundle-Activator} that {@link StorportMiniportDriver} gives a Storport miniport bundle: the
 * kernel's {@link DriverActivator}. Starting the bundle runs DriverEntry and starts the adapters; stopping
 * it removes them (HwStorFreeAdapterResources last) and unloads the driver.
 */
public final class StorportDriverActivator extends DriverActivator {
}
