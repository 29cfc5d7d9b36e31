package org.drvsim.wdf;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * KMDF for a miniport whose port driver (NDIS, Storport) owns dispatch, PnP and power
 * (spec/wdf-lifecycle.md DL-4 to DL-8, oracle (vii)): in its DriverEntry the miniport gets a WDF driver object
 * here and calls WdfDriverCreate with WdfDriverInitNoDispatchOverride; per adapter WdfDeviceMiniportCreate; in
 * its unload routine WdfDriverMiniportUnload.
 */
public final class KmdfMiniport {
    private KmdfMiniport() {
    }

    /**
     * @param driverEntry the miniport's entry object (its class identifies the driver bundle)
     * @return the driver object to call {@link WdfDriverObject#wdfDriverCreate} on
     * @throws IllegalStateException if the WDF model is not running
     */
    public static WdfDriverObject wdfDriverObject(Object driverEntry) {
        Bundle driver = FrameworkUtil.getBundle(driverEntry.getClass());
        Bundle wdf = FrameworkUtil.getBundle(KmdfMiniport.class);
        BundleContext context = wdf == null ? null : wdf.getBundleContext();
        ServiceReference<WdfMiniportBinder> ref = context == null ? null : context.getServiceReference(WdfMiniportBinder.class);
        WdfMiniportBinder binder = ref == null ? null : context.getService(ref);
        if (binder == null || driver == null) {
            throw new IllegalStateException("the WDF model (org.drvsim.wdf) is not running: KMDF is not available to "
                    + (driver == null ? driverEntry.getClass().getName() : driver.getSymbolicName()));
        }
        try {
            return binder.bind(driver);
        } finally {
            context.ungetService(ref);
        }
    }
}
