package org.drvsim.kernel.driver;

import org.drvsim.kernel.DriverObject;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * The kernel's driver loader (the I/O manager's part of loading and unloading a driver image), a
 * service the {@link DriverActivator} calls. Both calls block until the whole sequence has run on
 * the PnP worker.
 */
@ProviderType
public interface DriverLoader {
    /**
     * Loads a driver bundle: reads its {@value DriverDescriptor#HEADER} header, instantiates its entry
     * class, calls the model's DriverEntry, then starts every present device the driver claims. A
     * device whose start fails keeps problem code 10 and does not fail the load.
     *
     * @return the new driver object, or {@code null} when the driver's model is not running yet (the
     *         driver is loaded when it starts)
     * @throws BundleException naming the bundle and the problem when the header is bad, the entry class
     *                         cannot be loaded, or DriverEntry fails (with its status); nothing stays
     *                         registered
     */
    DriverObject load(Bundle bundle) throws BundleException;

    /**
     * Removes every device of the driver (the model's orderly removal) and calls its unload routine.
     * Does nothing when the bundle's driver is not loaded.
     */
    void unload(Bundle bundle);
}
