package org.drvsim.storport;

/** SCSI_UNIT_CONTROL_TYPE values the simulation sends (storport.h; spec section 3). */
public enum ScsiUnitControlType {
    ScsiQuerySupportedUnitControlTypes(0),
    ScsiUnitStart(2),
    ScsiUnitRemove(9),
    ScsiUnitSurpriseRemoval(10);

    private final int value;

    ScsiUnitControlType(int value) {
        this.value = value;
    }

    /** @return the storport.h value */
    public int value() {
        return value;
    }
}
