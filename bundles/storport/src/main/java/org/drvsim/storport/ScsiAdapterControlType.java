package org.drvsim.storport;

/**
 * SCSI_ADAPTER_CONTROL_TYPE, 0-based as in storport.h (spec/storport-lifecycle.md section 3). Storport
 * sends only the types the miniport marked supported in its answer to ScsiQuerySupportedControlTypes.
 */
public enum ScsiAdapterControlType {
    ScsiQuerySupportedControlTypes, ScsiStopAdapter, ScsiRestartAdapter, ScsiSetBootConfig, ScsiSetRunningConfig,
    ScsiPowerSettingNotification, ScsiAdapterPower, ScsiAdapterPoFxPowerRequired, ScsiAdapterPoFxPowerActive,
    ScsiAdapterPoFxPowerSetFState, ScsiAdapterPoFxPowerControl, ScsiAdapterPrepareForBusReScan,
    ScsiAdapterSystemPowerHints, ScsiAdapterFilterResourceRequirements, ScsiAdapterPoFxMaxOperationalPower,
    ScsiAdapterPoFxSetPerfState, ScsiAdapterSurpriseRemoval, ScsiAdapterSerialNumber, ScsiAdapterCryptoOperation,
    ScsiAdapterQueryFruId, ScsiAdapterSetEventLogging, ScsiAdapterReportInternalData,
    ScsiAdapterResetBusSynchronous, ScsiAdapterPostHwInitialize, ScsiAdapterPrepareEarlyDumpData,
    ScsiAdapterRestoreEarlyDumpData, ScsiAdapterKsrPowerDown, ScsiAdapterPreparePLDR, ScsiNvmeofAdapterOperation,
    ScsiAdapterQueryStorMQInterface
}
