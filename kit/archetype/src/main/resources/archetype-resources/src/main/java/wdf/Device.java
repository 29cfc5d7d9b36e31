package ${package};

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDeviceInit;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfIoQueueDispatchType;
import org.drvsim.wdf.WdfObject;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfPowerDeviceState;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfRequest;

/**
 * One device (the WDFDEVICE's context): a device without hardware that keeps what is written to it and returns it
 * on reads, in order, through its default queue (sequential dispatch, so no two requests run at once). A device
 * control request {@code IOCTL_GET_STORED} returns how many bytes it holds. EvtDevicePrepareHardware acquires the
 * store and EvtDeviceReleaseHardware, which always follows it, releases it.
 */
final class Device {
    /** A device-control code of this driver: returns the bytes stored, as a little-endian 32-bit value. */
    static final int IOCTL_GET_STORED = 0x0022_2000;
    /** The most the device holds, in bytes. */
    static final int CAPACITY = 1 << 20;

    /** The framework device whose context this is; set right after WdfDeviceCreate, as C code sets its context. */
    WdfDevice device;
    /** Acquired in EvtDevicePrepareHardware, released in EvtDeviceReleaseHardware; only the queue's requests use it. */
    private ByteArrayOutputStream store;
    private int readOffset;

    /** The context type: WdfDeviceCreate makes one per device (WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE). */
    Device() {
    }

    // EvtDriverDeviceAdd: PASSIVE_LEVEL; EVT_WDF_DRIVER_DEVICE_ADD. Register callbacks, create the device and its queue.
    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        WdfPnpPowerEventCallbacks pnpPower = new WdfPnpPowerEventCallbacks();
        pnpPower.evtDevicePrepareHardware = (d, raw, translated) -> context(d).evtDevicePrepareHardware(translated); // PASSIVE_LEVEL; EVT_WDF_DEVICE_PREPARE_HARDWARE
        pnpPower.evtDeviceReleaseHardware = (d, translated) -> context(d).evtDeviceReleaseHardware();               // PASSIVE_LEVEL; EVT_WDF_DEVICE_RELEASE_HARDWARE
        pnpPower.evtDeviceD0Entry = (d, previousState) -> context(d).evtDeviceD0Entry(previousState);              // PASSIVE_LEVEL; EVT_WDF_DEVICE_D0_ENTRY
        pnpPower.evtDeviceD0Exit = (d, targetState) -> context(d).evtDeviceD0Exit(targetState);                    // PASSIVE_LEVEL; EVT_WDF_DEVICE_D0_EXIT
        deviceInit.wdfDeviceInitSetPnpPowerEventCallbacks(pnpPower);

        WdfObjectAttributes attributes = new WdfObjectAttributes();
        attributes.context = Device::new;
        var result = deviceInit.wdfDeviceCreate(attributes);
        if (!result.isSuccess()) {
            return result.status();
        }
        Device self = context(result.value());
        self.device = result.value();

        WdfIoQueueConfig queue = WdfIoQueueConfig.defaultQueue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential);
        queue.evtIoWrite = (q, request, length) -> context(q.device()).evtIoWrite(request, length);           // <= DISPATCH_LEVEL; EVT_WDF_IO_QUEUE_IO_WRITE
        queue.evtIoRead = (q, request, length) -> context(q.device()).evtIoRead(request, length);             // <= DISPATCH_LEVEL; EVT_WDF_IO_QUEUE_IO_READ
        queue.evtIoDeviceControl = (q, request, out, in, code) -> context(q.device()).evtIoDeviceControl(request, code); // <= DISPATCH_LEVEL; EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL
        return self.device.wdfIoQueueCreate(queue, WdfObjectAttributes.none()).status();
    }

    static Device context(WdfObject device) {
        return (Device) device.context();
    }

    // EvtDevicePrepareHardware: PASSIVE_LEVEL; makes the hardware usable. This device has none: it allocates its store.
    NtStatus evtDevicePrepareHardware(List<CmResourceDescriptor> resourcesTranslated) {
        store = new ByteArrayOutputStream();
        readOffset = 0;
        return NtStatus.STATUS_SUCCESS;
    }

    // EvtDeviceReleaseHardware: PASSIVE_LEVEL, always after EvtDevicePrepareHardware; undoes it.
    NtStatus evtDeviceReleaseHardware() {
        store = null;
        return NtStatus.STATUS_SUCCESS;
    }

    // EvtDeviceD0Entry: PASSIVE_LEVEL; the device entered D0. Nothing to power up.
    NtStatus evtDeviceD0Entry(WdfPowerDeviceState previousState) {
        return NtStatus.STATUS_SUCCESS;
    }

    // EvtDeviceD0Exit: PASSIVE_LEVEL, after the power-managed queue stopped; the device leaves D0.
    NtStatus evtDeviceD0Exit(WdfPowerDeviceState targetState) {
        return NtStatus.STATUS_SUCCESS;
    }

    // EvtIoWrite: keeps the request's data; completes with the bytes taken.
    void evtIoWrite(WdfRequest request, long length) {
        byte[] data = request.wdfRequestRetrieveInputBuffer();
        if (store.size() + data.length > CAPACITY) {
            request.wdfRequestComplete(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
            return;
        }
        store.writeBytes(data);
        request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, data.length);
    }

    // EvtIoRead: returns stored bytes not read yet, in order; completes with the bytes returned (0 at the end).
    void evtIoRead(WdfRequest request, long length) {
        byte[] out = request.wdfRequestRetrieveOutputBuffer();
        byte[] stored = store.toByteArray();
        int n = (int) Math.min(Math.min(length, out.length), stored.length - readOffset);
        System.arraycopy(stored, readOffset, out, 0, n);
        readOffset += n;
        request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, n);
    }

    // EvtIoDeviceControl: IOCTL_GET_STORED returns the bytes held; any other code is not supported.
    void evtIoDeviceControl(WdfRequest request, int ioControlCode) {
        byte[] out = request.wdfRequestRetrieveOutputBuffer();
        if (ioControlCode != IOCTL_GET_STORED) {
            request.wdfRequestComplete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        } else if (out.length < 4) {
            request.wdfRequestComplete(NtStatus.STATUS_INVALID_PARAMETER);
        } else {
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(store.size());
            request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, 4);
        }
    }
}
