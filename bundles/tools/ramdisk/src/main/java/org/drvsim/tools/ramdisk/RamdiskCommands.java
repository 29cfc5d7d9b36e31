package org.drvsim.tools.ramdisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code ramdisk:} Gogo commands, the ramdisk driver's control tool (a separate bundle, as a driver's control
 * application is a separate program): they talk to the miniport the documented way,
 * with SRB_FUNCTION_IO_CONTROL requests (IOCTL_SCSI_MINIPORT) through Storport's class-driver side; the
 * miniport then announces the change with StorPortNotification(BusChangeDetected) and Storport rescans.
 */
@Component(service = RamdiskCommands.class, property = {
        "osgi.command.scope=ramdisk", "osgi.command.function=attach", "osgi.command.function=detach"})
public final class RamdiskCommands {
    static final String ATTACH_USAGE = "ramdisk:attach ADAPTER IMAGE [--read-only] [--block-size 512|4096]";
    private final ClassDriverHarness storport;

    @Activate
    public RamdiskCommands(@Reference ClassDriverHarness storport) {
        this.storport = storport;
    }

    @Descriptor("adds a logical unit backed by a disk image file; prints its address")
    public String attach(@Descriptor("attach read-only: writes get DATA PROTECT") @Parameter(names = "--read-only",
                                 presentValue = "true", absentValue = "false") boolean readOnly,
                         @Descriptor("block size in bytes: 512 or 4096") @Parameter(names = "--block-size",
                                 absentValue = "512") int blockSize,
                         @Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                         @Descriptor("disk image file; its size must be a multiple of the block size") String image)
            throws IOException, InterruptedException {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size " + blockSize + " is not 512 or 4096\nusage: " + ATTACH_USAGE);
        }
        Path p = org.drvsim.kernel.SourceFile.check(image, "image", ATTACH_USAGE);
        String id = storport.resolveAdapter(adapter);
        byte[] in = (p + "\n" + readOnly + "\n" + blockSize).getBytes(StandardCharsets.UTF_8);
        ClassDriverHarness.SrbResult r = storport.miniportIoControl(id, RamdiskIoctl.SIGNATURE, RamdiskIoctl.IOCTL_ATTACH,
                in, 1024);
        String reply = reply(r);
        if (!r.success() || r.scsiStatus() != 0) {
            throw new IllegalArgumentException("ramdisk: cannot attach " + image + ": " + reply + "\nusage: " + ATTACH_USAGE);
        }
        storport.awaitBusScan();
        return "attached " + p + " as " + reply + " on " + id + (readOnly ? " (read-only)" : "") + ", " + blockSize
                + "-byte blocks";
    }

    @Descriptor("removes a logical unit added by ramdisk:attach (the adapter's configured disk only with --force)")
    public String detach(@Descriptor("also detach the adapter's configured disk, whose data is then lost")
                         @Parameter(names = "--force", presentValue = "true", absentValue = "false") boolean force,
                         @Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                         @Descriptor("ADDR: path:target:lun") String address) throws IOException, InterruptedException {
        String id = storport.resolveAdapter(adapter);
        ClassDriverHarness.SrbResult r = storport.miniportIoControl(id, RamdiskIoctl.SIGNATURE, RamdiskIoctl.IOCTL_DETACH,
                (address + (force ? "\nforce" : "")).getBytes(StandardCharsets.UTF_8), 1024);
        String reply = reply(r);
        if (!r.success() || r.scsiStatus() != 0) {
            throw new IllegalArgumentException("ramdisk: cannot detach " + address + ": " + reply
                    + "\nusage: ramdisk:detach [--force] ADAPTER ADDR");
        }
        storport.awaitBusScan();
        return "detached " + address + " from " + id;
    }

    private static String reply(ClassDriverHarness.SrbResult r) {
        return new String(r.data(), 0, Math.max(0, r.dataTransferLength()), StandardCharsets.UTF_8).trim();
    }
}
