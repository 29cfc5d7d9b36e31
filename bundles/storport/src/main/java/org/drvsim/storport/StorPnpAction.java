package org.drvsim.storport;

/** STOR_PNP_ACTION of an SRB_FUNCTION_PNP request (srb.h; spec/storport-lifecycle.md section 4). */
public enum StorPnpAction {
    StorStartDevice(0x0),
    StorRemoveDevice(0x2),
    StorStopDevice(0x4),
    StorSurpriseRemoval(0x17);

    private final int value;

    StorPnpAction(int value) {
        this.value = value;
    }

    /** @return the srb.h value */
    public int value() {
        return value;
    }
}
