package org.drvsim.wdf;

/**
 * WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE (wdfdevice.h): when the framework calls EvtDeviceReleaseHardware after a
 * failed start, set with {@link WdfDeviceInit#wdfDeviceInitSetReleaseHardwareOrderOnFailure}.
 * Documentation: "WDF_RELEASE_HARDWARE_ORDER_ON_FAILURE enumeration (wdfdevice.h)"; spec/wdf-lifecycle.md FA-1.
 */
public enum WdfReleaseHardwareOrderOnFailure {
    WdfReleaseHardwareOrderOnFailureInvalid,
    /** The default: EvtDeviceReleaseHardware right after the start step that failed. */
    WdfReleaseHardwareOrderOnFailureEarly,
    /** After the device's child devices have been removed. */
    WdfReleaseHardwareOrderOnFailureAfterDescendants
}
