package org.drvsim.drivers.ramdisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.ScsiSense;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.StorPortNotificationType;
import org.drvsim.storport.StorageRequestBlock;

/**
 * HwStorStartIo of the ramdisk: dispatch on the SRB function, then on the CDB opcode, as the WDK virtual
 * miniport does. Every request is completed before HwStorStartIo returns, with
 * StorPortNotification(RequestComplete). Runs at DISPATCH_LEVEL on the submitting thread, possibly on
 * several threads at once (the LUN map and the stores are thread-safe).
 */
final class RamdiskStartIo {
    /** SRB_IO_CONTROL signature of the ramdisk's miniport IOCTLs. */
    static final String SIGNATURE = "RAMDISK";
    /** Control code: attach an image file as a new LUN. Input: UTF-8 "path\nreadOnly\nblockSize". */
    static final int IOCTL_ATTACH = 1;
    /** Control code: detach a LUN. Input: UTF-8 "path:target:lun", then "\nforce" to detach the configured LUN. */
    static final int IOCTL_DETACH = 2;

    private RamdiskStartIo() {
    }

    static boolean startIo(RamdiskAdapter a, StorageRequestBlock srb) {
        boolean busChange = false;
        switch (srb.srbFunction()) {
            case SRB_FUNCTION_EXECUTE_SCSI -> executeScsi(a, srb);
            case SRB_FUNCTION_PNP, SRB_FUNCTION_RESET_BUS, SRB_FUNCTION_RESET_DEVICE, SRB_FUNCTION_RESET_LOGICAL_UNIT,
                    SRB_FUNCTION_POWER -> srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
            case SRB_FUNCTION_FLUSH, SRB_FUNCTION_SHUTDOWN -> {
                flushAll(a);
                srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
            }
            case SRB_FUNCTION_IO_CONTROL -> busChange = ioControl(a, srb);
            default -> srb.srbStatus = SrbStatus.SRB_STATUS_INVALID_REQUEST;
        }
        a.storport.storPortNotification(StorPortNotificationType.RequestComplete, srb);
        if (busChange) {
            // The LUN already answers (or no longer answers) REPORT LUNS and INQUIRY: tell Storport (spec 7).
            a.storport.storPortNotification(StorPortNotificationType.BusChangeDetected, 0);
        }
        return true;
    }

    private static void executeScsi(RamdiskAdapter a, StorageRequestBlock srb) {
        if (srb.pathId() != 0 || srb.targetId() != 0) {
            srb.srbStatus = srb.pathId() != 0 ? SrbStatus.SRB_STATUS_INVALID_PATH_ID : SrbStatus.SRB_STATUS_INVALID_TARGET_ID;
            srb.dataTransferLength = 0;
            return;
        }
        if (srb.cdbOpcode() == ScsiOp.SCSIOP_REPORT_LUNS) {
            byte[] data = ScsiDisk.reportLunsData(new ArrayList<>(a.luns.keySet()));
            int n = Math.min(data.length, srb.dataTransferLength);
            System.arraycopy(data, 0, srb.dataBuffer(), 0, n);
            srb.dataTransferLength = n;
            srb.scsiStatus = ScsiSense.SCSISTAT_GOOD;
            srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
            return;
        }
        ScsiDisk disk = a.luns.get(srb.lun());
        if (disk == null) {
            srb.srbStatus = SrbStatus.SRB_STATUS_INVALID_LUN;
            srb.dataTransferLength = 0;
            return;
        }
        ScsiResult r = disk.execute(srb.cdb(), srb.dataBuffer(), srb.dataTransferLength);
        srb.scsiStatus = r.scsiStatus();
        srb.dataTransferLength = r.dataTransferLength();
        if ((r.srbStatus() & SrbStatus.SRB_STATUS_AUTOSENSE_VALID) != 0 && !srb.autosense()) {
            srb.srbStatus = r.srbStatus() & ~SrbStatus.SRB_STATUS_AUTOSENSE_VALID; // no sense without autosense
        } else {
            srb.srbStatus = r.srbStatus();
            if (r.sense().length > 0) {
                srb.setSense(r.sense());
            }
        }
    }

    private static void flushAll(RamdiskAdapter a) {
        for (ScsiDisk d : a.luns.values()) {
            try {
                d.store().flush();
            } catch (IOException e) {
                // a flush failure of an image file is reported by the next write's error
            }
        }
    }

    /** @return whether the LUNs changed (a BusChangeDetected follows the completion) */
    private static boolean ioControl(RamdiskAdapter a, StorageRequestBlock srb) {
        srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
        if (!SIGNATURE.equals(srb.ioControlSignature())) {
            srb.srbStatus = SrbStatus.SRB_STATUS_INVALID_REQUEST;
            return false;
        }
        byte[] buf = srb.dataBuffer();
        String input = new String(buf, StandardCharsets.UTF_8).replace("\0", "").trim();
        String reply;
        boolean changed = false;
        try {
            if (srb.ioControlCode() == IOCTL_ATTACH) {
                String[] p = input.split("\n");
                if (p.length != 3) {
                    throw new IllegalArgumentException("attach takes path, read-only and block size");
                }
                int lun = freeLun(a);
                BackingStore store = FileBackingStore.open(Path.of(p[0]), Integer.parseInt(p[2].trim()),
                        Boolean.parseBoolean(p[1].trim()));
                a.luns.put(lun, new ScsiDisk(store, RamdiskAdapter.VENDOR, RamdiskAdapter.PRODUCT,
                        RamdiskAdapter.serial(a.storport.instanceId(), lun), lun));
                reply = "0:0:" + lun;
                changed = true;
            } else if (srb.ioControlCode() == IOCTL_DETACH) {
                String[] p = input.split("\n");
                String address = p[0].trim();
                boolean force = p.length > 1 && p[1].trim().equals("force");
                String[] btl = address.split(":");
                int lun;
                try {
                    lun = Integer.parseInt(btl[btl.length - 1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + address + "' is not a path:target:lun address");
                }
                if (btl.length != 3 || !btl[0].trim().equals("0") || !btl[1].trim().equals("0") || !a.luns.containsKey(lun)) {
                    throw new IllegalArgumentException("no logical unit " + address);
                }
                if (a.configuredLuns.contains(lun) && !force) {
                    throw new IllegalArgumentException("logical unit " + address + " is the adapter's configured disk, not "
                            + "an attached image; its data is lost when it is detached: detach it with --force");
                }
                a.configuredLuns.remove(lun);
                input = address;
                ScsiDisk gone = a.luns.remove(lun); // stop answering first, then release
                RamdiskAdapter.closeQuietly(gone.store());
                reply = input;
                changed = true;
            } else {
                throw new IllegalArgumentException("unknown control code " + srb.ioControlCode());
            }
            srb.ioControlReturnCode = 0;
        } catch (RuntimeException | IOException e) {
            reply = e.getMessage() == null ? e.toString() : e.getMessage();
            srb.ioControlReturnCode = 1;
        }
        byte[] out = reply.getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(buf, (byte) 0);
        int n = Math.min(out.length, buf.length);
        System.arraycopy(out, 0, buf, 0, n);
        srb.dataTransferLength = n;
        return changed;
    }

    private static int freeLun(RamdiskAdapter a) {
        for (int lun = 0; lun < RamdiskAdapter.MAX_LUNS; lun++) {
            if (!a.luns.containsKey(lun)) {
                return lun;
            }
        }
        throw new IllegalArgumentException("all " + RamdiskAdapter.MAX_LUNS + " logical units are in use");
    }
}
