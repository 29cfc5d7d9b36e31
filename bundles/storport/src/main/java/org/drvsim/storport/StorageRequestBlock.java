package org.drvsim.storport;

import java.util.Arrays;

/**
 * STORAGE_REQUEST_BLOCK (and the SCSI_REQUEST_BLOCK fields it carries): one request Storport hands to
 * HwStorStartIo (spec/storport-lifecycle.md section 5). The miniport sets {@link #srbStatus}, {@link
 * #scsiStatus}, the sense data and {@link #dataTransferLength}, then completes it exactly once with
 * {@code StorPortNotification(RequestComplete, srb)}, after which Storport owns it again.
 *
 * <p>Not thread-safe: one owner at a time, as in Storport.
 */
public final class StorageRequestBlock {
    /** SRB_FLAGS_DISABLE_AUTOSENSE. */
    public static final int SRB_FLAGS_DISABLE_AUTOSENSE = 0x20;
    /** SRB_FLAGS_DATA_IN: data flows from the device. */
    public static final int SRB_FLAGS_DATA_IN = 0x40;
    /** SRB_FLAGS_DATA_OUT: data flows to the device. */
    public static final int SRB_FLAGS_DATA_OUT = 0x80;
    /** SRB_PNP_FLAGS_ADAPTER_REQUEST: a PnP SRB for the adapter, not a LUN. */
    public static final int SRB_PNP_FLAGS_ADAPTER_REQUEST = 0x1;

    private final SrbFunction srbFunction;
    private final int pathId;
    private final int targetId;
    private final int lun;
    private final byte[] cdb;
    private final int srbFlags;
    private final byte[] dataBuffer;
    private final byte[] senseInfoBuffer;
    private final int timeOutValue;
    private final StorPnpAction pnpAction;
    private final int pnpFlags;
    private String ioControlSignature;
    private int ioControlCode;
    /** SRB_IO_CONTROL.ReturnCode: set by the miniport for an SRB_FUNCTION_IO_CONTROL request. */
    public int ioControlReturnCode;
    /** SrbStatus: set by the miniport before completion. */
    public int srbStatus = SrbStatus.SRB_STATUS_PENDING;
    /** ScsiStatus: the SCSI status byte. */
    public int scsiStatus;
    /** DataTransferLength in bytes: the request's length, set by the miniport to the bytes moved. */
    public int dataTransferLength;
    /** SrbExtension: the miniport's per-request data (not zeroed by Storport). */
    public Object srbExtension;

    private StorageRequestBlock(SrbFunction function, int pathId, int targetId, int lun, byte[] cdb, int srbFlags,
                                byte[] dataBuffer, int dataTransferLength, int timeOutValue, StorPnpAction pnpAction,
                                int pnpFlags) {
        this.srbFunction = function;
        this.pathId = pathId;
        this.targetId = targetId;
        this.lun = lun;
        this.cdb = cdb == null ? new byte[0] : cdb.clone();
        this.srbFlags = srbFlags;
        this.dataBuffer = dataBuffer;
        this.dataTransferLength = dataTransferLength;
        this.senseInfoBuffer = new byte[ScsiSense.FIXED_SENSE_LENGTH];
        this.timeOutValue = timeOutValue;
        this.pnpAction = pnpAction;
        this.pnpFlags = pnpFlags;
    }

    /**
     * An SRB_FUNCTION_EXECUTE_SCSI request.
     *
     * @param dataBuffer  the data buffer (read into for DATA_IN, read from for DATA_OUT), or null
     * @param srbFlags    SRB_FLAGS_DATA_IN or SRB_FLAGS_DATA_OUT, possibly with SRB_FLAGS_DISABLE_AUTOSENSE
     * @param timeOutValue seconds
     */
    public static StorageRequestBlock executeScsi(int pathId, int targetId, int lun, byte[] cdb, int srbFlags,
                                                  byte[] dataBuffer, int dataTransferLength, int timeOutValue) {
        if (dataBuffer != null && dataTransferLength > dataBuffer.length) {
            throw new IllegalArgumentException("DataTransferLength " + dataTransferLength + " exceeds the "
                    + dataBuffer.length + "-byte data buffer");
        }
        return new StorageRequestBlock(SrbFunction.SRB_FUNCTION_EXECUTE_SCSI, pathId, targetId, lun, cdb, srbFlags,
                dataBuffer, dataTransferLength, timeOutValue, null, 0);
    }

    /** An SRB without CDB or data: FLUSH, SHUTDOWN, RESET_*, or (with {@link #pnp}) PNP. */
    public static StorageRequestBlock control(SrbFunction function, int pathId, int targetId, int lun) {
        return new StorageRequestBlock(function, pathId, targetId, lun, null, 0, null, 0, 10, null, 0);
    }

    /** An SRB_FUNCTION_PNP request; {@code pnpFlags} is SRB_PNP_FLAGS_ADAPTER_REQUEST for the adapter. */
    public static StorageRequestBlock pnp(StorPnpAction action, int pnpFlags, int pathId, int targetId, int lun) {
        return new StorageRequestBlock(SrbFunction.SRB_FUNCTION_PNP, pathId, targetId, lun, null, 0, null, 0, 10,
                action, pnpFlags);
    }

    /**
     * An SRB_FUNCTION_IO_CONTROL request (IOCTL_SCSI_MINIPORT): the SRB_IO_CONTROL header's Signature and
     * ControlCode, and a buffer holding the input, into which the miniport writes its output.
     */
    public static StorageRequestBlock ioControl(String signature, int controlCode, byte[] buffer, int dataTransferLength) {
        StorageRequestBlock srb = new StorageRequestBlock(SrbFunction.SRB_FUNCTION_IO_CONTROL, 0, 0, 0, null,
                SRB_FLAGS_DATA_IN | SRB_FLAGS_DATA_OUT, buffer, dataTransferLength, 10, null, 0);
        srb.ioControlSignature = signature;
        srb.ioControlCode = controlCode;
        return srb;
    }

    /** @return SRB_IO_CONTROL.Signature of an SRB_FUNCTION_IO_CONTROL request, else null */
    public String ioControlSignature() { return ioControlSignature; }
    /** @return SRB_IO_CONTROL.ControlCode of an SRB_FUNCTION_IO_CONTROL request */
    public int ioControlCode() { return ioControlCode; }

    public SrbFunction srbFunction() { return srbFunction; }
    public int pathId() { return pathId; }
    public int targetId() { return targetId; }
    public int lun() { return lun; }
    /** @return a copy of the CDB */
    public byte[] cdb() { return cdb.clone(); }
    /** @return the CDB's operation code, or -1 without CDB */
    public int cdbOpcode() { return cdb.length == 0 ? -1 : cdb[0] & 0xFF; }
    public int srbFlags() { return srbFlags; }
    /** @return the data buffer itself (not a copy), or null */
    public byte[] dataBuffer() { return dataBuffer; }
    /** @return SenseInfoBuffer (18 bytes), written by the miniport for a CHECK CONDITION */
    public byte[] senseInfoBuffer() { return senseInfoBuffer; }
    /** @return TimeOutValue in seconds */
    public int timeOutValue() { return timeOutValue; }
    /** @return the PnP action of an SRB_FUNCTION_PNP request, else null */
    public StorPnpAction pnpAction() { return pnpAction; }
    /** @return SrbPnPFlags */
    public int pnpFlags() { return pnpFlags; }

    /** @return whether autosense is enabled (SRB_FLAGS_DISABLE_AUTOSENSE clear) */
    public boolean autosense() {
        return (srbFlags & SRB_FLAGS_DISABLE_AUTOSENSE) == 0;
    }

    /** Copies sense data into SenseInfoBuffer. */
    public void setSense(byte[] sense) {
        Arrays.fill(senseInfoBuffer, (byte) 0);
        System.arraycopy(sense, 0, senseInfoBuffer, 0, Math.min(sense.length, senseInfoBuffer.length));
    }

    /** @return {@code path:target:lun} */
    public String address() {
        return pathId + ":" + targetId + ":" + lun;
    }
}
