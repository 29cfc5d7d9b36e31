package org.drvsim.wdf;

import org.drvsim.nt.DriverObject;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * KMDF for a miniport whose port driver (NDIS, Storport) owns dispatch, PnP and power (spec/wdf-lifecycle.md DL-4
 * to DL-8, oracle (vii); seed page spec/seeds/wdf-WdfDriverMiniportUnload.md): in its DriverEntry the miniport
 * passes the DRIVER_OBJECT its model gave it here and calls WdfDriverCreate with
 * WdfDriverInitNoDispatchOverride on the result; per adapter WdfDeviceMiniportCreate; in its unload routine
 * WdfDriverMiniportUnload. The WDF model then knows the driver: {@code wdf:devices} lists its miniport devices,
 * stopping the WDF bundle unloads the miniport first, and an unload without WdfDriverMiniportUnload is a
 * verifier violation ({@code WdfDriverMiniportUnloadMissing}).
 */
public final class KmdfMiniport {
    private KmdfMiniport() {
    }

    /**
     * The call a KMDF miniport's DriverEntry makes before WdfDriverCreate (in C, WdfDriverCreate takes the
     * DRIVER_OBJECT directly). PASSIVE_LEVEL, from DriverEntry only.
     *
     * @param driverObject the driver object the miniport's DriverEntry received ({@code NdisDriverObject} or
     *                     {@code StorPortDriverObject})
     * @return the driver object to call {@link WdfDriverObject#wdfDriverCreate} on
     * @throws IllegalStateException if the WDF model is not running, or when not called from DriverEntry
     */
    public static WdfDriverObject wdfDriverObject(DriverObject driverObject) {
        Bundle wdf = FrameworkUtil.getBundle(KmdfMiniport.class);
        BundleContext context = wdf == null ? null : wdf.getBundleContext();
        ServiceReference<WdfMiniportBinder> ref = context == null ? null : context.getServiceReference(WdfMiniportBinder.class);
        WdfMiniportBinder binder = ref == null ? null : context.getService(ref);
        if (binder == null) {
            throw new IllegalStateException("the WDF model (org.drvsim.wdf) is not running: KMDF is not available to "
                    + driverObject.driverName());
        }
        try {
            return binder.bind(driverObject);
        } finally {
            context.ungetService(ref);
        }
    }
}
