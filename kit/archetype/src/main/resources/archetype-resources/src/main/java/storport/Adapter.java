package ${package};

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.drvsim.storport.PortConfigurationInformation;
import org.drvsim.storport.ScsiAdapterControlStatus;
import org.drvsim.storport.ScsiAdapterControlType;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.ScsiSense;
import org.drvsim.storport.ScsiSupportedControlTypeList;
import org.drvsim.storport.SpReturn;
import org.drvsim.storport.SrbFunction;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.StorPortAdapter;
import org.drvsim.storport.StorPortNotificationType;
import org.drvsim.storport.StorageRequestBlock;

/**
 * The device extension of one adapter: one bus, one target and one logical unit, a disk of {@code BLOCKS}
 * blocks of {@code BLOCK_SIZE} bytes held in memory. VirtualHwStorFindAdapter acquires the disk and
 * HwStorFreeAdapterResources, the adapter's last callback, releases it. Every SRB is completed inside
 * HwStorStartIo with StorPortNotification(RequestComplete).
 */
final class Adapter {
    static final int BLOCK_SIZE = 512;
    static final int BLOCKS = 2048;
    /** MaximumTransferLength: 64 KiB per request. */
    static final int MAX_TRANSFER = 64 * 1024;

    final StorPortAdapter storport;
    /** Acquired in VirtualHwStorFindAdapter, released in HwStorFreeAdapterResources. */
    volatile byte[] disk;

    Adapter(StorPortAdapter storport) {
        this.storport = storport;
    }

    // VirtualHwStorFindAdapter: PASSIVE_LEVEL; HW_FIND_ADAPTER. Fill PORT_CONFIGURATION_INFORMATION.
    static SpReturn findAdapter(Adapter a, Object hwContext, Object busInformation, Object lowerDevice,
                                String argumentString, PortConfigurationInformation config, boolean[] again) {
        a.disk = new byte[BLOCK_SIZE * BLOCKS];
        config.virtualDevice = true;
        config.numberOfBuses = 1;
        config.maximumNumberOfTargets = 1;
        config.maximumNumberOfLogicalUnits = 1;
        config.maximumTransferLength = MAX_TRANSFER;
        return SpReturn.SP_RETURN_FOUND;
    }

    // HwStorInitialize: PASSIVE_LEVEL for a virtual miniport; HW_INITIALIZE. Nothing to program.
    static boolean initialize(Adapter a) {
        return true;
    }

    // HwStorAdapterControl: PASSIVE_LEVEL; HW_ADAPTER_CONTROL
    static ScsiAdapterControlStatus adapterControl(Adapter a, ScsiAdapterControlType type, Object parameters) {
        switch (type) {
            case ScsiQuerySupportedControlTypes -> {
                ScsiSupportedControlTypeList list = (ScsiSupportedControlTypeList) parameters;
                list.support(ScsiAdapterControlType.ScsiQuerySupportedControlTypes);
                list.support(ScsiAdapterControlType.ScsiStopAdapter);
                list.support(ScsiAdapterControlType.ScsiRestartAdapter);
                return ScsiAdapterControlStatus.ScsiAdapterControlSuccess;
            }
            case ScsiStopAdapter, ScsiRestartAdapter -> {
                return ScsiAdapterControlStatus.ScsiAdapterControlSuccess;
            }
            default -> {
                return ScsiAdapterControlStatus.ScsiAdapterControlUnsuccessful;
            }
        }
    }

    // HwStorResetBus: DISPATCH_LEVEL; HW_RESET_BUS. Requests complete inside HwStorStartIo: none is outstanding.
    static boolean resetBus(Adapter a, int pathId) {
        return true;
    }

    // HwStorFreeAdapterResources: PASSIVE_LEVEL, the adapter's last callback; HW_FREE_ADAPTER_RESOURCES
    static void freeAdapterResources(Adapter a) {
        a.disk = null;
    }

    // HwStorStartIo: DISPATCH_LEVEL, possibly on several threads at once; HW_STARTIO. Complete every SRB.
    static boolean startIo(Adapter a, StorageRequestBlock srb) {
        if (srb.srbFunction() != SrbFunction.SRB_FUNCTION_EXECUTE_SCSI) {
            srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS; // PNP, FLUSH, SHUTDOWN, resets: nothing to do in memory
        } else if (srb.pathId() != 0 || srb.targetId() != 0 || srb.lun() != 0) {
            srb.srbStatus = SrbStatus.SRB_STATUS_NO_DEVICE;
        } else {
            a.executeScsi(srb);
        }
        a.storport.storPortNotification(StorPortNotificationType.RequestComplete, srb);
        return true;
    }

    private void executeScsi(StorageRequestBlock srb) {
        byte[] cdb = srb.cdb();
        byte[] data = srb.dataBuffer();
        switch (srb.cdbOpcode()) {
            case ScsiOp.SCSIOP_TEST_UNIT_READY, ScsiOp.SCSIOP_SYNCHRONIZE_CACHE -> good(srb, 0);
            case ScsiOp.SCSIOP_INQUIRY -> {
                if ((cdb[1] & 1) != 0) { // EVPD: no vital product data pages
                    checkCondition(srb, ScsiSense.SCSI_ADSENSE_INVALID_CDB);
                    return;
                }
                byte[] inquiry = new byte[36];
                inquiry[2] = 5;          // SPC-3
                inquiry[3] = 2;          // response data format
                inquiry[4] = 31;         // additional length
                inquiry[7] = 0x02;       // CmdQue
                put(inquiry, 8, "DRVSIM  ");
                put(inquiry, 16, "MYDISK          ");
                put(inquiry, 32, "0001");
                good(srb, copy(inquiry, data, srb.dataTransferLength));
            }
            case ScsiOp.SCSIOP_REPORT_LUNS -> {
                byte[] luns = new byte[16];
                ByteBuffer.wrap(luns).putInt(8); // one LUN: number 0
                good(srb, copy(luns, data, srb.dataTransferLength));
            }
            case ScsiOp.SCSIOP_READ_CAPACITY -> {
                byte[] cap = ByteBuffer.allocate(8).putInt(BLOCKS - 1).putInt(BLOCK_SIZE).array();
                good(srb, copy(cap, data, srb.dataTransferLength));
            }
            case ScsiOp.SCSIOP_MODE_SENSE -> good(srb, copy(new byte[] {3, 0, 0, 0}, data, srb.dataTransferLength));
            case ScsiOp.SCSIOP_READ, ScsiOp.SCSIOP_WRITE -> {
                long lba = ByteBuffer.wrap(cdb, 2, 4).getInt() & 0xFFFF_FFFFL;
                int blocks = ByteBuffer.wrap(cdb, 7, 2).getShort() & 0xFFFF;
                byte[] d = disk;
                if (d == null || lba + blocks > BLOCKS) {
                    checkCondition(srb, ScsiSense.SCSI_ADSENSE_ILLEGAL_BLOCK);
                    return;
                }
                int offset = (int) lba * BLOCK_SIZE;
                int length = blocks * BLOCK_SIZE;
                if (srb.cdbOpcode() == ScsiOp.SCSIOP_READ) {
                    System.arraycopy(d, offset, data, 0, length);
                } else {
                    System.arraycopy(data, 0, d, offset, length);
                }
                good(srb, length);
            }
            default -> checkCondition(srb, ScsiSense.SCSI_ADSENSE_ILLEGAL_COMMAND);
        }
    }

    private static int copy(byte[] from, byte[] to, int allocationLength) {
        int n = Math.min(from.length, Math.min(allocationLength, to == null ? 0 : to.length));
        if (n > 0) {
            System.arraycopy(from, 0, to, 0, n);
        }
        return n;
    }

    private static void put(byte[] b, int offset, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, offset, s.length);
    }

    private static void good(StorageRequestBlock srb, int transferred) {
        srb.dataTransferLength = transferred;
        srb.scsiStatus = ScsiSense.SCSISTAT_GOOD;
        srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
    }

    /** CHECK CONDITION, ILLEGAL REQUEST with the given additional sense code, and autosense. */
    private static void checkCondition(StorageRequestBlock srb, int asc) {
        srb.dataTransferLength = 0;
        srb.scsiStatus = ScsiSense.SCSISTAT_CHECK_CONDITION;
        srb.srbStatus = SrbStatus.SRB_STATUS_ERROR;
        if (srb.autosense()) {
            srb.setSense(ScsiSense.fixed(ScsiSense.SCSI_SENSE_ILLEGAL_REQUEST, asc, 0));
            srb.srbStatus |= SrbStatus.SRB_STATUS_AUTOSENSE_VALID;
        }
    }
}
