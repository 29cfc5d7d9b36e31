package org.drvsim.wdf.internal;

import static org.drvsim.kernel.console.Table.column;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.TargetFile;
import org.drvsim.kernel.console.Table;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code wdf:} Gogo commands: framework devices, their object trees and queues, and a file written to
 * or read from a device as I/O requests on its default queue (what an application's WriteFile/ReadFile would
 * send), each no larger than {@link #MAX_TRANSFER}. DEVICE is the device instance ID (single-quoted) or the
 * short name {@code wdf:devices} prints.
 */
@Component(service = WdfCommands.class, property = {
        "osgi.command.scope=wdf", "osgi.command.function=devices", "osgi.command.function=objects",
        "osgi.command.function=queues", "osgi.command.function=write", "osgi.command.function=read"})
public final class WdfCommands {
    /** The largest request the commands send: 64 KiB. */
    static final int MAX_TRANSFER = 64 * 1024;
    private final IoManagerHarnessImpl io;

    @Activate
    public WdfCommands(@Reference IoManagerHarnessImpl io) {
        this.io = io;
    }

    private FxDeviceImpl device(String nameOrId, String usage) {
        try {
            return io.device(nameOrId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\nusage: " + usage);
        }
    }

    @Descriptor("lists the framework devices: short name, instance ID, driver, state, queues and interrupts")
    public String devices(@Descriptor("show everything: the drivers' versions, every value uncut")
                          @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false")
                          boolean wide) {
        Table t = new Table(column("NAME").uncut(), column("INSTANCE ID").uncut(), column("DRIVER"),
                column("STATE").uncut(), column("QUEUES").alignRight(), column("INTERRUPTS").alignRight());
        for (IoManagerHarness.DeviceInfo d : io.devices()) {
            int slash = d.driver().indexOf('/');
            t.add(d.name(), d.instanceId(), wide || slash < 0 ? d.driver() : d.driver().substring(0, slash), d.state(),
                    d.queues(), d.interrupts());
        }
        return t.format(wide);
    }

    @Descriptor("prints the device's object tree from its WDFDRIVER: type, handle, reference count")
    public String objects(@Descriptor("DEVICE: instance ID (quoted) or short name") String device) {
        FxDeviceImpl d = device(device, "wdf:objects DEVICE");
        StringBuilder b = new StringBuilder();
        tree(d.drv(), 0, b);
        return b.toString();
    }

    private static void tree(FxObject o, int depth, StringBuilder b) {
        b.append("  ".repeat(depth)).append(o.label()).append("  refs=").append(o.referenceCount())
                .append(o.deleted() ? "  (deleted)" : "").append(System.lineSeparator());
        for (FxObject c : o.childrenSnapshot()) {
            if (!(c instanceof FxRequestImpl)) {
                tree(c, depth + 1, b);
            }
        }
    }

    @Descriptor("lists the device's queues: dispatch type, power-managed, default, requests waiting and with the driver")
    public String queues(@Descriptor("show everything: every value uncut")
                         @Parameter(names = {"-v", "--wide"}, presentValue = "true", absentValue = "false") boolean wide,
                         @Descriptor("DEVICE: instance ID (quoted) or short name") String device) {
        FxDeviceImpl d = device(device, "wdf:queues [-v] DEVICE");
        Table t = new Table(column("QUEUE").uncut(), column("DISPATCH TYPE"), column("POWER MANAGED"),
                column("DEFAULT"), column("WAITING").alignRight(), column("IN DRIVER").alignRight());
        for (FxQueueImpl q : d.queues) {
            t.add(q.label(), q.config.dispatchType, q.config.powerManaged, q.config.defaultQueue, q.waitingCount(),
                    q.inDriverCount());
        }
        return t.format(wide);
    }

    @Descriptor("writes a file to the device as write requests of at most 64 KiB; prints bytes and requests")
    public String write(@Descriptor("DEVICE: instance ID (quoted) or short name") String device,
                        @Descriptor("file to write") String file) throws IOException {
        String usage = "wdf:write DEVICE FILE";
        String id = device(device, usage).instanceId();
        byte[] data = Files.readAllBytes(org.drvsim.kernel.SourceFile.check(file, "file", usage));
        if (data.length == 0) {
            throw new IllegalArgumentException("file " + file + " is empty: nothing to write\nusage: " + usage);
        }
        long start = System.nanoTime();
        int requests = 0;
        try (IoManagerHarness.DeviceFile f = io.open(id)) {
            for (int off = 0; off < data.length; off += MAX_TRANSFER) {
                byte[] chunk = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + MAX_TRANSFER));
                IoManagerHarness.IoResult c = f.write(chunk);
                requests++;
                if (!c.status().isSuccess()) {
                    throw new IllegalStateException("write request " + requests + " at byte " + off + " of " + file
                            + " failed: " + c.status() + (c.status() == NtStatus.STATUS_INSUFFICIENT_RESOURCES
                            ? " (the device buffer is full: the file is larger than the device holds)" : "")
                            + "; the device took the first " + off + " of " + data.length + " bytes and none after them");
                }
            }
        }
        return String.format("wrote %d bytes in %d request(s) in %.1f ms", data.length, requests, (System.nanoTime() - start) / 1e6);
    }

    @Descriptor("reads from the device into a file with read requests of at most 64 KiB, until the device has no more "
            + "(or --bytes N have been read)")
    public String read(@Descriptor("read at most N bytes") @Parameter(names = "--bytes", absentValue = "-1") long limit,
                       @Descriptor("DEVICE: instance ID (quoted) or short name") String device,
                       @Descriptor("file to write") String file) throws IOException {
        String usage = "wdf:read DEVICE FILE [--bytes N]";
        if (limit == 0 || limit < -1) {
            throw new IllegalArgumentException("--bytes " + limit + " is not a positive number of bytes\nusage: " + usage);
        }
        String id = device(device, usage).instanceId();
        long start = System.nanoTime();
        int requests = 0;
        long total = 0;
        // written beside the target and renamed onto it when complete: a failed read leaves the target as it was
        try (TargetFile target = TargetFile.open(Path.of(file)); IoManagerHarness.DeviceFile f = io.open(id)) {
            java.io.OutputStream out = target.out();
            while (limit < 0 || total < limit) {
                int want = (int) (limit < 0 ? MAX_TRANSFER : Math.min(MAX_TRANSFER, limit - total));
                IoManagerHarness.IoResult c = f.read(want);
                requests++;
                if (!c.status().isSuccess()) {
                    throw new IllegalStateException("read request " + requests + " failed: " + c.status());
                }
                if (c.information() == 0) {
                    break;
                }
                out.write(c.data());
                total += c.information();
            }
            target.commit();
        }
        return String.format("read %d bytes in %d request(s) into %s in %.1f ms", total, requests, file,
                (System.nanoTime() - start) / 1e6);
    }
}
