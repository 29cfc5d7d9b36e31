package org.drvsim.wdf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.drvsim.kernel.NtStatus;
import org.drvsim.wdf.WdfRequest;
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
    /** The largest request the simulated I/O manager sends: 64 KiB. */
    static final int MAX_TRANSFER = 64 * 1024;
    private final WdfPort wdf;

    @Activate
    public WdfCommands(@Reference WdfPort wdf) {
        this.wdf = wdf;
    }

    static String shortName(String instanceId) {
        String[] p = instanceId.split("\\\\");
        String base = p.length > 1 ? p[1].replaceAll("[^A-Za-z0-9]", "") : p[0];
        String inst = p.length > 2 ? p[2].replaceFirst("^0+(?=.)", "") : "";
        if (base.toUpperCase(Locale.ROOT).startsWith("VEN1414DEVEC40")) {
            base = "echo";
        }
        return (base + inst).toLowerCase(Locale.ROOT);
    }

    private FxDeviceImpl device(String nameOrId, String usage) {
        for (FxDeviceImpl d : wdf.devices()) {
            if (d.instanceId().equalsIgnoreCase(nameOrId) || shortName(d.instanceId()).equalsIgnoreCase(nameOrId)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no WDF device '" + nameOrId + "'"
                + (nameOrId.contains("\\") ? "" : " (quote instance IDs: Gogo strips unquoted backslashes)") + "; devices: "
                + wdf.devices().stream().map(d -> shortName(d.instanceId()) + " ('" + d.instanceId() + "')").toList()
                + "\nusage: " + usage);
    }

    @Descriptor("lists the framework devices: short name, instance ID, driver, state, queues and interrupts")
    public List<String> devices() {
        List<String> out = new ArrayList<>();
        for (FxDeviceImpl d : wdf.devices()) {
            out.add(String.format("%-8s %-28s %-44s %-8s queues=%d interrupts=%d", shortName(d.instanceId()),
                    d.instanceId(), d.drv().name, d.state, d.queues.size(), d.interrupts.size()));
        }
        return out;
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

    @Descriptor("lists the device's queues: dispatch type, power-managed, requests waiting and with the driver")
    public List<String> queues(@Descriptor("DEVICE: instance ID (quoted) or short name") String device) {
        FxDeviceImpl d = device(device, "wdf:queues DEVICE");
        List<String> out = new ArrayList<>();
        for (FxQueueImpl q : d.queues) {
            out.add(String.format("%-12s %-28s powerManaged=%s default=%s waiting=%d inDriver=%d", q.label(),
                    q.config.dispatchType, q.config.powerManaged, q.config.defaultQueue, q.waitingCount(), q.inDriverCount()));
        }
        return out;
    }

    private static FxQueueImpl defaultQueue(FxDeviceImpl d) {
        return d.queues.stream().filter(q -> q.config.defaultQueue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("device " + d.instanceId() + " has no default queue"));
    }

    private static FxRequestImpl.Completion send(FxQueueImpl q, WdfRequest.Type type, byte[] in, byte[] out, long length)
            throws IOException {
        FxRequestImpl r = new FxRequestImpl(q, type, length, in, out);
        q.submit(r);
        try {
            return r.done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the " + type + " request on " + q.device.instanceId() + " did not complete: " + e);
        }
    }

    @Descriptor("writes a file to the device as write requests of at most 64 KiB; prints bytes and requests")
    public String write(@Descriptor("DEVICE: instance ID (quoted) or short name") String device,
                        @Descriptor("file to write") String file) throws IOException {
        String usage = "wdf:write DEVICE FILE";
        FxDeviceImpl d = device(device, usage);
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("file " + file + " does not exist\nusage: " + usage);
        }
        byte[] data = Files.readAllBytes(p);
        if (data.length == 0) {
            throw new IllegalArgumentException("file " + file + " is empty: nothing to write\nusage: " + usage);
        }
        FxQueueImpl q = defaultQueue(d);
        long start = System.nanoTime();
        int requests = 0;
        for (int off = 0; off < data.length; off += MAX_TRANSFER) {
            byte[] chunk = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + MAX_TRANSFER));
            FxRequestImpl.Completion c = send(q, WdfRequest.Type.WdfRequestTypeWrite, chunk, new byte[0], chunk.length);
            requests++;
            if (!c.status().isSuccess()) {
                throw new IllegalStateException("write request " + requests + " at byte " + off + " of " + file + " failed: "
                        + c.status() + (c.status() == NtStatus.STATUS_INSUFFICIENT_RESOURCES
                        ? " (the device buffer is full: the file is larger than the device holds)" : ""));
            }
        }
        return String.format("wrote %d bytes in %d request(s) in %.1f ms", data.length, requests, (System.nanoTime() - start) / 1e6);
    }

    @Descriptor("reads from the device into a file with read requests of at most 64 KiB, until the device has no more "
            + "(or --bytes N have been read)")
    public String read(@Descriptor("read at most N bytes") @Parameter(names = "--bytes", absentValue = "-1") long limit,
                       @Descriptor("DEVICE: instance ID (quoted) or short name") String device,
                       @Descriptor("file to write") String file) throws IOException {
        FxDeviceImpl d = device(device, "wdf:read DEVICE FILE [--bytes N]");
        FxQueueImpl q = defaultQueue(d);
        long start = System.nanoTime();
        int requests = 0;
        long total = 0;
        try (var out = Files.newOutputStream(Path.of(file))) {
            while (limit < 0 || total < limit) {
                int want = (int) (limit < 0 ? MAX_TRANSFER : Math.min(MAX_TRANSFER, limit - total));
                byte[] buf = new byte[want];
                FxRequestImpl.Completion c = send(q, WdfRequest.Type.WdfRequestTypeRead, new byte[0], buf, want);
                requests++;
                if (!c.status().isSuccess()) {
                    throw new IllegalStateException("read request " + requests + " failed: " + c.status());
                }
                if (c.information() == 0) {
                    break;
                }
                out.write(buf, 0, (int) c.information());
                total += c.information();
            }
        }
        return String.format("read %d bytes in %d request(s) into %s in %.1f ms", total, requests, file,
                (System.nanoTime() - start) / 1e6);
    }
}
