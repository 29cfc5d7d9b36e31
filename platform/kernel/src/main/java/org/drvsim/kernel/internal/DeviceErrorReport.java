package org.drvsim.kernel.internal;

import org.drvsim.hw.DeviceErrorListener;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.PnpManager;
import org.drvsim.kernel.Verifier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Turns a programming error a device model detects (a ring outside host memory, a tail past its ring, DMA to freed
 * memory, a malformed descriptor: {@link DeviceErrorListener}) into a verifier violation that blames the driver
 * running the device, as Driver Verifier's DMA verification blames the driver whose DMA it caught
 * (DRIVER_VERIFIER_DMA_VIOLATION, bug check 0xE6). The rule is the device's error name (for example
 * {@code TailPastRing}); the message is the device's sentence. A device no driver runs blames {@code (no driver)}.
 * Called on the thread that detected the error, at its IRQL; the verifier's report is quick and never blocks.
 */
@Component(immediate = true)
public final class DeviceErrorReport implements DeviceErrorListener {
    /** DRIVER_VERIFIER_DMA_VIOLATION. */
    static final int BUG_CHECK = 0xE6;

    private final PnpManager pnp;
    private final Verifier verifier;
    private final AutoCloseable registration;

    @Activate
    public DeviceErrorReport(@Reference HardwareBus bus, @Reference PnpManager pnp, @Reference Verifier verifier) {
        this.pnp = pnp;
        this.verifier = verifier;
        this.registration = bus.addDeviceErrorListener(this);
    }

    @Override
    public void deviceError(SimDevice device, String error, String detail) {
        String driver = pnp.node(device.instanceId()).map(DeviceNode::driverName).filter(d -> !d.isEmpty())
                .orElse("(no driver)");
        verifier.report(error, BUG_CHECK, driver, device.instanceId(), detail);
    }

    @Deactivate
    void deactivate() throws Exception {
        registration.close();
    }
}
