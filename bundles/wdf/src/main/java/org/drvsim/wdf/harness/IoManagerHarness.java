package org.drvsim.wdf.harness;

import java.io.IOException;
import java.util.List;
import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The I/O manager above the KMDF devices the framework runs, as a service for the shell, tests and benchmarks:
 * it opens a device (CreateFile) and sends it read, write and device-control requests (ReadFile, WriteFile,
 * DeviceIoControl), which the framework delivers to the device's default queue as WDFREQUESTs
 * (EvtIoRead, EvtIoWrite, EvtIoDeviceControl). A device is named by its device instance ID or by the short name
 * {@link #devices()} gives (such as {@code echo0}); names are matched without regard to case.
 *
 * <p>Thread-safe; call at PASSIVE_LEVEL from a thread the simulation does not own (the shell, a test). Each
 * request blocks until the driver completes it. A driver's failure is a value (the completion status); bad
 * arguments are exceptions. Documentation: "Handling I/O requests in KMDF drivers", "Request handlers";
 * spec/wdf-lifecycle.md section 4.
 */
@ProviderType
public interface IoManagerHarness {
    /** The largest transfer one request may carry: 16 MiB. */
    int MAX_TRANSFER = 16 * 1024 * 1024;

    /**
     * One framework device.
     *
     * @param name       the short name (for example {@code echo0})
     * @param instanceId the device instance ID
     * @param driver     the driver, as {@code bundleSymbolicName/version}
     * @param state      the framework's device state (Started, Removed, ...)
     * @param miniport   whether it is a miniport device (WdfDeviceMiniportCreate), which takes no I/O requests
     * @param queues     its I/O queues
     * @param interrupts its interrupt objects
     */
    record DeviceInfo(String name, String instanceId, String driver, String state, boolean miniport, int queues,
                      int interrupts) {
    }

    /**
     * A completed request: IoStatus.Status and IoStatus.Information.
     *
     * @param status      the status the driver completed the request with
     * @param information bytes transferred (Information)
     * @param data        for a read or a device-control request, the first {@code information} bytes of the output
     *                    buffer; empty otherwise
     */
    record IoResult(NtStatus status, long information, byte[] data) {
        public IoResult {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /** A device opened with {@link #open}; requests on it go to the device's default queue. */
    @ProviderType
    interface DeviceFile extends AutoCloseable {
        /** @return the instance ID of the device */
        String instanceId();

        /**
         * Sends IRP_MJ_READ for {@code length} bytes (1 to {@link #MAX_TRANSFER}) and waits for its completion.
         *
         * @throws IOException if the request did not complete within 30 s or the device is gone
         */
        IoResult read(int length) throws IOException;

        /**
         * Sends IRP_MJ_WRITE with {@code data} (1 to {@link #MAX_TRANSFER} bytes) and waits for its completion.
         *
         * @throws IOException if the request did not complete within 30 s or the device is gone
         */
        IoResult write(byte[] data) throws IOException;

        /**
         * Sends IRP_MJ_DEVICE_CONTROL with the I/O control code, input buffer and output buffer length (0 to
         * {@link #MAX_TRANSFER} bytes) and waits for its completion.
         *
         * @throws IOException if the request did not complete within 30 s or the device is gone
         */
        IoResult deviceIoControl(int ioControlCode, byte[] input, int outputLength) throws IOException;

        /** Closes the handle (CloseHandle); requests already completed stay completed. */
        @Override
        void close();
    }

    /** @return the framework devices, in instance-ID order */
    List<DeviceInfo> devices();

    /**
     * @param device an instance ID or short name
     * @return the instance ID of the device
     * @throws IllegalArgumentException naming the devices, if none matches
     */
    String resolveDevice(String device);

    /**
     * Opens a started device for I/O (CreateFile).
     *
     * @throws IllegalArgumentException if the device is unknown, is a miniport device or has no default queue
     */
    DeviceFile open(String device);
}
