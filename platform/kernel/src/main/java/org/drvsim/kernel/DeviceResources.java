package org.drvsim.kernel;

import java.util.function.IntConsumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A started device's hardware, as the PnP manager hands it to the port of the driver that runs the device with
 * IRP_MN_START_DEVICE (its AllocatedResourcesTranslated) and the kernel routines that use those resources:
 * MmMapIoSpace over its memory ranges, IoConnectInterruptEx on its interrupt, AllocateCommonBuffer for its DMA. Only
 * that port gets it (as {@link PortDriver#startDevice}'s argument); the public {@link DeviceNode} describes the
 * resources but hands none out, so no other driver, tool or test reaches the device's registers, interrupt or DMA
 * memory.
 *
 * <p>Valid from the start until the device is removed (orderly or surprise removal, a failed start, or the
 * driver's isolation): afterwards the handle is revoked, maps nothing, connects nothing and allocates nothing.
 * Mappings, connections and buffers made before stay as they are (a surprise-removed device reads all ones).
 * Thread-safe; callable at any IRQL (nothing blocks).
 *
 * @see <a href="https://learn.microsoft.com/windows-hardware/drivers/kernel/irp-mn-start-device">IRP_MN_START_DEVICE</a>
 */
@ProviderType
public interface DeviceResources {
    /**
     * The hardware of a device that decodes none (a root-enumerated virtual device) or of a revoked handle: maps
     * nothing, connects nothing, allocates nothing. For port unit tests that build a device by hand.
     */
    DeviceResources NONE = new DeviceResources() {
        @Override public IoSpace mapIoSpace(long physicalAddress, long length) { return null; }
        @Override public AutoCloseable connectInterrupt(IntConsumer isr) { return () -> { }; }
        @Override public CommonBuffer allocateCommonBuffer(int length) { return null; }
        @Override public String toString() { return "no hardware"; }
    };

    /**
     * Maps a memory range of the device's resources into system space (MmMapIoSpace).
     *
     * @param physicalAddress the start of the range, a bus-relative physical address in bytes
     * @param length          the range's length in bytes
     * @return the mapped registers, or null when the range lies outside the device's memory resources or the handle
     *         is revoked
     */
    IoSpace mapIoSpace(long physicalAddress, long length);

    /**
     * Connects to the device's interrupt (IoConnectInterruptEx): {@code isr} is called with the vector, on the
     * device's own thread, whenever the device asserts it (the port then runs the driver's ISR at DIRQL).
     *
     * @param isr receives the vector; not null
     * @return a handle whose {@code close} disconnects; one that does nothing when the device has no interrupt or
     *         the handle is revoked
     */
    AutoCloseable connectInterrupt(IntConsumer isr);

    /**
     * Allocates a DMA common buffer for the device in simulated host memory (AllocateCommonBuffer).
     *
     * @param length the buffer's length in bytes
     * @return the buffer, or null when the machine has no host memory for DMA or the handle is revoked
     * @throws IllegalArgumentException if {@code length} is not positive or too large
     */
    CommonBuffer allocateCommonBuffer(int length);
}
