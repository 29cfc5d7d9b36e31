package org.drvsim.ndis;

/**
 * NDIS_HALT_ACTION: why NDIS calls MiniportHaltEx (values from ndis.sys symbols; spec/ndis-lifecycle.md
 * section 4.3). The simulation passes {@link #NdisHaltDeviceDisabled} for PnP removal, driver update,
 * uninstall and bundle stop, and {@link #NdisHaltDeviceSurpriseRemoved} after a surprise removal.
 */
public enum NdisHaltAction {
    NdisHaltDeviceDisabled,
    NdisHaltDeviceInstanceDeInitialized,
    NdisHaltDevicePoweredDown,
    NdisHaltDeviceSurpriseRemoved,
    NdisHaltDeviceFailed,
    NdisHaltDeviceInitializationFailed,
    NdisHaltDeviceStopped
}
