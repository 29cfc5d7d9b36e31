package org.drvsim.hw.internal;

import java.util.Collection;
import java.util.Map;
import org.drvsim.hw.HostBridge;
import org.drvsim.hw.HostMemory;
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
 * The {@link HostBridge} and {@link HostMemory} services are for the kernel only: every bundle other than this one,
 * the system bundle and the bundle named {@value HostBridge#KERNEL_BUNDLE} neither finds them nor hears of them
 * (OSGi core specification, section 55, service hooks). Tools, tests and drivers reach device registers, interrupts
 * and DMA memory only through what the kernel hands the port of the device's driver. Called by the framework on any
 * thread; thread-safe.
 */
@Component(service = {FindHook.class, EventListenerHook.class}, immediate = true)
public final class KernelOnlyServices implements FindHook, EventListenerHook {
    private static final long SELF = bundleId();

    private static long bundleId() {
        Bundle b = FrameworkUtil.getBundle(KernelOnlyServices.class);
        return b == null ? -1 : b.getBundleId();
    }

    static boolean kernelOnly(ServiceReference<?> ref) {
        Object classes = ref.getProperty(Constants.OBJECTCLASS);
        if (classes instanceof String[] names) {
            for (String c : names) {
                if (c.equals(HostBridge.class.getName()) || c.equals(HostMemory.class.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean mayUse(Bundle b) {
        return b != null && (b.getBundleId() == 0 || b.getBundleId() == SELF
                || HostBridge.KERNEL_BUNDLE.equals(b.getSymbolicName()));
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        if (!mayUse(context.getBundle())) {
            references.removeIf(KernelOnlyServices::kernelOnly);
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (kernelOnly(event.getServiceReference())) {
            listeners.keySet().removeIf(c -> !mayUse(c.getBundle()));
        }
    }
}
