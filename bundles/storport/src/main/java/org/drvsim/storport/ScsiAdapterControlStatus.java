package org.drvsim.storport;

/** SCSI_ADAPTER_CONTROL_STATUS, what HwStorAdapterControl returns. */
public enum ScsiAdapterControlStatus {
    ScsiAdapterControlSuccess,
    ScsiAdapterControlUnsuccessful
}
