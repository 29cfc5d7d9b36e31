package org.drvsim.storport.internal;

import static org.drvsim.kernel.console.Table.column;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.TargetFile;
import org.drvsim.kernel.console.Table;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code storport:} Gogo commands, a class driver at the shell: list adapters and logical units,
 * INQUIRY, READ and WRITE blocks, import a file onto a LUN and export a LUN into a file, always through
 * READ/WRITE SRBs of at most the adapter's maximum transfer length. ADAPTER is the adapter's device
 * instance ID (single-quoted) or its short name; ADDR is {@code path:target:lun}.
 */
@Component(service = StorportCommands.class, property = {
        "osgi.command.scope=storport",
        "osgi.command.function=adapters", "osgi.command.function=luns", "osgi.command.function=inquiry",
        "osgi.command.function=read", "osgi.command.function=write", "osgi.command.function=import",
        "osgi.command.function=export"})
public final class StorportCommands {
    private final ClassDriverHarness disk;

    @Activate
    public StorportCommands(@Reference ClassDriverHarness disk) {
        this.disk = disk;
    }

    @Descriptor("lists the Storport adapters: short name, instance ID, state, bus geometry, maximum transfer, "
            + "outstanding requests, logical units")
    public String adapters(@Descriptor("show everything: every value uncut")
                           @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                           boolean wide) {
        Table t = new Table(column("NAME").uncut(), column("INSTANCE ID").uncut(), column("STATE").uncut(),
                column("BUSES").alignRight(), column("TARGETS").alignRight(), column("LUNS/TARGET").alignRight(),
                column("MAX TRANSFER").alignRight(), column("OUTSTANDING").alignRight(), column("LOGICAL UNITS"));
        for (ClassDriverHarness.AdapterInfo a : disk.adapters()) {
            t.add(a.name(), a.instanceId(), a.state(), a.numberOfBuses(), a.maximumNumberOfTargets(),
                    a.maximumNumberOfLogicalUnits(), a.maximumTransferLength(), a.outstandingRequests(),
                    String.join(", ", a.logicalUnits()));
        }
        return t.format(wide);
    }

    @Descriptor("lists the logical units: adapter, address, vendor and product (INQUIRY), capacity (READ CAPACITY), "
            + "block size, read-only (MODE SENSE)")
    public String luns(@Descriptor("show everything: every value uncut")
                       @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide)
            throws IOException {
        Table t = new Table(column("ADAPTER").uncut(), column("ADDRESS").uncut(), column("VENDOR"), column("PRODUCT"),
                column("BLOCKS").alignRight(), column("BLOCK SIZE").alignRight(), column("CAPACITY").alignRight(),
                column("ACCESS"));
        for (ClassDriverHarness.LunInfo l : disk.luns()) {
            long[] cap = disk.readCapacity(l.adapter(), l.address());
            t.add(l.adapter(), l.address(), l.vendor(), l.product(), cap[0], cap[1],
                    String.format(Locale.ROOT, "%.1f MiB", cap[0] * cap[1] / 1048576.0),
                    disk.writeProtected(l.adapter(), l.address()) ? "read-only" : "read-write");
        }
        return t.format(wide);
    }

    @Descriptor("sends INQUIRY and prints the data (standard, or a VPD page with --vpd)")
    public String inquiry(@Descriptor("VPD page, decimal or 0x-hex (0x00, 0x80, 0x83)") @Parameter(names = "--vpd",
                                  absentValue = "") String vpd,
                          @Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                          @Descriptor("ADDR: path:target:lun") String address) throws IOException {
        Integer page = null;
        if (!vpd.isEmpty()) {
            try {
                page = vpd.toLowerCase().startsWith("0x") ? Integer.parseInt(vpd.substring(2), 16) : Integer.parseInt(vpd);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + vpd + "' is not a VPD page\nusage: storport:inquiry ADAPTER ADDR [--vpd PAGE]");
            }
        }
        byte[] d = disk.inquiry(adapter, address, page);
        StringBuilder b = new StringBuilder();
        if (page == null && d.length >= 32) {
            b.append(String.format("peripheral device type %d, version 0x%02X, vendor '%s', product '%s', revision '%s'%n",
                    d[0] & 0x1F, d[2] & 0xFF, new String(d, 8, 8).trim(), new String(d, 16, 16).trim(),
                    new String(d, 32, Math.min(4, d.length - 32)).trim()));
        }
        return b.append(hexDump(d, 0)).toString();
    }

    @Descriptor("reads blocks with READ SRBs and prints a hex dump")
    public String read(@Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                       @Descriptor("ADDR: path:target:lun") String address,
                       @Descriptor("first logical block address") long lba,
                       @Descriptor("number of blocks") int blocks) throws IOException {
        if (blocks <= 0 || blocks > 4096) {
            throw new IllegalArgumentException("BLOCKS must be 1..4096\nusage: storport:read ADAPTER ADDR LBA BLOCKS");
        }
        if (lba < 0) {
            throw new IllegalArgumentException("LBA " + lba + " is negative\nusage: storport:read ADAPTER ADDR LBA BLOCKS");
        }
        long blockSize = disk.readCapacity(adapter, address)[1];
        return hexDump(disk.read(adapter, address, lba, blocks), lba * blockSize);
    }

    @Descriptor("writes a file's bytes (a whole number of blocks) from LBA with WRITE SRBs")
    public String write(@Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                        @Descriptor("ADDR: path:target:lun") String address,
                        @Descriptor("first logical block address") long lba,
                        @Descriptor("file to write") String file) throws IOException {
        String usage = "\nusage: storport:write ADAPTER ADDR LBA FILE";
        if (lba < 0) {
            throw new IllegalArgumentException("LBA " + lba + " is negative" + usage);
        }
        byte[] data = readFile(file, usage.substring("\nusage: ".length()));
        long start = System.nanoTime();
        disk.write(adapter, address, lba, data);
        return String.format("wrote %d bytes at LBA %d in %.1f ms", data.length, lba, (System.nanoTime() - start) / 1e6);
    }

    @Descriptor("writes a whole file to the logical unit from LBA 0 (the last block zero-padded) with WRITE SRBs")
    public String _import(@Descriptor("file to import") String file, // Gogo maps "import" (a Java keyword) to _import
                             @Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                             @Descriptor("ADDR: path:target:lun") String address) throws IOException {
        long[] cap = disk.readCapacity(adapter, address);
        Path p = org.drvsim.kernel.SourceFile.check(file, "file", "storport:import FILE ADAPTER ADDR");
        long size = Files.size(p);
        if (size > cap[0] * cap[1]) {
            throw new IllegalArgumentException("file " + file + " is " + size + " bytes; logical unit " + address
                    + " holds " + cap[0] * cap[1]);
        }
        long start = System.nanoTime();
        long blocks = 0;
        int chunk = (int) (cap[1] * Math.max(1, (8L << 20) / cap[1]));
        try (var in = Files.newInputStream(p)) {
            long lba = 0;
            byte[] buf;
            while ((buf = in.readNBytes(chunk)).length > 0) {
                int whole = (int) ((buf.length + cap[1] - 1) / cap[1] * cap[1]);
                byte[] padded = java.util.Arrays.copyOf(buf, whole);
                disk.write(adapter, address, lba, padded);
                lba += whole / cap[1];
                blocks += whole / cap[1];
            }
        }
        return String.format("imported %s: %d blocks of %d bytes moved in %.1f ms", file, blocks, cap[1],
                (System.nanoTime() - start) / 1e6);
    }

    @Descriptor("reads the logical unit (or its first N blocks) into a file with READ SRBs")
    public String export(@Descriptor("only the first N blocks") @Parameter(names = "--blocks", absentValue = "-1") long limit,
                         @Descriptor("ADAPTER: instance ID (quoted) or short name") String adapter,
                         @Descriptor("ADDR: path:target:lun") String address,
                         @Descriptor("file to write") String file) throws IOException {
        String usage = "\nusage: storport:export ADAPTER ADDR FILE [--blocks N]";
        if (limit == 0 || limit < -1) {
            throw new IllegalArgumentException("--blocks " + limit + " is not a positive number of blocks" + usage);
        }
        long[] cap = disk.readCapacity(adapter, address);
        if (limit > cap[0]) {
            throw new IllegalArgumentException("--blocks " + limit + " is more than logical unit " + address + " holds ("
                    + cap[0] + " blocks)" + usage);
        }
        long total = limit < 0 ? cap[0] : limit;
        long start = System.nanoTime();
        int per = (int) Math.max(1, (8L << 20) / cap[1]);
        // written beside the target and renamed onto it when complete: a failure leaves the target as it was
        try (TargetFile out = TargetFile.open(Path.of(file))) {
            for (long lba = 0; lba < total; ) {
                int n = (int) Math.min(per, total - lba);
                out.out().write(disk.read(adapter, address, lba, n));
                lba += n;
            }
            out.commit();
        } catch (IOException e) {
            throw new IOException("export of " + address + " to " + file + " failed, " + file + " is unchanged: "
                    + e.getMessage(), e);
        }
        return String.format("exported %d blocks of %d bytes to %s in %.1f ms", total, cap[1], file,
                (System.nanoTime() - start) / 1e6);
    }

    private static byte[] readFile(String file, String usage) throws IOException {
        return Files.readAllBytes(org.drvsim.kernel.SourceFile.check(file, "file", usage));
    }

    static String hexDump(byte[] d, long baseOffset) {
        StringBuilder b = new StringBuilder();
        HexFormat hex = HexFormat.ofDelimiter(" ");
        for (int off = 0; off < d.length; off += 16) {
            int n = Math.min(16, d.length - off);
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int c = d[off + i] & 0xFF;
                ascii.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
            }
            b.append(String.format("%08x  %-47s  %s%n", baseOffset + off, hex.formatHex(d, off, off + n), ascii));
        }
        return b.toString();
    }
}
