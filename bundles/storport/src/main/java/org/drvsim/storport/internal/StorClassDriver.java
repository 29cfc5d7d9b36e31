package org.drvsim.storport.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.drvsim.kernel.Scheduler;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.StorageRequestBlock;
import org.drvsim.storport.harness.ClassDriverHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The class-driver harness: what disk.sys would send to the logical units storport.sys found. Requests go
 * through {@link StorAdapter#submit} like any other; nothing reaches a backing store by a side door.
 */
@Component(service = ClassDriverHarness.class)
public final class StorClassDriver implements ClassDriverHarness {
    /** TimeOutValue of the harness's requests, in seconds. */
    static final int TIMEOUT_SECONDS = 30;

    private final StorPort storport;
    private final Scheduler scheduler;

    @Activate
    public StorClassDriver(@Reference StorPort storport, @Reference Scheduler scheduler) {
        this.storport = storport;
        this.scheduler = scheduler;
    }

    /** Short name of an adapter: the second instance-ID segment and the instance number, e.g. ramdisk0. */
    static String shortName(String instanceId) {
        String[] parts = instanceId.split("\\\\");
        String base = parts.length > 1 ? parts[1] : parts[0];
        String inst = parts.length > 2 ? parts[2].replaceFirst("^0+(?=.)", "") : "";
        return (base + inst).toLowerCase(Locale.ROOT);
    }

    @Override
    public List<AdapterInfo> adapters() {
        List<AdapterInfo> out = new ArrayList<>();
        for (StorAdapter a : storport.adapters()) {
            var c = a.config();
            out.add(new AdapterInfo(shortName(a.instanceId()), a.instanceId(), a.state().name(),
                    c == null ? 0 : c.numberOfBuses, c == null ? 0 : c.maximumNumberOfTargets,
                    c == null ? 0 : c.maximumNumberOfLogicalUnits, c == null ? 0 : c.maximumTransferLength,
                    a.outstandingCount(), a.luns().stream().map(StorAdapter.Lun::address).toList()));
        }
        return out;
    }

    @Override
    public List<LunInfo> luns() {
        List<LunInfo> out = new ArrayList<>();
        for (StorAdapter a : storport.adapters()) {
            for (StorAdapter.Lun l : a.luns()) {
                out.add(new LunInfo(a.instanceId(), l.address(), l.vendor(), l.product()));
            }
        }
        return out;
    }

    private StorAdapter adapter(String nameOrId) {
        var exact = storport.adapter(nameOrId);
        if (exact.isPresent()) {
            return exact.get();
        }
        for (StorAdapter a : storport.adapters()) {
            if (a.instanceId().equalsIgnoreCase(nameOrId) || shortName(a.instanceId()).equalsIgnoreCase(nameOrId)) {
                return a;
            }
        }
        String hint = nameOrId.contains("\\") ? "" : " (quote instance IDs: Gogo strips unquoted backslashes)";
        throw new IllegalArgumentException("no Storport adapter '" + nameOrId + "'" + hint + "; adapters: "
                + storport.adapters().stream().map(a -> shortName(a.instanceId()) + " ('" + a.instanceId() + "')").toList());
    }

    @Override
    public String resolveAdapter(String adapter) {
        return adapter(adapter).instanceId();
    }

    static int[] parseAddress(String address) {
        String[] p = address.split(":");
        if (p.length != 3) {
            throw new IllegalArgumentException("'" + address + "' is not a SCSI address path:target:lun, for example 0:0:0");
        }
        try {
            int[] v = {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
            for (int x : v) {
                if (x < 0 || x > 255) {
                    throw new NumberFormatException();
                }
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' is not a SCSI address path:target:lun of numbers 0..255");
        }
    }

    private StorAdapter lunOwner(String adapter, String address) {
        StorAdapter a = adapter(adapter);
        if (!a.hasLun(address)) {
            parseAddress(address); // a malformed address gets its own message
            throw new IllegalArgumentException("adapter " + a.instanceId() + " has no logical unit " + address + "; units: "
                    + a.luns().stream().map(StorAdapter.Lun::address).toList());
        }
        return a;
    }

    private static SrbResult result(StorageRequestBlock srb) {
        boolean sense = (srb.srbStatus & SrbStatus.SRB_STATUS_AUTOSENSE_VALID) != 0;
        return new SrbResult(srb.srbStatus, srb.scsiStatus, sense ? srb.senseInfoBuffer().clone() : new byte[0],
                srb.dataTransferLength, srb.dataBuffer());
    }

    /**
     * The class driver's own threads: an SRB is handed to the miniport (HwStorStartIo) there while the caller waits,
     * so that a miniport that never returns leaves the caller free once the watchdog has isolated it.
     */
    private final java.util.concurrent.ExecutorService classThreads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "drvsim-class-driver");
        t.setDaemon(true);
        return t;
    });

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        classThreads.shutdown();
    }

    /** Submits on a class-driver thread and waits for the completion, or for the isolation of the driver. */
    private StorageRequestBlock submitAndAwait(StorAdapter a, StorageRequestBlock srb, java.util.function.Supplier<String> what)
            throws IOException {
        CompletableFuture<StorageRequestBlock> f = CompletableFuture.supplyAsync(() -> a.submit(srb, false), classThreads)
                .thenCompose(x -> x);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (a.isolated()) {
                    throw new IOException(what.get() + " on " + a.instanceId() + " did not complete: the watchdog isolated "
                            + "the driver " + a.driver.name + " (CallbackHung)");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(what.get() + " did not complete within " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(what.get() + " interrupted");
            } catch (Exception e) {
                throw new IOException(what.get() + " failed: " + e, e);
            }
        }
    }

    @Override
    public SrbResult executeScsi(String adapter, String address, byte[] cdb, byte[] data, boolean dataIn,
                                 int dataTransferLength) throws IOException {
        StorAdapter a = lunOwner(adapter, address);
        int[] btl = parseAddress(address);
        int flags = data == null ? 0 : dataIn ? StorageRequestBlock.SRB_FLAGS_DATA_IN : StorageRequestBlock.SRB_FLAGS_DATA_OUT;
        StorageRequestBlock srb = StorageRequestBlock.executeScsi(btl[0], btl[1], btl[2], cdb, flags, data,
                dataTransferLength, TIMEOUT_SECONDS);
        return result(submitAndAwait(a, srb, () -> ScsiOp.name(cdb) + " to " + address));
    }

    @Override
    public SrbResult miniportIoControl(String adapter, String signature, int controlCode, byte[] input, int outputLength)
            throws IOException {
        StorAdapter a = adapter(adapter);
        byte[] buffer = new byte[Math.max(input.length, outputLength)];
        System.arraycopy(input, 0, buffer, 0, input.length);
        StorageRequestBlock srb = StorageRequestBlock.ioControl(signature, controlCode, buffer, buffer.length);
        StorageRequestBlock done = submitAndAwait(a, srb, () -> "IOCTL_SCSI_MINIPORT " + signature + " " + controlCode);
        return new SrbResult(done.srbStatus, done.ioControlReturnCode, new byte[0], done.dataTransferLength, done.dataBuffer());
    }

    @Override
    public void awaitBusScan() throws InterruptedException {
        try {
            scheduler.callPnp("wait for bus scans", () -> null);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] checked(SrbResult r, String what) throws IOException {
        if (!r.success()) {
            throw new IOException(what + " failed: " + r.describe());
        }
        return r.data();
    }

    @Override
    public byte[] inquiry(String adapter, String address, Integer vpdPage) throws IOException {
        int alloc = 255;
        byte[] cdb = {(byte) ScsiOp.SCSIOP_INQUIRY, (byte) (vpdPage == null ? 0 : 1), (byte) (vpdPage == null ? 0 : vpdPage),
                0, (byte) alloc, 0};
        SrbResult r = executeScsi(adapter, address, cdb, new byte[alloc], true, alloc);
        byte[] d = checked(r, "INQUIRY" + (vpdPage == null ? "" : String.format(" VPD page 0x%02X", vpdPage)) + " to " + address);
        return java.util.Arrays.copyOf(d, r.dataTransferLength());
    }

    @Override
    public long[] readCapacity(String adapter, String address) throws IOException {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) ScsiOp.SCSIOP_READ_CAPACITY;
        byte[] d = checked(executeScsi(adapter, address, cdb, new byte[8], true, 8), "READ CAPACITY(10) to " + address);
        long last = StorAdapter.getBe32(d, 0) & 0xFFFF_FFFFL;
        int blockSize = StorAdapter.getBe32(d, 4);
        if (last == 0xFFFF_FFFFL) {
            byte[] cdb16 = new byte[16];
            cdb16[0] = (byte) ScsiOp.SCSIOP_SERVICE_ACTION_IN16;
            cdb16[1] = (byte) ScsiOp.SERVICE_ACTION_READ_CAPACITY16;
            StorAdapter.putBe32(cdb16, 10, 32);
            byte[] d16 = checked(executeScsi(adapter, address, cdb16, new byte[32], true, 32), "READ CAPACITY(16) to " + address);
            last = ((long) StorAdapter.getBe32(d16, 0) << 32) | (StorAdapter.getBe32(d16, 4) & 0xFFFF_FFFFL);
            blockSize = StorAdapter.getBe32(d16, 8);
        }
        return new long[] {last + 1, blockSize};
    }

    @Override
    public boolean writeProtected(String adapter, String address) throws IOException {
        byte[] cdb = {(byte) ScsiOp.SCSIOP_MODE_SENSE, 0x08, 0x3F, 0, (byte) 192, 0};
        byte[] d = checked(executeScsi(adapter, address, cdb, new byte[192], true, 192), "MODE SENSE(6) to " + address);
        return (d[2] & 0x80) != 0;
    }

    private int maxBlocksPerRequest(String adapter, int blockSize) {
        int max = adapter(adapter).config().maximumTransferLength;
        return Math.max(1, max / blockSize);
    }

    private static byte[] rwCdb(boolean write, long lba, int blocks) {
        if (lba + blocks <= 0xFFFF_FFFFL && blocks <= 0xFFFF) {
            byte[] cdb = new byte[10];
            cdb[0] = (byte) (write ? ScsiOp.SCSIOP_WRITE : ScsiOp.SCSIOP_READ);
            StorAdapter.putBe32(cdb, 2, (int) lba);
            cdb[7] = (byte) (blocks >>> 8);
            cdb[8] = (byte) blocks;
            return cdb;
        }
        byte[] cdb = new byte[16];
        cdb[0] = (byte) (write ? ScsiOp.SCSIOP_WRITE16 : ScsiOp.SCSIOP_READ16);
        StorAdapter.putBe32(cdb, 2, (int) (lba >>> 32));
        StorAdapter.putBe32(cdb, 6, (int) lba);
        StorAdapter.putBe32(cdb, 10, blocks);
        return cdb;
    }

    /**
     * Checks a transfer against the logical unit before any request is built: nothing is read or written when
     * the range is wrong.
     *
     * @return {block count, block size}
     * @throws IllegalArgumentException naming the range and the unit's capacity
     */
    private long[] checkRange(String adapter, String address, long lba, long blocks) throws IOException {
        if (lba < 0) {
            throw new IllegalArgumentException("LBA " + lba + " is negative");
        }
        if (blocks <= 0) {
            throw new IllegalArgumentException(blocks + " blocks is not a positive number of blocks");
        }
        long[] cap = readCapacity(adapter, address);
        if (lba > cap[0] - blocks) {
            throw new IllegalArgumentException("blocks " + lba + " to " + (lba + blocks - 1) + " are past the end of logical "
                    + "unit " + address + ", which has " + cap[0] + " blocks of " + cap[1] + " bytes; nothing was transferred");
        }
        return cap;
    }

    @Override
    public byte[] read(String adapter, String address, long lba, int blocks) throws IOException {
        int blockSize = (int) checkRange(adapter, address, lba, blocks)[1];
        byte[] out = new byte[Math.multiplyExact(blocks, blockSize)];
        int per = maxBlocksPerRequest(adapter, blockSize);
        for (int done = 0; done < blocks; ) {
            int n = Math.min(per, blocks - done);
            byte[] buf = new byte[n * blockSize];
            SrbResult r = executeScsi(adapter, address, rwCdb(false, lba + done, n), buf, true, buf.length);
            checked(r, "READ of " + n + " block(s) at LBA " + (lba + done) + " from " + address);
            System.arraycopy(buf, 0, out, done * blockSize, buf.length);
            done += n;
        }
        return out;
    }

    @Override
    public void write(String adapter, String address, long lba, byte[] data) throws IOException {
        int blockSize = (int) readCapacity(adapter, address)[1];
        if (data.length == 0 || data.length % blockSize != 0) {
            throw new IllegalArgumentException(data.length + " bytes is not a whole, positive number of " + blockSize
                    + "-byte blocks; nothing was written");
        }
        int blocks = data.length / blockSize;
        checkRange(adapter, address, lba, blocks);
        int per = maxBlocksPerRequest(adapter, blockSize);
        for (int done = 0; done < blocks; ) {
            int n = Math.min(per, blocks - done);
            byte[] buf = java.util.Arrays.copyOfRange(data, done * blockSize, (done + n) * blockSize);
            SrbResult r = executeScsi(adapter, address, rwCdb(true, lba + done, n), buf, false, buf.length);
            checked(r, "WRITE of " + n + " block(s) at LBA " + (lba + done) + " to " + address);
            done += n;
        }
    }
}
