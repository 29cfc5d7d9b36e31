package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/** WDFDEVICE_INIT: what EvtDriverDeviceAdd fills before {@link #wdfDeviceCreate}. */
@ProviderType
public interface WdfDeviceInit {
    /** @return the device instance ID of the device being added */
    String instanceId();

    /** Models WdfDeviceInitSetPnpPowerEventCallbacks. */
    void wdfDeviceInitSetPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks callbacks);

    /**
     * Models WdfDeviceInitSetReleaseHardwareOrderOnFailure: {@code WdfReleaseHardwareOrderOnFailureEarly} (the
     * default: ReleaseHardware right after a failed start step) or {@code ...AfterDescendants}.
     *
     * @throws IllegalArgumentException for {@code WdfReleaseHardwareOrderOnFailureInvalid}
     */
    void wdfDeviceInitSetReleaseHardwareOrderOnFailure(WdfReleaseHardwareOrderOnFailure releaseHardwareOrderOnFailure);

    /**
     * Models WdfDeviceCreate (PASSIVE_LEVEL, inside EvtDriverDeviceAdd): the WDFDEVICE, parented to the driver.
     *
     * @return STATUS_INVALID_DEVICE_STATE when called outside EvtDriverDeviceAdd or twice
     */
    WdfResult<WdfDevice> wdfDeviceCreate(WdfObjectAttributes deviceAttributes);
}
