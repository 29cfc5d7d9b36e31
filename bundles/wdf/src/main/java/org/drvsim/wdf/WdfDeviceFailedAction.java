package org.drvsim.wdf;

/**
 * WDF_DEVICE_FAILED_ACTION (wdfdevice.h): what {@link WdfDevice#wdfDeviceSetFailed} asks the framework to do
 * after it removes the device. Documentation: "WDF_DEVICE_FAILED_ACTION enumeration (wdfdevice.h)".
 */
public enum WdfDeviceFailedAction {
    WdfDeviceFailedUndefined,
    /** Remove the device, then try to start it again. */
    WdfDeviceFailedAttemptRestart,
    /** Remove the device and leave it stopped. */
    WdfDeviceFailedNoRestart
}
