package org.drvsim.storport.harness;

import java.io.IOException;
import java.util.List;
import org.drvsim.storport.ScsiSense;
import org.drvsim.storport.SrbStatus;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The class-driver side of Storport, as disk.sys and IOCTL_SCSI_MINIPORT callers sit above storport.sys: a
 * service that issues SRBs to the logical units Storport found and waits for their completion. Used by
 * the {@code storport:} commands, by miniport-specific tools (the ramdisk's {@code ramdisk:} commands send
 * SRB_FUNCTION_IO_CONTROL through it), by tests and benchmarks. An adapter is named by its device instance
 * ID or the short name {@link #adapters()} prints; an address is {@code path:target:lun}.
 *
 * <p>Thread-safe; callable from any thread at PASSIVE_LEVEL. Calls block until the SRB completes.
 */
@ProviderType
public interface ClassDriverHarness {
    /** One adapter Storport runs. */
    record AdapterInfo(String name, String instanceId, String state, int numberOfBuses, int maximumNumberOfTargets,
                       int maximumNumberOfLogicalUnits, int maximumTransferLength, int outstandingRequests,
                       List<String> logicalUnits) {
    }

    /** One logical unit found by the bus scan: its address and its INQUIRY identity. */
    record LunInfo(String adapter, String address, String vendor, String product) {
    }

    /**
     * What a completed SRB carried back.
     *
     * @param srbStatus          SrbStatus with flags
     * @param scsiStatus         the SCSI status byte
     * @param sense              SenseInfoBuffer when SRB_STATUS_AUTOSENSE_VALID, else empty
     * @param dataTransferLength bytes moved
     * @param data               the data buffer (for DATA_IN requests, the first dataTransferLength bytes hold the data)
     */
    record SrbResult(int srbStatus, int scsiStatus, byte[] sense, int dataTransferLength, byte[] data) {
        /** @return whether SRB_STATUS(srbStatus) is SRB_STATUS_SUCCESS */
        public boolean success() {
            return SrbStatus.status(srbStatus) == SrbStatus.SRB_STATUS_SUCCESS;
        }

        /** @return for example {@code SRB_STATUS_ERROR|SRB_STATUS_AUTOSENSE_VALID, CHECK CONDITION, DATA PROTECT (asc 0x27)} */
        public String describe() {
            StringBuilder b = new StringBuilder(SrbStatus.name(srbStatus));
            if (scsiStatus == ScsiSense.SCSISTAT_CHECK_CONDITION) {
                b.append(", CHECK CONDITION");
                if (sense.length >= ScsiSense.FIXED_SENSE_LENGTH) {
                    b.append(String.format(", sense %s (key 0x%X, asc 0x%02X, ascq 0x%02X)",
                            ScsiSense.keyName(ScsiSense.senseKey(sense)), ScsiSense.senseKey(sense),
                            ScsiSense.asc(sense), sense[13] & 0xFF));
                }
            }
            return b.toString();
        }
    }

    /** @return the adapters Storport runs now, by instance ID */
    List<AdapterInfo> adapters();

    /** @return every logical unit of every adapter */
    List<LunInfo> luns();

    /**
     * @return the instance ID of the adapter named by its instance ID or short name
     * @throws IllegalArgumentException naming the adapters, if none matches
     */
    String resolveAdapter(String adapter);

    /**
     * Issues one SRB_FUNCTION_EXECUTE_SCSI request and waits for its completion.
     *
     * @param data               the data buffer (filled for DATA_IN, read for DATA_OUT), or null
     * @param dataIn             SRB_FLAGS_DATA_IN if true, else SRB_FLAGS_DATA_OUT (when there is data)
     * @param dataTransferLength DataTransferLength in bytes
     * @throws IllegalArgumentException for an unknown adapter or a malformed address
     * @throws IOException              if the request did not complete within its timeout
     */
    SrbResult executeScsi(String adapter, String address, byte[] cdb, byte[] data, boolean dataIn,
                          int dataTransferLength) throws IOException;

    /**
     * Issues an SRB_FUNCTION_IO_CONTROL request (IOCTL_SCSI_MINIPORT) to the adapter and waits for it.
     * The miniport reads {@code input} and writes at most {@code outputLength} bytes back.
     *
     * @param signature   the SRB_IO_CONTROL signature (8 characters)
     * @param controlCode the miniport's control code
     * @return the completed request; {@code data} holds the miniport's output (dataTransferLength bytes) and
     *         {@code scsiStatus} holds SRB_IO_CONTROL.ReturnCode
     */
    SrbResult miniportIoControl(String adapter, String signature, int controlCode, byte[] input, int outputLength)
            throws IOException;

    /** Waits until every bus scan queued so far (after BusChangeDetected) has run. */
    void awaitBusScan() throws InterruptedException;

    /** INQUIRY (standard data, or the VPD page when {@code vpdPage} is not null). */
    byte[] inquiry(String adapter, String address, Integer vpdPage) throws IOException;

    /** READ CAPACITY(10), then (16) when the disk is too large: {block count, block size in bytes}. */
    long[] readCapacity(String adapter, String address) throws IOException;

    /** Whether MODE SENSE reports the unit write-protected. */
    boolean writeProtected(String adapter, String address) throws IOException;

    /**
     * READ(10)/(16) requests of at most the adapter's maximum transfer length.
     *
     * @throws IllegalArgumentException before any request, if {@code lba} is negative, {@code blocks} not positive,
     *                                  or the range runs past the end of the logical unit
     */
    byte[] read(String adapter, String address, long lba, int blocks) throws IOException;

    /**
     * WRITE(10)/(16) requests of at most the adapter's maximum transfer length; {@code data} is whole blocks.
     *
     * @throws IllegalArgumentException before any request, if {@code lba} is negative, {@code data} is not a whole,
     *                                  positive number of blocks, or the range runs past the end of the logical unit
     */
    void write(String adapter, String address, long lba, byte[] data) throws IOException;
}
