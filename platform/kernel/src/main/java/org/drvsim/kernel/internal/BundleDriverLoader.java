package org.drvsim.kernel.internal;

import org.drvsim.kernel.DriverObject;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.driver.DriverLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link DriverLoader} service, one instance per bundle that uses it: a bundle loads and unloads only itself
 * (its {@link org.drvsim.kernel.driver.DriverActivator} does), so that no bundle can unload another's driver or
 * load a bundle that did not ask to be started. A driver's lifecycle is its bundle's: {@code start}, {@code stop}.
 */
@Component(service = DriverLoader.class, scope = ServiceScope.BUNDLE)
public final class BundleDriverLoader implements DriverLoader {
    private final PnpManagerImpl pnp;
    private final Bundle user;

    @Activate
    public BundleDriverLoader(@Reference PnpManager pnp, ComponentContext context) {
        this((PnpManagerImpl) pnp, context.getUsingBundle());
    }

    BundleDriverLoader(PnpManagerImpl pnp, Bundle user) {
        this.pnp = pnp;
        this.user = user;
    }

    private void ownOnly(Bundle bundle, String what) {
        if (bundle == null || user == null || bundle.getBundleId() != user.getBundleId()) {
            throw new SecurityException("bundle " + (user == null ? "?" : user.getSymbolicName()) + " may " + what
                    + " only itself through DriverLoader, not " + (bundle == null ? "null" : bundle.getSymbolicName())
                    + ": a driver is loaded and unloaded by starting and stopping its own bundle");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws SecurityException if {@code bundle} is not the bundle that got this service
     */
    @Override
    public DriverObject load(Bundle bundle) throws BundleException {
        ownOnly(bundle, "load");
        return pnp.load(bundle);
    }

    /**
     * {@inheritDoc}
     *
     * @throws SecurityException if {@code bundle} is not the bundle that got this service
     */
    @Override
    public void unload(Bundle bundle) {
        ownOnly(bundle, "unload");
        pnp.unload(bundle);
    }
}
