package org.drvsim.ndis;

import org.drvsim.kernel.driver.DriverActivator;

/**
 * The {@code Bundle-Activator} that {@link NdisMiniportDriver} gives a miniport driver bundle: the
 * kernel's {@link DriverActivator}, reachable through the package the driver already imports. Starting
 * the bundle runs DriverEntry and starts the adapters; stopping it halts them and runs
 * MiniportDriverUnload.
 */
public final class NdisDriverActivator extends DriverActivator {
}
