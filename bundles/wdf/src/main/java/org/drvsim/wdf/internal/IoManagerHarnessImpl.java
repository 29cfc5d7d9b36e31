package org.drvsim.wdf.internal;

import org.drvsim.wdf.WdfRequestType;
import java.io.IOException;
import org.drvsim.nt.NtStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.drvsim.wdf.WdfRequest;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link IoManagerHarness}: builds the framework requests an application's ReadFile, WriteFile and
 * DeviceIoControl cause and submits them to the device's default queue, which dispatches them as its
 * configuration says (spec/wdf-lifecycle.md section 4). Waits on the request's completion on the caller's
 * thread.
 */
@Component(service = {IoManagerHarness.class, IoManagerHarnessImpl.class})
public final class IoManagerHarnessImpl implements IoManagerHarness {
    /** How long a request may take before the caller gives up on it. */
    static final long REQUEST_TIMEOUT_SECONDS = 30;
    private final WdfPort wdf;

    @Activate
    public IoManagerHarnessImpl(@Reference WdfPort wdf) {
        this.wdf = wdf;
    }

    /** The short name: the device segment without punctuation and the instance number; the echo device is "echo". */
    static String shortName(String instanceId) {
        String[] p = instanceId.split("\\\\");
        String base = p.length > 1 ? p[1].replaceAll("[^A-Za-z0-9]", "") : p[0];
        String inst = p.length > 2 ? p[2].replaceFirst("^0+(?=.)", "") : "";
        if (base.toUpperCase(Locale.ROOT).startsWith("VEN1414DEVEC40")) {
            base = "echo";
        }
        return (base + inst).toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the devices, if none is named {@code nameOrId} */
    FxDeviceImpl device(String nameOrId) {
        for (FxDeviceImpl d : wdf.devices()) {
            if (d.instanceId().equalsIgnoreCase(nameOrId) || shortName(d.instanceId()).equalsIgnoreCase(nameOrId)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no WDF device '" + nameOrId + "'"
                + (nameOrId.contains("\\") ? "" : " (quote instance IDs: Gogo strips unquoted backslashes)") + "; devices: "
                + wdf.devices().stream().map(d -> shortName(d.instanceId()) + " ('" + d.instanceId() + "')").toList());
    }

    @Override
    public List<DeviceInfo> devices() {
        List<DeviceInfo> out = new ArrayList<>();
        for (FxDeviceImpl d : wdf.devices()) {
            out.add(new DeviceInfo(shortName(d.instanceId()), d.instanceId(), d.drv().name, d.state.name(),
                    d.state == FxDeviceImpl.State.Miniport, d.queues.size(), d.interrupts.size()));
        }
        return out;
    }

    @Override
    public String resolveDevice(String device) {
        return device(device).instanceId();
    }

    @Override
    public DeviceFile open(String device) {
        FxDeviceImpl d = device(device);
        if (d.state == FxDeviceImpl.State.Miniport) {
            throw new IllegalArgumentException("device " + d.instanceId() + " is a miniport device: its port driver, not "
                    + "the framework, takes its I/O");
        }
        FxQueueImpl q = d.queues.stream().filter(x -> x.config.defaultQueue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("device " + d.instanceId() + " has no default queue"));
        return new File(d, q);
    }

    private static void checkLength(String what, long length, long min) {
        if (length < min || length > MAX_TRANSFER) {
            throw new IllegalArgumentException(what + " of " + length + " bytes is not " + min + " to " + MAX_TRANSFER);
        }
    }

    /** A handle from {@link #open}: every request goes to one device's default queue. */
    private static final class File implements DeviceFile {
        private final FxDeviceImpl device;
        private final FxQueueImpl queue;
        private volatile boolean closed;

        File(FxDeviceImpl device, FxQueueImpl queue) {
            this.device = device;
            this.queue = queue;
        }

        @Override
        public String instanceId() {
            return device.instanceId();
        }

        private IoResult send(WdfRequestType type, byte[] in, byte[] out, long length, int ioControlCode)
                throws IOException {
            if (closed) {
                throw new IllegalStateException("the handle to " + device.instanceId() + " is closed");
            }
            if (device.state != FxDeviceImpl.State.Started) {
                throw new IOException("device " + device.instanceId() + " is " + device.state + ", not started");
            }
            FxRequestImpl r = new FxRequestImpl(queue, type, length, in, out, ioControlCode);
            queue.submit(r);
            FxRequestImpl.Completion c;
            try {
                c = r.done.get(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for the " + type + " request on " + device.instanceId(), e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the " + type + " request on " + device.instanceId() + " did not complete within "
                        + REQUEST_TIMEOUT_SECONDS + " s");
            }
            if (device.isolated && c.status() == NtStatus.STATUS_CANCELLED) {
                String routine = switch (type) {
                    case WdfRequestTypeRead -> "EvtIoRead";
                    case WdfRequestTypeWrite -> "EvtIoWrite";
                    case WdfRequestTypeDeviceIoControl -> "EvtIoDeviceControl";
                };
                throw new IOException("the " + type + " request on " + device.instanceId() + " was cancelled: "
                        + device.drv().name + " was isolated by the watchdog (CallbackHung) while its " + routine
                        + " or another routine did not return");
            }
            long info = Math.max(0, Math.min(c.information(), out.length));
            return new IoResult(c.status(), c.information(), out.length == 0 ? new byte[0] : Arrays.copyOf(out, (int) info));
        }

        @Override
        public IoResult read(int length) throws IOException {
            checkLength("a read", length, 1);
            return send(WdfRequestType.WdfRequestTypeRead, new byte[0], new byte[length], length, 0);
        }

        @Override
        public IoResult write(byte[] data) throws IOException {
            checkLength("a write", data.length, 1);
            return send(WdfRequestType.WdfRequestTypeWrite, data.clone(), new byte[0], data.length, 0);
        }

        @Override
        public IoResult deviceIoControl(int ioControlCode, byte[] input, int outputLength) throws IOException {
            checkLength("an input buffer", input.length, 0);
            checkLength("an output buffer", outputLength, 0);
            return send(WdfRequestType.WdfRequestTypeDeviceIoControl, input.clone(), new byte[outputLength], 0,
                    ioControlCode);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
