package org.drvsim.wdf;

/** WDF_POWER_DEVICE_STATE (wdfdevice.h; spec/wdf-lifecycle.md section 0). There is no "Unspecified" value. */
public enum WdfPowerDeviceState {
    WdfPowerDeviceInvalid, WdfPowerDeviceD0, WdfPowerDeviceD1, WdfPowerDeviceD2, WdfPowerDeviceD3,
    WdfPowerDeviceD3Final, WdfPowerDevicePrepareForHibernation, WdfPowerDeviceMaximum
}
