package org.drvsim.drivers.echo;

import org.drvsim.wdf.WdfIoQueueDispatchType;
import java.util.List;
import org.drvsim.nt.NtStatus;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.CmResourceType;
import org.drvsim.wdf.MappedRegisters;
import org.drvsim.wdf.WdfCommonBuffer;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDeviceInit;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfInterruptConfig;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfPowerDeviceState;

/**
 * The echo device context and its PnP/power callbacks: EvtDriverDeviceAdd creates the device, a sequential
 * power-managed default queue, the interrupt and a 64 KiB DMA common buffer; EvtDevicePrepareHardware maps
 * BAR 0 and checks the device ID; EvtDeviceD0Entry enables the DMA engine and its interrupt;
 * EvtDeviceD0Exit disables them; EvtDeviceReleaseHardware unmaps the registers.
 */
final class EchoDevice {
    /** The largest request the driver accepts: the common buffer's size. */
    static final int MAX_TRANSFER = 64 * 1024;

    final WdfDevice device;
    volatile MappedRegisters registers;
    volatile WdfCommonBuffer dma;
    volatile int deviceBufferSize;
    final EchoIo io = new EchoIo(this);

    private EchoDevice(WdfDevice device) {
        this.device = device;
    }

    /** EvtDriverDeviceAdd: PASSIVE_LEVEL on the PnP worker. */
    static NtStatus evtDeviceAdd(WdfDriver driver, WdfDeviceInit init) {
        WdfPnpPowerEventCallbacks cb = new WdfPnpPowerEventCallbacks();
        EchoDevice[] self = new EchoDevice[1];
        cb.evtDevicePrepareHardware = (d, raw, translated) -> self[0].prepareHardware(translated);
        cb.evtDeviceReleaseHardware = (d, translated) -> self[0].releaseHardware();
        cb.evtDeviceD0Entry = (d, previous) -> self[0].d0Entry(previous);
        cb.evtDeviceD0Exit = (d, target) -> self[0].d0Exit(target);
        init.wdfDeviceInitSetPnpPowerEventCallbacks(cb);
        var created = init.wdfDeviceCreate(WdfObjectAttributes.none());
        if (!created.isSuccess()) {
            return created.status();
        }
        EchoDevice e = new EchoDevice(created.value());
        self[0] = e;
        WdfIoQueueConfig q = WdfIoQueueConfig.defaultQueue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential);
        q.evtIoRead = e.io::evtIoRead;
        q.evtIoWrite = e.io::evtIoWrite;
        q.evtIoStop = e.io::evtIoStop;
        var queue = e.device.wdfIoQueueCreate(q, WdfObjectAttributes.none());
        if (!queue.isSuccess()) {
            return queue.status();
        }
        WdfInterruptConfig ic = WdfInterruptConfig.init(e.io::evtInterruptIsr, e.io::evtInterruptDpc);
        var interrupt = e.device.wdfInterruptCreate(ic, WdfObjectAttributes.none());
        if (!interrupt.isSuccess()) {
            return interrupt.status();
        }
        var buffer = e.device.wdfCommonBufferCreate(MAX_TRANSFER, WdfObjectAttributes.none());
        if (!buffer.isSuccess()) {
            return buffer.status();
        }
        e.dma = buffer.value();
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtDevicePrepareHardware: maps the register BAR found in the translated resources. */
    NtStatus prepareHardware(List<CmResourceDescriptor> translated) {
        for (CmResourceDescriptor r : translated) {
            if (r.type() == CmResourceType.CmResourceTypeMemory && r.length() >= 0x30) {
                registers = device.mmMapIoSpace(r.start(), r.length());
                break;
            }
        }
        if (registers == null) {
            return NtStatus.STATUS_DEVICE_NOT_CONNECTED; // no register BAR: not our device
        }
        if (registers.readRegisterUlong(EchoRegisters.ID) != EchoRegisters.ID_VALUE) {
            return NtStatus.STATUS_DEVICE_NOT_CONNECTED;
        }
        deviceBufferSize = registers.readRegisterUlong(EchoRegisters.BUFFER_SIZE);
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtDeviceReleaseHardware: called even if PrepareHardware failed; unmaps what it mapped. */
    NtStatus releaseHardware() {
        MappedRegisters r = registers;
        registers = null;
        if (r != null) {
            device.mmUnmapIoSpace(r);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtDeviceD0Entry: enable the DMA engine and its interrupt. */
    NtStatus d0Entry(WdfPowerDeviceState previous) {
        registers.writeRegisterUlong(EchoRegisters.INTERRUPT_STATUS,
                EchoRegisters.INTERRUPT_DMA_DONE | EchoRegisters.INTERRUPT_DMA_ERROR);
        registers.writeRegisterUlong(EchoRegisters.CONTROL,
                EchoRegisters.CONTROL_ENABLE | EchoRegisters.CONTROL_INTERRUPT_ENABLE);
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtDeviceD0Exit: the engine is idle (the queue stopped); disable it. */
    NtStatus d0Exit(WdfPowerDeviceState target) {
        MappedRegisters r = registers;
        if (r != null) {
            r.writeRegisterUlong(EchoRegisters.CONTROL, 0);
        }
        return NtStatus.STATUS_SUCCESS;
    }
}
