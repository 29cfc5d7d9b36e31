package org.drvsim.hw.internal;

import java.util.Objects;
import java.util.Optional;
import org.drvsim.hw.HostBridge;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;
import org.drvsim.hw.SimDevice;
import org.osgi.service.component.annotations.Component;

/** The host bridge over the devices of this bundle's bus. */
@Component(service = HostBridge.class)
public final class SimHostBridge implements HostBridge {
    private static SimDeviceImpl of(SimDevice device) {
        if (device instanceof SimDeviceImpl d) {
            return d;
        }
        throw new IllegalArgumentException(Objects.requireNonNull(device, "device") + " is not a device of this bus");
    }

    @Override
    public Optional<MmioRegion> mmio(SimDevice device, int bar) {
        return of(device).mmio(bar);
    }

    @Override
    public AutoCloseable connectInterrupt(SimDevice device, InterruptSink sink) {
        Objects.requireNonNull(sink, "sink");
        return of(device).connectInterrupt(sink);
    }
}
