package org.drvsim.tools.ramdisk;

/**
 * The ramdisk miniport's private IOCTL_SCSI_MINIPORT interface, as the header a driver shares with its control
 * application would define it: the SRB_IO_CONTROL signature and control codes, and (documented here) the
 * payloads. They must match {@code org.drvsim.drivers.ramdisk.RamdiskStartIo}; the tool does not import the
 * driver bundle, so that the driver stays a leaf that can be updated or removed alone.
 */
final class RamdiskIoctl {
    /** SRB_IO_CONTROL.Signature of the ramdisk's requests. */
    static final String SIGNATURE = "RAMDISK";
    /** Attach an image: input {@code path\nreadOnly\nblockSize} (UTF-8); output the new LUN's address. */
    static final int IOCTL_ATTACH = 1;
    /** Detach a LUN: input its address {@code path:target:lun} (UTF-8), then {@code \nforce} for the configured LUN. */
    static final int IOCTL_DETACH = 2;

    private RamdiskIoctl() {
    }
}
