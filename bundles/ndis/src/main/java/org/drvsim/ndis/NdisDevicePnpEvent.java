package org.drvsim.ndis;

/**
 * NDIS_DEVICE_PNP_EVENT, passed to MiniportDevicePnPEventNotify in a NET_DEVICE_PNP_EVENT
 * (values from ndis.sys symbols; spec/ndis-lifecycle.md section 5.2).
 */
public enum NdisDevicePnpEvent {
    NdisDevicePnPEventQueryRemoved,
    NdisDevicePnPEventRemoved,
    NdisDevicePnPEventSurpriseRemoved,
    NdisDevicePnPEventQueryStopped,
    NdisDevicePnPEventStopped,
    NdisDevicePnPEventPowerProfileChanged,
    NdisDevicePnPEventFilterListChanged
}
