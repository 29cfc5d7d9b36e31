package org.drvsim.kernel.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.drvsim.kernel.driver.DriverLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Component;

/**
 * Driver bundles (those with a {@value DriverDescriptor#HEADER} header) do not see drvsim's own services: not the
 * PnP manager, the verifier, the trace, the scheduler, the simulated hardware bus and host memory, the ports or the
 * harnesses; only the {@link DriverLoader} their activator needs. A driver reaches its devices only through the
 * handles its port gives it (adapter and device handles, mapped registers, common buffers), as a Windows driver
 * reaches only what the I/O manager and its port hand it. Tools, tests and the shell are not driver bundles and
 * see everything, as the shell's user does.
 *
 * <p>OSGi service hooks (core specification, section 55): a find hook removes the services from a driver bundle's
 * lookups and an event listener hook keeps their events from its listeners (so Declarative Services and service
 * trackers in a driver bundle never bind them). Called by the framework on any thread; thread-safe.
 */
@Component(service = {FindHook.class, EventListenerHook.class}, immediate = true)
public final class DriverServiceIsolation implements FindHook, EventListenerHook {
    /** Whether a bundle is a driver bundle, by bundle ID and last modification (an update may add the header). */
    private final Map<Long, long[]> confined = new ConcurrentHashMap<>();

    boolean confined(Bundle b) {
        if (b == null || b.getBundleId() == 0) {
            return false;
        }
        long modified = b.getLastModified();
        long[] known = confined.get(b.getBundleId());
        if (known != null && known[0] == modified) {
            return known[1] != 0;
        }
        boolean driver = b.getHeaders("").get(DriverDescriptor.HEADER) != null;
        confined.put(b.getBundleId(), new long[] {modified, driver ? 1 : 0});
        return driver;
    }

    static boolean platformService(ServiceReference<?> ref) {
        Object classes = ref.getProperty(Constants.OBJECTCLASS);
        if (classes instanceof String[] names) {
            for (String c : names) {
                if (c.startsWith("org.drvsim.") && !c.equals(DriverLoader.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        if (confined(context.getBundle())) {
            references.removeIf(DriverServiceIsolation::platformService);
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (platformService(event.getServiceReference())) {
            listeners.keySet().removeIf(c -> confined(c.getBundle()));
        }
    }
}
