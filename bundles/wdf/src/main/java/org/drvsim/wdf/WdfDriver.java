package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/** WDFDRIVER: the root of the driver's object tree. */
@ProviderType
public interface WdfDriver extends WdfObject {
    /** Models WdfObjectCreate: a general WDFOBJECT, parented to the driver unless the attributes say otherwise. */
    WdfResult<WdfObject> wdfObjectCreate(WdfObjectAttributes attributes);

    /**
     * Models WdfDeviceMiniportCreate: a framework device for a miniport whose port driver owns PnP and power.
     * It gets no PnP, power, queue or interrupt callbacks; its default parent is the WDFDRIVER; the driver
     * deletes it with {@link WdfObject#wdfObjectDelete()} (spec DL-8).
     *
     * @return STATUS_INVALID_DEVICE_REQUEST unless the driver was created with WdfDriverInitNoDispatchOverride
     */
    WdfResult<WdfDevice> wdfDeviceMiniportCreate(WdfObjectAttributes attributes, String deviceName);

    /**
     * Models WdfDriverMiniportUnload (PASSIVE_LEVEL): deletes the WDFDRIVER: cleanup callbacks of every object
     * still parented to it, then its own, then the destroys. EvtDriverUnload is not called by default, as the
     * framework source does not record it for NoDispatchOverride drivers; the documentation page says it is
     * (spec 8.1). The framework property {@code drvsim.wdf.miniportUnloadCallsEvtDriverUnload=true} follows the
     * page instead. No framework call is legal afterwards.
     */
    void wdfDriverMiniportUnload();
}
