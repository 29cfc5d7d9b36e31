package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The WDF runtime's side of a miniport's link to KMDF (what the WdfLdr stub does at load): gives the driver
 * bundle a {@link WdfDriverObject} for WdfDriverCreate with {@link WdfDriverConfig#WdfDriverInitNoDispatchOverride}.
 * A service of the WDF bundle; miniports use {@link KmdfMiniport#wdfDriverObject(Object)}.
 */
@ProviderType
public interface WdfMiniportBinder {
    /**
     * @return a driver object for the driver bundle, valid for one WdfDriverCreate
     * @throws IllegalArgumentException if the bundle is not a started driver bundle
     */
    WdfDriverObject bind(Bundle driverBundle);
}
