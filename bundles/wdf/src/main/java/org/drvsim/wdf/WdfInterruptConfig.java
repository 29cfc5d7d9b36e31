package org.drvsim.wdf;

import org.drvsim.kernel.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/** WDF_INTERRUPT_CONFIG (spec/wdf-lifecycle.md section 5). */
public final class WdfInterruptConfig {
    /** EvtInterruptIsr: DIRQL; returns TRUE when its device interrupted. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptIsr { boolean isr(WdfInterrupt interrupt, int messageId); }

    /** EvtInterruptDpc: DISPATCH_LEVEL. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptDpc { void dpc(WdfInterrupt interrupt, WdfObject associatedObject); }

    /** EvtInterruptEnable / EvtInterruptDisable: DIRQL, after D0Entry / before D0Exit. */
    @ConsumerType @FunctionalInterface
    public interface EvtInterruptEnableDisable { NtStatus call(WdfInterrupt interrupt, WdfDevice associatedDevice); }

    public EvtInterruptIsr evtInterruptIsr;
    public EvtInterruptDpc evtInterruptDpc;
    public EvtInterruptEnableDisable evtInterruptEnable;
    public EvtInterruptEnableDisable evtInterruptDisable;

    /** WDF_INTERRUPT_CONFIG_INIT(&config, Isr, Dpc). */
    public static WdfInterruptConfig init(EvtInterruptIsr isr, EvtInterruptDpc dpc) {
        WdfInterruptConfig c = new WdfInterruptConfig();
        c.evtInterruptIsr = isr;
        c.evtInterruptDpc = dpc;
        return c;
    }
}
