package org.drvsim.kernel.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.drvsim.kernel.driver.DriverDescriptor;
import org.drvsim.kernel.PortDriver;
import org.drvsim.kernel.driver.DriverLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
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
 * see everything else, as the shell's user does.
 *
 * <p>{@link PortDriver} services are the kernel's alone: only the kernel and the bundle that registered one find it
 * or hear of it, so nothing calls into a port behind the PnP manager's back (starting or removing another driver's
 * device, calling its DriverEntry). Device registers, interrupts and DMA memory are hidden the same way in
 * hardware-sim (its {@code HostBridge} and {@code HostMemory} are for the kernel only); the kernel hands them to the
 * port of the device's driver as {@link org.drvsim.kernel.DeviceResources}.
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

    private static final long KERNEL = kernelBundleId();

    private static long kernelBundleId() {
        Bundle b = FrameworkUtil.getBundle(DriverServiceIsolation.class);
        return b == null ? -1 : b.getBundleId();
    }

    static boolean portDriver(ServiceReference<?> ref) {
        Object classes = ref.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] names && Arrays.asList(names).contains(PortDriver.class.getName());
    }

    /** Whether {@code b} may see the port driver service {@code ref}: the kernel, the registrant, the framework. */
    static boolean mayUsePort(Bundle b, ServiceReference<?> ref) {
        if (b == null) {
            return false;
        }
        long id = b.getBundleId();
        Bundle owner = ref.getBundle();
        return id == 0 || id == KERNEL || (owner != null && owner.getBundleId() == id);
    }

    private boolean hidden(Bundle b, ServiceReference<?> ref) {
        return (portDriver(ref) && !mayUsePort(b, ref)) || (platformService(ref) && confined(b));
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        Bundle b = context.getBundle();
        references.removeIf(ref -> hidden(b, ref));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> ref = event.getServiceReference();
        if (platformService(ref)) {
            listeners.keySet().removeIf(c -> hidden(c.getBundle(), ref));
        }
    }
}
