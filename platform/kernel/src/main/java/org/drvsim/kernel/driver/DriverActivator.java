package org.drvsim.kernel.driver;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

/**
 * The {@code Bundle-Activator} of every driver bundle (the model annotations set it): it makes the
 * bundle lifecycle the driver lifecycle. {@code start} loads the driver through the kernel's {@link
 * DriverLoader} and fails with the loader's {@link BundleException} (naming the bundle and the
 * status) when DriverEntry fails; {@code stop}, which the framework also runs for update,
 * uninstall, refresh and shutdown, removes every device of the driver and unloads it before the
 * bundle's classes go away.
 *
 * <p>Runs on the thread that starts or stops the bundle (PASSIVE_LEVEL); the work itself runs on the
 * PnP worker.
 */
public class DriverActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) throws BundleException {
        ServiceReference<DriverLoader> ref = context.getServiceReference(DriverLoader.class);
        DriverLoader loader = ref == null ? null : context.getService(ref);
        if (loader == null) {
            throw new BundleException("driver bundle " + context.getBundle().getSymbolicName()
                    + " cannot start: the drvsim kernel (DriverLoader service) is not running",
                    BundleException.ACTIVATOR_ERROR);
        }
        try {
            loader.load(context.getBundle());
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void stop(BundleContext context) {
        ServiceReference<DriverLoader> ref = context.getServiceReference(DriverLoader.class);
        DriverLoader loader = ref == null ? null : context.getService(ref);
        if (loader == null) {
            return; // the kernel has gone first and unloaded every driver already
        }
        try {
            loader.unload(context.getBundle());
        } finally {
            context.ungetService(ref);
        }
    }
}
