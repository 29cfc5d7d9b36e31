package org.drvsim.wdf;

import java.util.List;
import org.drvsim.kernel.NtStatus;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * WDF_PNP_POWER_EVENT_CALLBACKS. Every callback runs at PASSIVE_LEVEL on the PnP worker; unregistered ones are
 * skipped. The orders are spec/wdf-lifecycle.md section 3 and the oracles of section 7.
 */
public final class WdfPnpPowerEventCallbacks {
    /** EvtDevicePrepareHardware / EvtDeviceReleaseHardware. */
    @ConsumerType @FunctionalInterface
    public interface EvtDevicePrepareHardware {
        NtStatus prepareHardware(WdfDevice device, List<CmResourceDescriptor> resourcesRaw,
                                 List<CmResourceDescriptor> resourcesTranslated);
    }

    /** EvtDeviceReleaseHardware: must not return STATUS_NOT_SUPPORTED (seed page). */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceReleaseHardware {
        NtStatus releaseHardware(WdfDevice device, List<CmResourceDescriptor> resourcesTranslated);
    }

    /** EvtDeviceD0Entry and EvtDeviceD0EntryPostInterruptsEnabled: the previous state. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0Entry { NtStatus d0Entry(WdfDevice device, WdfPowerDeviceState previousState); }

    /** EvtDeviceD0Exit and EvtDeviceD0ExitPreInterruptsDisabled: the target state. */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceD0Exit { NtStatus d0Exit(WdfDevice device, WdfPowerDeviceState targetState); }

    /** A callback that takes the device and returns a status (SelfManagedIoInit/Suspend/Restart, QueryRemove/Stop). */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceStatus { NtStatus call(WdfDevice device); }

    /** A callback that takes the device and returns nothing (SelfManagedIoFlush/Cleanup, SurpriseRemoval). */
    @ConsumerType @FunctionalInterface
    public interface EvtDeviceVoid { void call(WdfDevice device); }

    public EvtDevicePrepareHardware evtDevicePrepareHardware;
    public EvtDeviceReleaseHardware evtDeviceReleaseHardware;
    public EvtDeviceD0Entry evtDeviceD0Entry;
    public EvtDeviceD0Entry evtDeviceD0EntryPostInterruptsEnabled;
    public EvtDeviceD0Exit evtDeviceD0ExitPreInterruptsDisabled;
    public EvtDeviceD0Exit evtDeviceD0Exit;
    public EvtDeviceStatus evtDeviceSelfManagedIoInit;
    public EvtDeviceStatus evtDeviceSelfManagedIoSuspend;
    public EvtDeviceStatus evtDeviceSelfManagedIoRestart;
    public EvtDeviceVoid evtDeviceSelfManagedIoFlush;
    public EvtDeviceVoid evtDeviceSelfManagedIoCleanup;
    public EvtDeviceVoid evtDeviceSurpriseRemoval;
    public EvtDeviceStatus evtDeviceQueryRemove;
    public EvtDeviceStatus evtDeviceQueryStop;
}
