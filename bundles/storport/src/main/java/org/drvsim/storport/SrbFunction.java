package org.drvsim.storport;

/** SRB functions (srb.h SRB_FUNCTION_*; spec/storport-lifecycle.md section 5), with their codes. */
public enum SrbFunction {
    SRB_FUNCTION_EXECUTE_SCSI(0x00),
    SRB_FUNCTION_IO_CONTROL(0x02),
    SRB_FUNCTION_SHUTDOWN(0x07),
    SRB_FUNCTION_FLUSH(0x08),
    SRB_FUNCTION_ABORT_COMMAND(0x10),
    SRB_FUNCTION_RESET_BUS(0x12),
    SRB_FUNCTION_RESET_DEVICE(0x13),
    SRB_FUNCTION_RESET_LOGICAL_UNIT(0x20),
    SRB_FUNCTION_POWER(0x24),
    SRB_FUNCTION_PNP(0x25);

    private final int code;

    SrbFunction(int code) {
        this.code = code;
    }

    /** @return the srb.h code */
    public int code() {
        return code;
    }
}
