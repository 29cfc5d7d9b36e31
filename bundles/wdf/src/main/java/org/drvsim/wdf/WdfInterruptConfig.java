package org.drvsim.wdf;

import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/** WDF_INTERRUPT_CONFIG (spec/wdf-lifecycle.md section 5). */
public final class WdfInterruptConfig {
    /** EvtInterruptIsr: DIRQL on a simulated processor; returns TRUE when its device interrupted. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptIsr { boolean evtInterruptIsr(WdfInterrupt interrupt, int messageId); }

    /** EvtInterruptDpc: DISPATCH_LEVEL on the processor the ISR queued it on. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptDpc { void evtInterruptDpc(WdfInterrupt interrupt, WdfObject associatedObject); }

    /** EvtInterruptEnable: DIRQL, after EvtDeviceD0Entry; enables the device's interrupt. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptEnable { NtStatus evtInterruptEnable(WdfInterrupt interrupt, WdfDevice associatedDevice); }

    /** EvtInterruptDisable: DIRQL, before EvtDeviceD0Exit; disables the device's interrupt. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptDisable { NtStatus evtInterruptDisable(WdfInterrupt interrupt, WdfDevice associatedDevice); }

    public EvtInterruptIsr evtInterruptIsr;
    public EvtInterruptDpc evtInterruptDpc;
    public EvtInterruptEnable evtInterruptEnable;
    public EvtInterruptDisable evtInterruptDisable;

    /** WDF_INTERRUPT_CONFIG_INIT(&config, Isr, Dpc). */
    public static WdfInterruptConfig init(EvtInterruptIsr isr, EvtInterruptDpc dpc) {
        WdfInterruptConfig c = new WdfInterruptConfig();
        c.evtInterruptIsr = isr;
        c.evtInterruptDpc = dpc;
        return c;
    }
}
