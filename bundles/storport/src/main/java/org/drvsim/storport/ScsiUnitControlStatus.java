package org.drvsim.storport;

/** SCSI_UNIT_CONTROL_STATUS, what HwStorUnitControl returns. */
public enum ScsiUnitControlStatus {
    ScsiUnitControlSuccess,
    ScsiUnitControlUnsuccessful
}
