package org.drvsim.hw;

/**
 * The register interface of the simulated PCI echo DMA device (hardware ID {@code PCI\VEN_1414&DEV_EC40}), the device a
 * KMDF echo driver drives: a 4 KiB bank of 32-bit registers behind {@linkplain #BAR BAR 0}, one
 * line-based interrupt, and a DMA engine that copies between {@link HostMemory} and an on-device
 * buffer. The {@linkplain org.drvsim.hw package overview} has the register table and the device's
 * behaviour; the constants here are the offsets (bytes into the BAR) and bits.
 *
 * <p>Plug one with {@link HardwareBus#plug(DeviceSpec)} and the property
 * {@link DeviceSpec#DEVICE_TYPE} = {@value #DEVICE_TYPE}.
 */
public final class EchoDmaRegisters {
    /** The {@link DeviceSpec#DEVICE_TYPE} value that makes the bus build this device. */
    public static final String DEVICE_TYPE = "pci-echo-dma";
    /** The hardware ID of the device in the default machine: Microsoft's vendor ID 0x1414, device 0xEC40. */
    public static final String HARDWARE_ID = "PCI\\VEN_1414&DEV_EC40";
    /** Property: the size of the on-device buffer in bytes, 1 to {@link #MAX_BUFFER_BYTES}. */
    public static final String BUFFER_BYTES_PROPERTY = "echo.bufferBytes";
    /** The buffer size when {@link #BUFFER_BYTES_PROPERTY} is absent: 16 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 16 << 20;
    /** The largest buffer the device accepts: 256 MiB. */
    public static final int MAX_BUFFER_BYTES = 256 << 20;

    /** Fault: the next transfers end in {@link #INTERRUPT_DMA_ERROR} with nothing copied. */
    public static final String FAIL_DMA = "failDma";
    /** Fault: transfers complete, but raising the interrupt is lost (the sink is not called). */
    public static final String DROP_INTERRUPTS = "dropInterrupts";
    /**
     * Fault: when the interrupt rises, the sinks are called {@link #STORM_INTERRUPTS} more times with nothing pending
     * (an interrupt storm: each spurious call finds INTERRUPT_STATUS as software left it). Checked at each rising edge.
     *
     * @since 2.1
     */
    public static final String INTERRUPT_STORM = "interruptStorm";
    /** How many spurious interrupts one firing of {@link #INTERRUPT_STORM} raises. */
    public static final int STORM_INTERRUPTS = 32;
    /**
     * Fault: the device hangs: an accepted transfer never completes (STATUS stays BUSY, no status bit is set, no
     * interrupt is raised) until software resets the device. Checked when a transfer starts.
     *
     * @since 2.1
     */
    public static final String HANG_DEVICE = "hangDevice";
    /**
     * Fault: a transfer's completion (its status and interrupt) comes {@link org.drvsim.hw.FaultRule#delayMicros()}
     * microseconds late, on the device thread. Checked when a transfer starts.
     *
     * @since 2.1
     */
    public static final String DELAY_COMPLETION = "delayCompletion";

    /** The base address register of the register bank. */
    public static final int BAR = 0;
    /** The size of the register bank in bytes. */
    public static final int BAR_BYTES = 4096;

    /** Read-only: the device identification, {@link #ID_VALUE}. */
    public static final int ID = 0x00;
    /** Read/write: {@link #CONTROL_ENABLE}, {@link #CONTROL_INTERRUPT_ENABLE}, {@link #CONTROL_RESET}. */
    public static final int CONTROL = 0x04;
    /** Read-only: {@link #STATUS_BUSY}. */
    public static final int STATUS = 0x08;
    /** Read / write 1 to clear: {@link #INTERRUPT_DMA_DONE}, {@link #INTERRUPT_DMA_ERROR}. */
    public static final int INTERRUPT_STATUS = 0x0C;
    /** Read/write: the low 32 bits of the transfer's {@link HostMemory} physical address. */
    public static final int HOST_ADDRESS_LOW = 0x10;
    /** Read/write: the high 32 bits of the transfer's {@link HostMemory} physical address. */
    public static final int HOST_ADDRESS_HIGH = 0x14;
    /** Read/write: the transfer's offset into the device buffer in bytes (unsigned). */
    public static final int DEVICE_OFFSET = 0x18;
    /** Read/write: the transfer's length in bytes (unsigned). */
    public static final int LENGTH = 0x1C;
    /** Write-only (reads 0): {@link #COMMAND_HOST_TO_DEVICE} or {@link #COMMAND_DEVICE_TO_HOST} starts a transfer. */
    public static final int COMMAND = 0x20;
    /** Read-only: bytes moved by the last transfer (0 when it failed). */
    public static final int TRANSFERRED = 0x24;
    /** Read-only: the size of the device buffer in bytes. */
    public static final int BUFFER_SIZE = 0x28;

    /** The value of {@link #ID}. */
    public static final int ID_VALUE = 0x1414EC40;

    /** CONTROL bit 0: the DMA engine accepts commands. */
    public static final int CONTROL_ENABLE = 1;
    /** CONTROL bit 1: a pending INTERRUPT_STATUS bit asserts the interrupt. */
    public static final int CONTROL_INTERRUPT_ENABLE = 1 << 1;
    /** CONTROL bit 31: writing 1 resets every register; self-clearing, other bits of that write are ignored. */
    public static final int CONTROL_RESET = 1 << 31;

    /** STATUS bit 0: a transfer was accepted and has not finished. */
    public static final int STATUS_BUSY = 1;

    /** INTERRUPT_STATUS bit 0: a transfer completed. */
    public static final int INTERRUPT_DMA_DONE = 1;
    /** INTERRUPT_STATUS bit 1: a command was refused or a transfer failed; nothing was copied. */
    public static final int INTERRUPT_DMA_ERROR = 1 << 1;

    /** COMMAND value 1: copy host memory to the device buffer (an echo write). */
    public static final int COMMAND_HOST_TO_DEVICE = 1;
    /** COMMAND value 2: copy the device buffer to host memory (an echo read). */
    public static final int COMMAND_DEVICE_TO_HOST = 2;

    private EchoDmaRegisters() {
    }
}
