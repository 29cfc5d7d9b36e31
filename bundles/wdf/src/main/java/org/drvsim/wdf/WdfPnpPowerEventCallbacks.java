package org.drvsim.wdf;

import java.util.List;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * WDF_PNP_POWER_EVENT_CALLBACKS, registered with {@link WdfDeviceInit#wdfDeviceInitSetPnpPowerEventCallbacks}.
 * Every callback runs at PASSIVE_LEVEL on the PnP worker; unregistered ones are skipped. Each type keeps the
 * callback's WDK name. The orders are spec/wdf-lifecycle.md section 3 and the oracles of section 7; the seed page
 * is spec/seeds/wdf-EVT_WDF_DEVICE_RELEASE_HARDWARE.md. Documentation: "WDF_PNP_POWER_EVENT_CALLBACKS structure
 * (wdfdevice.h)".
 */
public final class WdfPnpPowerEventCallbacks {
    /** EvtDevicePrepareHardware: makes the hardware accessible; the resources arrive raw and translated. */
    @ConsumerType @FunctionalInterface
    public interface EvtDevicePrepareHardware {
        NtStatus evtDevicePrepareHardware(WdfDevice device, List<CmResourceDescriptor> resourcesRaw,
                                          List<CmResourceDescriptor> resourcesTranslated);
    }

    /**
     * EvtDeviceReleaseHardware: undoes EvtDevicePrepareHardware; called on rebalance, orderly and surprise removal,
     * always after a PrepareHardware; must not return STATUS_NOT_SUPPORTED (seed page).
     */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceReleaseHardware {
        NtStatus evtDeviceReleaseHardware(WdfDevice device, List<CmResourceDescriptor> resourcesTranslated);
    }

    /** EvtDeviceD0Entry: the device entered D0; {@code previousState} is where it came from. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0Entry {
        NtStatus evtDeviceD0Entry(WdfDevice device, WdfPowerDeviceState previousState);
    }

    /** EvtDeviceD0EntryPostInterruptsEnabled: after D0Entry, once the interrupts are enabled. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0EntryPostInterruptsEnabled {
        NtStatus evtDeviceD0EntryPostInterruptsEnabled(WdfDevice device, WdfPowerDeviceState previousState);
    }

    /** EvtDeviceD0ExitPreInterruptsDisabled: before the interrupts are disabled on the way out of D0. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0ExitPreInterruptsDisabled {
        NtStatus evtDeviceD0ExitPreInterruptsDisabled(WdfDevice device, WdfPowerDeviceState targetState);
    }

    /** EvtDeviceD0Exit: the device leaves D0 for {@code targetState} (WdfPowerDeviceD3Final at removal). */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0Exit {
        NtStatus evtDeviceD0Exit(WdfDevice device, WdfPowerDeviceState targetState);
    }

    /** EvtDeviceSelfManagedIoInit: once, the first time the device starts. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSelfManagedIoInit { NtStatus evtDeviceSelfManagedIoInit(WdfDevice device); }

    /** EvtDeviceSelfManagedIoSuspend: before the device leaves D0 or is removed. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSelfManagedIoSuspend { NtStatus evtDeviceSelfManagedIoSuspend(WdfDevice device); }

    /** EvtDeviceSelfManagedIoRestart: after the device returns to D0. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSelfManagedIoRestart { NtStatus evtDeviceSelfManagedIoRestart(WdfDevice device); }

    /** EvtDeviceSelfManagedIoFlush: at removal, after the queues are purged. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSelfManagedIoFlush { void evtDeviceSelfManagedIoFlush(WdfDevice device); }

    /** EvtDeviceSelfManagedIoCleanup: at removal, the last self-managed I/O callback. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSelfManagedIoCleanup { void evtDeviceSelfManagedIoCleanup(WdfDevice device); }

    /** EvtDeviceSurpriseRemoval: the device is gone; the driver must not touch it any more. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceSurpriseRemoval { void evtDeviceSurpriseRemoval(WdfDevice device); }

    /** EvtDeviceQueryRemove: may the device be removed? A failure status vetoes the removal. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceQueryRemove { NtStatus evtDeviceQueryRemove(WdfDevice device); }

    /** EvtDeviceQueryStop: may the device be stopped (for resource rebalancing)? A failure status vetoes it. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceQueryStop { NtStatus evtDeviceQueryStop(WdfDevice device); }

    public EvtDevicePrepareHardware evtDevicePrepareHardware;
    public EvtDeviceReleaseHardware evtDeviceReleaseHardware;
    public EvtDeviceD0Entry evtDeviceD0Entry;
    public EvtDeviceD0EntryPostInterruptsEnabled evtDeviceD0EntryPostInterruptsEnabled;
    public EvtDeviceD0ExitPreInterruptsDisabled evtDeviceD0ExitPreInterruptsDisabled;
    public EvtDeviceD0Exit evtDeviceD0Exit;
    public EvtDeviceSelfManagedIoInit evtDeviceSelfManagedIoInit;
    public EvtDeviceSelfManagedIoSuspend evtDeviceSelfManagedIoSuspend;
    public EvtDeviceSelfManagedIoRestart evtDeviceSelfManagedIoRestart;
    public EvtDeviceSelfManagedIoFlush evtDeviceSelfManagedIoFlush;
    public EvtDeviceSelfManagedIoCleanup evtDeviceSelfManagedIoCleanup;
    public EvtDeviceSurpriseRemoval evtDeviceSurpriseRemoval;
    public EvtDeviceQueryRemove evtDeviceQueryRemove;
    public EvtDeviceQueryStop evtDeviceQueryStop;
}
