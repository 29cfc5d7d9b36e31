package org.drvsim.drivers.echo;

import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.MappedRegisters;
import org.drvsim.wdf.WdfInterrupt;
import org.drvsim.wdf.WdfObject;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfRequest;

/**
 * The echo data path. A write copies the request's bytes into the common buffer and programs a host→device
 * DMA at the device's write position; a read programs a device→host DMA from the read position of the bytes
 * written so far. The device interrupts when the transfer is done; the ISR acknowledges it and queues the
 * DPC, which completes the request. The queue is sequential, so one transfer is in flight at a time. Reads
 * return what writes stored, in order, like the KMDF echo sample; when a read has consumed everything, both
 * positions go back to 0.
 */
final class EchoIo {
    private final EchoDevice dev;
    private volatile WdfRequest current;
    private volatile int currentLength;
    private volatile boolean currentIsRead;
    private volatile int lastInterruptStatus;
    private int writePosition;
    private int readPosition;

    EchoIo(EchoDevice dev) {
        this.dev = dev;
    }

    /** EvtIoWrite: at most DISPATCH_LEVEL. */
    void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        byte[] data = request.wdfRequestRetrieveInputBuffer();
        int n = (int) Math.min(length, data.length);
        if (n > EchoDevice.MAX_TRANSFER) {
            request.wdfRequestComplete(NtStatus.STATUS_INVALID_PARAMETER);
            return;
        }
        synchronized (this) {
            if (writePosition + n > dev.deviceBufferSize) {
                request.wdfRequestComplete(NtStatus.STATUS_INSUFFICIENT_RESOURCES); // the device buffer is full
                return;
            }
            dev.dma.write(0, data, 0, n);
            start(request, n, false, writePosition);
        }
    }

    /** EvtIoRead: at most DISPATCH_LEVEL. */
    void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        synchronized (this) {
            int available = writePosition - readPosition;
            int n = (int) Math.min(Math.min(length, EchoDevice.MAX_TRANSFER), available);
            if (n <= 0) {
                request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, 0);
                return;
            }
            start(request, n, true, readPosition);
        }
    }

    private void start(WdfRequest request, int n, boolean read, int deviceOffset) {
        current = request;
        currentLength = n;
        currentIsRead = read;
        MappedRegisters r = dev.registers;
        long address = dev.dma.wdfCommonBufferGetAlignedLogicalAddress();
        r.writeRegisterUlong(EchoRegisters.HOST_ADDRESS_LOW, (int) address);
        r.writeRegisterUlong(EchoRegisters.HOST_ADDRESS_HIGH, (int) (address >>> 32));
        r.writeRegisterUlong(EchoRegisters.DEVICE_OFFSET, deviceOffset);
        r.writeRegisterUlong(EchoRegisters.LENGTH, n);
        r.writeRegisterUlong(EchoRegisters.COMMAND, read ? EchoRegisters.COMMAND_DEVICE_TO_HOST
                : EchoRegisters.COMMAND_HOST_TO_DEVICE);
    }

    /** EvtInterruptIsr: DIRQL; claims the interrupt if the engine reports done or error, and queues the DPC. */
    boolean evtInterruptIsr(WdfInterrupt interrupt, int messageId) {
        MappedRegisters r = dev.registers;
        if (r == null) {
            return false;
        }
        int status = r.readRegisterUlong(EchoRegisters.INTERRUPT_STATUS);
        if ((status & (EchoRegisters.INTERRUPT_DMA_DONE | EchoRegisters.INTERRUPT_DMA_ERROR)) == 0 || status == -1) {
            return false; // not ours (or the device is gone)
        }
        lastInterruptStatus = status;
        r.writeRegisterUlong(EchoRegisters.INTERRUPT_STATUS, status); // acknowledge: write 1 to clear
        interrupt.wdfInterruptQueueDpcForIsr();
        return true;
    }

    /** EvtInterruptDpc: DISPATCH_LEVEL; completes the transfer's request. */
    void evtInterruptDpc(WdfInterrupt interrupt, WdfObject associated) {
        WdfRequest request;
        synchronized (this) {
            request = current;
            current = null;
            if (request == null) {
                return;
            }
            if ((lastInterruptStatus & EchoRegisters.INTERRUPT_DMA_ERROR) != 0) {
                request.wdfRequestComplete(NtStatus.STATUS_DEVICE_DATA_ERROR);
                return;
            }
            int n = currentLength;
            if (currentIsRead) {
                dev.dma.read(0, request.wdfRequestRetrieveOutputBuffer(), 0, n);
                readPosition += n;
                if (readPosition == writePosition) {
                    readPosition = 0;
                    writePosition = 0;
                }
            } else {
                writePosition += n;
            }
            request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, n);
        }
    }

    /**
     * EvtIoStop. Suspend: the transfer in flight finishes within microseconds and its DPC completes the request,
     * which the framework waits for before D0Exit; but if the device is gone (its registers read all ones after a
     * surprise removal) that interrupt never comes, so the driver acknowledges the stop and keeps the request, which
     * the purge that follows cancels. Purge: a request still pending (its interrupt never came) is cancelled.
     */
    void evtIoStop(WdfQueue queue, WdfRequest request, int actionFlags) {
        if ((actionFlags & org.drvsim.wdf.WdfIoQueueConfig.WdfRequestStopActionSuspend) != 0) {
            MappedRegisters r = dev.registers;
            if (current == request && (r == null || r.readRegisterUlong(EchoRegisters.INTERRUPT_STATUS) == -1)) {
                request.wdfRequestStopAcknowledge(false);
            }
            return;
        }
        if ((actionFlags & org.drvsim.wdf.WdfIoQueueConfig.WdfRequestStopActionPurge) != 0) {
            synchronized (this) {
                if (current == request) {
                    current = null;
                    request.wdfRequestComplete(NtStatus.STATUS_CANCELLED);
                }
            }
        }
    }
}
