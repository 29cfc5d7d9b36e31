package org.drvsim.wdf;

import org.osgi.annotation.versioning.ProviderType;

/** WDFDEVICE: a framework device and the functions that take it. */
@ProviderType
public interface WdfDevice extends WdfObject {
    /** @return the device instance ID */
    String instanceId();

    /**
     * Models WdfIoQueueCreate (PASSIVE_LEVEL): a queue parented to the device.
     *
     * @return STATUS_INVALID_DEVICE_REQUEST for a miniport device (no queues)
     */
    WdfResult<WdfQueue> wdfIoQueueCreate(WdfIoQueueConfig config, WdfObjectAttributes attributes);

    /**
     * Models WdfInterruptCreate: in EvtDriverDeviceAdd or EvtDevicePrepareHardware only.
     *
     * @return STATUS_INVALID_DEVICE_STATE elsewhere; STATUS_INVALID_DEVICE_REQUEST for a miniport device
     */
    WdfResult<WdfInterrupt> wdfInterruptCreate(WdfInterruptConfig config, WdfObjectAttributes attributes);

    /**
     * Models MmMapIoSpace for a memory range of the device's translated resources (PASSIVE_LEVEL, normally in
     * EvtDevicePrepareHardware). A mapping still open when EvtDeviceReleaseHardware returns is a verifier
     * violation.
     *
     * @return the mapped registers, or null when the range is not one of the device's resources
     */
    MappedRegisters mmMapIoSpace(long physicalAddress, long numberOfBytes);

    /** Models MmUnmapIoSpace. */
    void mmUnmapIoSpace(MappedRegisters mapping);

    /**
     * Models WdfCommonBufferCreate (PASSIVE_LEVEL) for the device's DMA (here without a separate DMA enabler).
     *
     * @return STATUS_INSUFFICIENT_RESOURCES when the machine has no DMA memory or the length is not 1 byte to 64 MiB
     */
    WdfResult<WdfCommonBuffer> wdfCommonBufferCreate(int length, WdfObjectAttributes attributes);

    /**
     * Models WdfDeviceSetFailed (IRQL &lt;= DISPATCH_LEVEL): the framework removes the device, as after a surprise
     * removal (spec FA-7).
     */
    void wdfDeviceSetFailed(WdfDeviceFailedAction failedAction);

    /**
     * Models WdfPdoInitAllocate (wdfpdo.h, PASSIVE_LEVEL): a WDFDEVICE_INIT for a child device of this device, which
     * the bus driver names and creates with {@link WdfPdoInit#wdfDeviceCreate}.
     *
     * @return the child's init, or null for a miniport device or a device that was deleted
     * @since 2.1
     */
    WdfPdoInit wdfPdoInitAllocate();

    /**
     * Models WdfFdoAddStaticChild (wdffdo.h, PASSIVE_LEVEL): reports a child device this device's driver created; the
     * PnP manager enumerates it under this device (after this device's start when called during it, see
     * {@code PnpManager.enumerateChild}) and starts it. A child is removed before its parent, and deleted with it.
     *
     * @param child a device created from this device's {@link #wdfPdoInitAllocate}
     * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER for another device, or one reported already
     * @since 2.1
     */
    org.drvsim.nt.NtStatus wdfFdoAddStaticChild(WdfDevice child);
}
