package org.drvsim.drivers.echo;

/**
 * The echo DMA device's registers (BAR 0), as its data sheet (the hardware-sim package documentation)
 * gives them: the driver's own hardware header, like hw.h in a Windows sample.
 */
final class EchoRegisters {
    static final int ID = 0x00;
    static final int CONTROL = 0x04;
    static final int INTERRUPT_STATUS = 0x0C;
    static final int HOST_ADDRESS_LOW = 0x10;
    static final int HOST_ADDRESS_HIGH = 0x14;
    static final int DEVICE_OFFSET = 0x18;
    static final int LENGTH = 0x1C;
    static final int COMMAND = 0x20;
    static final int TRANSFERRED = 0x24;
    static final int BUFFER_SIZE = 0x28;

    static final int ID_VALUE = 0x1414EC40;
    static final int CONTROL_ENABLE = 1;
    static final int CONTROL_INTERRUPT_ENABLE = 1 << 1;
    static final int INTERRUPT_DMA_DONE = 1;
    static final int INTERRUPT_DMA_ERROR = 1 << 1;
    static final int COMMAND_HOST_TO_DEVICE = 1;
    static final int COMMAND_DEVICE_TO_HOST = 2;

    private EchoRegisters() {
    }
}
