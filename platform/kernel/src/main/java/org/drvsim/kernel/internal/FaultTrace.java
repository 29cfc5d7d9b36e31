package org.drvsim.kernel.internal;

import org.drvsim.hw.FaultListener;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.Trace;
import org.drvsim.kernel.TraceEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Records each injected hardware fault in the trace, as a {@link TraceEvent.Kind#PNP} event named
 * {@value #EVENT} (the trace marks it with {@code *}) with the arguments {@code fault}, {@code device} and
 * {@code firing} (how many times the rule has fired, this one included). A driver's misbehaviour after it then
 * reads as the consequence it is. The event has no driver: the hardware, not a driver, did it. It is recorded on
 * the thread whose operation the fault hit (a driver thread for a register access, the device thread for a
 * transfer or an interrupt), at that thread's IRQL.
 */
@Component(immediate = true)
public final class FaultTrace implements FaultListener {
    /** The trace event's name. */
    public static final String EVENT = "FaultInjected";

    private final Trace trace;
    private final AutoCloseable registration;

    @Activate
    public FaultTrace(@Reference HardwareBus bus, @Reference Trace trace) {
        this.trace = trace;
        this.registration = bus.addFaultListener(this);
    }

    @Override
    public void faultInjected(SimDevice device, String fault, long firing) {
        trace.event(TraceEvent.Kind.PNP, null, device.instanceId(), EVENT,
                TraceEvent.argMap("fault", fault, "device", device.instanceId(), "firing", firing));
    }

    @Deactivate
    void deactivate() throws Exception {
        registration.close();
    }
}
