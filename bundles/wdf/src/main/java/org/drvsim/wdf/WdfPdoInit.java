package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The WDFDEVICE_INIT of a child device a bus driver creates (WdfPdoInitAllocate,
 * https://learn.microsoft.com/windows-hardware/drivers/ddi/wdfpdo/nf-wdfpdo-wdfpdoinitallocate): the bus driver names
 * the child, sets its PnP/power callbacks with {@link #wdfDeviceInitSetPnpPowerEventCallbacks}, creates the PDO with
 * {@link #wdfDeviceCreate} (at any time, not only in EvtDriverDeviceAdd) and reports it with
 * {@link WdfDevice#wdfFdoAddStaticChild}. The child's device instance ID is its device ID, a backslash and its
 * instance ID ({@code DRVSIMBUS\CHILD} and {@code 0} give {@code DRVSIMBUS\CHILD\0}), as Windows builds a device
 * instance path. Every method runs at PASSIVE_LEVEL.
 *
 * <p>drvsim models raw PDOs (the bus driver runs the child itself, {@link #wdfPdoInitAssignRawDevice}); a PDO that
 * needs a function driver on top of it is refused by {@link #wdfDeviceCreate} with STATUS_NOT_SUPPORTED.
 */
@ProviderType
public interface WdfPdoInit extends WdfDeviceInit {
    /**
     * Models WdfPdoInitAssignDeviceID (wdfpdo.h).
     *
     * @param deviceId for example {@code DRVSIMBUS\CHILD}; not blank
     * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a blank ID, STATUS_INVALID_DEVICE_STATE after
     *         {@link #wdfDeviceCreate}
     */
    NtStatus wdfPdoInitAssignDeviceID(String deviceId);

    /**
     * Models WdfPdoInitAssignInstanceID (wdfpdo.h).
     *
     * @param instanceId unique among the parent's children, for example {@code 0}; not blank, no backslash
     * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER, or STATUS_INVALID_DEVICE_STATE after {@link #wdfDeviceCreate}
     */
    NtStatus wdfPdoInitAssignInstanceID(String instanceId);

    /**
     * Models WdfPdoInitAddHardwareID (wdfpdo.h): adds a hardware ID, most specific first.
     *
     * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a blank ID, STATUS_INVALID_DEVICE_STATE after
     *         {@link #wdfDeviceCreate}
     */
    NtStatus wdfPdoInitAddHardwareID(String hardwareId);

    /**
     * Models WdfPdoInitAssignRawDevice (wdfpdo.h): the child is a raw device, run by the bus driver with the callbacks
     * of this init, without a function driver.
     *
     * @param deviceClassGuid the device setup class, for example {@code {4d36e97d-e325-11ce-bfc1-08002be10318}}; not
     *                        blank
     * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER, or STATUS_INVALID_DEVICE_STATE after {@link #wdfDeviceCreate}
     */
    NtStatus wdfPdoInitAssignRawDevice(String deviceClassGuid);
}
