package org.drvsim.wdf.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.nt.CmResourceDescriptor;
import org.drvsim.nt.CmResourceType;
import org.drvsim.wdf.MappedRegisters;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDeviceFailedAction;
import org.drvsim.wdf.WdfInterrupt;
import org.drvsim.wdf.WdfInterruptConfig;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfPowerDeviceState;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfResult;

/**
 * WDFDEVICE and its PnP/power sequences (spec/wdf-lifecycle.md section 3, oracles (i), (ii), (iii), (vi)):
 * start: EvtDevicePrepareHardware → EvtDeviceD0Entry(WdfPowerDeviceD3Final) → EvtInterruptEnable →
 * EvtDeviceD0EntryPostInterruptsEnabled → queues started → EvtDeviceSelfManagedIoInit; orderly removal:
 * EvtDeviceQueryRemove → EvtDeviceSelfManagedIoSuspend → EvtIoStop(Suspend) → EvtDeviceD0ExitPreInterruptsDisabled
 * → EvtInterruptDisable → EvtDeviceD0Exit(WdfPowerDeviceD3Final) → EvtDeviceReleaseHardware → purge
 * (EvtIoStop(Purge), waiting requests cancelled) → EvtDeviceSelfManagedIoFlush → EvtDeviceSelfManagedIoCleanup →
 * the device's children's cleanups, its own, destroys. EvtDeviceReleaseHardware is called whenever
 * EvtDevicePrepareHardware was, even when it failed (seed page), and only after I/O stopped, interrupts were
 * disabled and the device left D0. All on the PnP worker at PASSIVE_LEVEL; interrupt callbacks at DIRQL.
 * Surprise removal follows the framework source where the documentation differs (spec 8.3): EvtDeviceSurpriseRemoval,
 * then self-managed I/O is suspended before the queues stop.
 */
final class FxDeviceImpl extends FxObject implements WdfDevice {
    /** How long the framework waits for drivers to finish requests when the device leaves D0. */
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    enum State { Added, Started, Stopped, SurpriseRemoved, Removed, Failed, Miniport }

    final DeviceNode node;
    /** The device's hardware (registers, interrupt, DMA) the PnP manager handed this port; null for a miniport. */
    private final org.drvsim.kernel.DeviceResources hardware;
    private final String instanceId;
    final WdfPnpPowerEventCallbacks cb;
    final List<FxQueueImpl> queues = new CopyOnWriteArrayList<>();
    final List<FxInterruptImpl> interrupts = new CopyOnWriteArrayList<>();
    final List<Mapping> mappings = new CopyOnWriteArrayList<>();
    volatile State state = State.Added;
    volatile boolean inAddOrPrepare = true;
    /** The watchdog isolated the device's driver: requests it held were cancelled by the framework. */
    volatile boolean isolated;
    private boolean prepareCalled;
    private boolean selfManagedIoStarted;

    FxDeviceImpl(FxDriverImpl driver, DeviceNode node, FxDeviceInitImpl init, WdfObjectAttributes attributes) {
        super(driver, "WDFDEVICE", attributes, driver, false);
        this.node = node;
        this.hardware = init.resources;
        this.instanceId = node.instanceId();
        this.cb = init.callbacks;
    }

    private FxDeviceImpl(FxDriverImpl driver, String name, WdfObjectAttributes attributes) {
        super(driver, "WDFDEVICE", attributes, attributes != null && attributes.parentObject instanceof FxObject p ? p : driver,
                true);
        this.node = null;
        this.hardware = null;
        this.instanceId = name == null ? "" : name;
        this.cb = new WdfPnpPowerEventCallbacks();
        this.state = State.Miniport;
    }

    /** A miniport device (WdfDeviceMiniportCreate): no callbacks, deletable by the driver (spec DL-8, OB-7). */
    static FxDeviceImpl miniport(FxDriverImpl driver, WdfObjectAttributes attributes, String name) {
        return new FxDeviceImpl(driver, name, attributes);
    }

    @Override
    String deviceId() {
        return instanceId;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    // ---- creation functions

    /**
     * Whether a DDI on this device may go on: not after the WDFDRIVER was deleted ({@code WdfCallAfterDriverUnload}),
     * nor on a WDFDEVICE the framework deleted at removal ({@code WdfCallOnDeletedDevice}); either is one violation
     * (bug check 0x10D, WDF_VIOLATION) and the call does nothing.
     */
    boolean usable(String ddi) {
        FxDriverImpl d = drv();
        if (!d.checkAlive(ddi, instanceId)) {
            return false;
        }
        if (deleted()) {
            d.port.verifier.report("WdfCallOnDeletedDevice", 0x10D, d.name, instanceId,
                    ddi + " called on a WDFDEVICE that was deleted when its device was removed; the framework ignores it");
            return false;
        }
        return true;
    }

    @Override
    public WdfResult<WdfQueue> wdfIoQueueCreate(WdfIoQueueConfig config, WdfObjectAttributes attributes) {
        FxDriverImpl d = drv();
        if (!usable("WdfIoQueueCreate")) {
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        if (state == State.Miniport || config == null) {
            d.port.trace.ddi(d.name, instanceId, "WdfIoQueueCreate", TraceEvent.argMap("status", NtStatus.STATUS_INVALID_DEVICE_REQUEST));
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_REQUEST, null);
        }
        FxQueueImpl q = new FxQueueImpl(this, config, attributes);
        queues.add(q);
        d.port.trace.ddi(d.name, instanceId, "WdfIoQueueCreate", TraceEvent.argMap("queue", q.label(),
                "dispatchType", config.dispatchType, "powerManaged", config.powerManaged, "defaultQueue", config.defaultQueue,
                "status", NtStatus.STATUS_SUCCESS));
        if (state == State.Started || !config.powerManaged) {
            q.start();
        }
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, q);
    }

    @Override
    public WdfResult<WdfInterrupt> wdfInterruptCreate(WdfInterruptConfig config, WdfObjectAttributes attributes) {
        FxDriverImpl d = drv();
        if (!usable("WdfInterruptCreate")) {
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        NtStatus s = state == State.Miniport ? NtStatus.STATUS_INVALID_DEVICE_REQUEST
                : !inAddOrPrepare ? NtStatus.STATUS_INVALID_DEVICE_STATE
                : config == null || config.evtInterruptIsr == null ? NtStatus.STATUS_INVALID_PARAMETER : NtStatus.STATUS_SUCCESS;
        if (!s.isSuccess()) {
            d.port.trace.ddi(d.name, instanceId, "WdfInterruptCreate", TraceEvent.argMap("status", s));
            return new WdfResult<>(s, null);
        }
        FxInterruptImpl i = new FxInterruptImpl(this, config, attributes, interrupts.size() % d.port.scheduler.processorCount());
        interrupts.add(i);
        d.port.trace.ddi(d.name, instanceId, "WdfInterruptCreate", TraceEvent.argMap("interrupt", i.label(), "status", s));
        return new WdfResult<>(NtStatus.STATUS_SUCCESS, i);
    }

    /** A range mapped with MmMapIoSpace. */
    final class Mapping implements MappedRegisters {
        final long physicalAddress;
        final long length;
        final org.drvsim.kernel.IoSpace io;
        volatile boolean mapped = true;

        Mapping(long physicalAddress, long length, org.drvsim.kernel.IoSpace io) {
            this.physicalAddress = physicalAddress;
            this.length = length;
            this.io = io;
        }

        @Override public long length() { return length; }

        @Override
        public int readRegisterUlong(long offset) {
            if (!mapped) {
                drv().port.verifier.report("RegisterAccessAfterUnmap", 0x10D, drv().name, instanceId,
                        "READ_REGISTER_ULONG on an unmapped range");
                return 0xFFFF_FFFF;
            }
            return io.read32(offset);
        }

        @Override
        public void writeRegisterUlong(long offset, int value) {
            if (drv().port.trace.ioTracing()) {
                drv().port.trace.ddi(drv().name, instanceId, "WRITE_REGISTER_ULONG", TraceEvent.argMap(
                        "register", String.format("0x%X+0x%02X", physicalAddress, offset), "value", String.format("0x%08X", value)));
            }
            if (!mapped) {
                drv().port.verifier.report("RegisterAccessAfterUnmap", 0x10D, drv().name, instanceId,
                        "WRITE_REGISTER_ULONG on an unmapped range");
                return;
            }
            io.write32(offset, value);
        }
    }

    @Override
    public MappedRegisters mmMapIoSpace(long physicalAddress, long numberOfBytes) {
        FxDriverImpl d = drv();
        if (!usable("MmMapIoSpace")) {
            return null;
        }
        org.drvsim.kernel.IoSpace io = hardware == null ? null : hardware.mapIoSpace(physicalAddress, numberOfBytes);
        d.port.trace.ddi(d.name, instanceId, "MmMapIoSpace", TraceEvent.argMap("physicalAddress",
                String.format("0x%X", physicalAddress), "numberOfBytes", numberOfBytes, "mapped", io != null));
        if (io == null) {
            return null;
        }
        Mapping m = new Mapping(physicalAddress, numberOfBytes, io);
        mappings.add(m);
        return m;
    }

    @Override
    public void mmUnmapIoSpace(MappedRegisters mapping) {
        FxDriverImpl d = drv();
        d.port.trace.ddi(d.name, instanceId, "MmUnmapIoSpace", TraceEvent.argMap());
        if (mapping instanceof Mapping m && mappings.remove(m)) {
            m.mapped = false;
        } else {
            d.port.verifier.report("UnmapOfUnknownMapping", 0x10D, d.name, instanceId,
                    "MmUnmapIoSpace of a range that is not mapped");
        }
    }

    @Override
    public WdfResult<org.drvsim.wdf.WdfCommonBuffer> wdfCommonBufferCreate(int length, WdfObjectAttributes attributes) {
        FxDriverImpl d = drv();
        if (!usable("WdfCommonBufferCreate")) {
            return new WdfResult<>(NtStatus.STATUS_INVALID_DEVICE_STATE, null);
        }
        org.drvsim.kernel.CommonBuffer b = null;
        if (hardware != null && length > 0 && length <= (64 << 20)) {
            try {
                b = hardware.allocateCommonBuffer(length);
            } catch (IllegalArgumentException e) {
                b = null;
            }
        }
        NtStatus s = b == null ? NtStatus.STATUS_INSUFFICIENT_RESOURCES : NtStatus.STATUS_SUCCESS;
        FxCommonBufferImpl cb = b == null ? null : new FxCommonBufferImpl(this, b, attributes);
        d.port.trace.ddi(d.name, instanceId, "WdfCommonBufferCreate", TraceEvent.argMap("length", length,
                "logicalAddress", b == null ? null : String.format("0x%X", b.logicalAddress()), "status", s));
        return new WdfResult<>(s, cb);
    }

    @Override
    public void wdfDeviceSetFailed(WdfDeviceFailedAction failedAction) {
        drv().port.trace.ddi(drv().name, instanceId, "WdfDeviceSetFailed", TraceEvent.argMap("failedAction", failedAction));
        drv().port.requestRemoval(this, failedAction);
    }

    // ---- PnP / power (PnP worker, PASSIVE_LEVEL)

    private NtStatus callStatus(String name, Object callback, java.util.function.Supplier<NtStatus> call,
                                Object... args) {
        if (callback == null) {
            return NtStatus.STATUS_SUCCESS;
        }
        FxDriverImpl d = drv();
        return d.port.callbacks.call(d.name, instanceId, name, TraceEvent.argMap(args), call, NtStatus.STATUS_UNSUCCESSFUL);
    }

    private void callVoid(String name, Object callback, Runnable call) {
        if (callback != null) {
            drv().port.callbacks.callVoid(drv().name, instanceId, name, TraceEvent.argMap(), call);
        }
    }

    List<CmResourceDescriptor> resources() {
        return node == null ? List.of() : List.copyOf(node.resources());
    }

    /** Whether {@link #sleep} powered the device down and {@link #wake} has not brought it back. PnP worker only. */
    private boolean asleep;

    /**
     * IRP_MN_SET_POWER to D3 for a system sleep (oracle (v) steps 1 to 5): EvtDeviceSelfManagedIoSuspend, EvtIoStop
     * (Suspend), EvtDeviceD0ExitPreInterruptsDisabled, EvtInterruptDisable, EvtDeviceD0Exit(WdfPowerDeviceD3); the
     * hardware stays prepared. On the PnP worker at PASSIVE_LEVEL.
     */
    void sleep() {
        if (state != State.Started || asleep) {
            return;
        }
        powerDown(true, WdfPowerDeviceState.WdfPowerDeviceD3);
        asleep = true;
    }

    /**
     * IRP_MN_SET_POWER to D0 on wake (oracle (v) steps 6 to 10): EvtDeviceD0Entry(WdfPowerDeviceD3),
     * EvtInterruptEnable, EvtDeviceD0EntryPostInterruptsEnabled, the queues restarted,
     * EvtDeviceSelfManagedIoRestart. On the PnP worker at PASSIVE_LEVEL.
     */
    void wake() {
        if (!asleep) {
            return;
        }
        asleep = false;
        connectHardwareInterrupts(resources());
        callStatus("EvtDeviceD0Entry", cb.evtDeviceD0Entry,
                () -> cb.evtDeviceD0Entry.evtDeviceD0Entry(this, WdfPowerDeviceState.WdfPowerDeviceD3),
                "previousState", WdfPowerDeviceState.WdfPowerDeviceD3);
        for (FxInterruptImpl i : interrupts) {
            i.connect();
            i.enable();
        }
        callStatus("EvtDeviceD0EntryPostInterruptsEnabled", cb.evtDeviceD0EntryPostInterruptsEnabled,
                () -> cb.evtDeviceD0EntryPostInterruptsEnabled.evtDeviceD0EntryPostInterruptsEnabled(this,
                        WdfPowerDeviceState.WdfPowerDeviceD3), "previousState", WdfPowerDeviceState.WdfPowerDeviceD3);
        queues.forEach(FxQueueImpl::start);
        if (selfManagedIoStarted) {
            callStatus("EvtDeviceSelfManagedIoRestart", cb.evtDeviceSelfManagedIoRestart,
                    () -> cb.evtDeviceSelfManagedIoRestart.evtDeviceSelfManagedIoRestart(this));
        }
    }

    /**
     * System shutdown (spec PW-2: the target is WdfPowerDeviceD3Final when the system action is shutdown): the
     * power-down of oracle (ii) steps 2 to 6 without EvtDeviceReleaseHardware; nothing of the device runs after it.
     */
    void shutdown() {
        if (state != State.Started || asleep) {
            return;
        }
        powerDown(true, WdfPowerDeviceState.WdfPowerDeviceD3Final);
        state = State.Removed;
    }

    /**
     * IRP_MN_QUERY_STOP_DEVICE of a rebalance (oracle (iv) step 1): EvtDeviceQueryStop, whose failure refuses the stop.
     * On the PnP worker at PASSIVE_LEVEL.
     */
    NtStatus queryStop() {
        if (state != State.Started) {
            return NtStatus.STATUS_INVALID_DEVICE_STATE;
        }
        return callStatus("EvtDeviceQueryStop", cb.evtDeviceQueryStop, () -> cb.evtDeviceQueryStop.evtDeviceQueryStop(this));
    }

    /**
     * IRP_MN_STOP_DEVICE of a rebalance (oracle (iv) steps 2 to 7): self-managed I/O suspended, power-managed queues
     * stopped (EvtIoStop with WdfRequestStopActionSuspend), interrupts disabled, EvtDeviceD0Exit(WdfPowerDeviceD3Final),
     * EvtDeviceReleaseHardware with the old resources. The device object stays. On the PnP worker at PASSIVE_LEVEL.
     */
    void stop() {
        if (state != State.Started) {
            return;
        }
        List<CmResourceDescriptor> res = resources();
        powerDown(true);
        releaseHardware(res);
        state = State.Stopped;
    }

    /**
     * IRP_MN_START_DEVICE after {@link #stop} (oracle (iv) steps 8 to 13): EvtDevicePrepareHardware with the new
     * resources, D0Entry, interrupts, the queues restarted, EvtDeviceSelfManagedIoRestart; a failure takes the start's
     * failure paths and deletes the device.
     */
    NtStatus restart() {
        if (state != State.Stopped) {
            return NtStatus.STATUS_INVALID_DEVICE_STATE;
        }
        return start();
    }

    /** The start sequence (oracle (i)) with the failure paths FA-1 to FA-3 and FA-5; a restart when stopped. */
    NtStatus start() {
        boolean restart = state == State.Stopped;
        List<CmResourceDescriptor> res = resources();
        prepareCalled = cb.evtDevicePrepareHardware != null;
        NtStatus s = callStatus("EvtDevicePrepareHardware", cb.evtDevicePrepareHardware,
                () -> cb.evtDevicePrepareHardware.evtDevicePrepareHardware(this, res, res),
                "resourcesRaw", res.size() + " descriptor(s)", "resourcesTranslated", res.size() + " descriptor(s)");
        inAddOrPrepare = false;
        if (!s.isSuccess()) {
            releaseHardware(res); // FA-1: ReleaseHardware even though PrepareHardware failed
            failAndDelete();
            return s;
        }
        connectHardwareInterrupts(res);
        s = callStatus("EvtDeviceD0Entry", cb.evtDeviceD0Entry,
                () -> cb.evtDeviceD0Entry.evtDeviceD0Entry(this, WdfPowerDeviceState.WdfPowerDeviceD3Final),
                "previousState", WdfPowerDeviceState.WdfPowerDeviceD3Final);
        if (!s.isSuccess()) {
            disconnectHardwareInterrupts();
            releaseHardware(res); // FA-2: no D0Exit
            failAndDelete();
            return s;
        }
        // 3a-4, per interrupt in creation order: connect, then EvtInterruptEnable
        List<FxInterruptImpl> connected = new ArrayList<>();
        int enabled = 0;
        for (FxInterruptImpl i : interrupts) {
            i.connect();
            connected.add(i);
            s = i.enable();
            if (!s.isSuccess()) {
                break;
            }
            enabled++;
        }
        if (s.isSuccess()) {
            s = callStatus("EvtDeviceD0EntryPostInterruptsEnabled", cb.evtDeviceD0EntryPostInterruptsEnabled,
                    () -> cb.evtDeviceD0EntryPostInterruptsEnabled.evtDeviceD0EntryPostInterruptsEnabled(this, WdfPowerDeviceState.WdfPowerDeviceD3Final),
                    "previousState", WdfPowerDeviceState.WdfPowerDeviceD3Final);
        }
        if (!s.isSuccess()) {
            // FA-3: in reverse, disable what was enabled and disconnect what was connected; D0Exit without
            // PreInterruptsDisabled, then as FA-2
            for (int k = connected.size() - 1; k >= 0; k--) {
                if (k < enabled) {
                    connected.get(k).disable();
                }
                connected.get(k).disconnect();
            }
            d0Exit();
            disconnectHardwareInterrupts();
            releaseHardware(res);
            failAndDelete();
            return s;
        }
        state = State.Started;
        queues.forEach(FxQueueImpl::start);
        if (restart && selfManagedIoStarted) {
            s = callStatus("EvtDeviceSelfManagedIoRestart", cb.evtDeviceSelfManagedIoRestart,
                    () -> cb.evtDeviceSelfManagedIoRestart.evtDeviceSelfManagedIoRestart(this));
        } else {
            s = callStatus("EvtDeviceSelfManagedIoInit", cb.evtDeviceSelfManagedIoInit,
                    () -> cb.evtDeviceSelfManagedIoInit.evtDeviceSelfManagedIoInit(this));
        }
        selfManagedIoStarted = true;
        if (!s.isSuccess()) {
            powerDown(false);
            releaseHardware(res);
            purgeAndFlush();
            cleanupAndDelete();
            state = State.Failed;
            return s;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    private void d0Exit() {
        d0Exit(WdfPowerDeviceState.WdfPowerDeviceD3Final);
    }

    private void d0Exit(WdfPowerDeviceState target) {
        callStatus("EvtDeviceD0Exit", cb.evtDeviceD0Exit,
                () -> cb.evtDeviceD0Exit.evtDeviceD0Exit(this, target), "targetState", target);
    }

    private void releaseHardware(List<CmResourceDescriptor> res) {
        if (cb.evtDeviceReleaseHardware == null) {
            checkMappings();
            return;
        }
        NtStatus s = callStatus("EvtDeviceReleaseHardware", cb.evtDeviceReleaseHardware,
                () -> cb.evtDeviceReleaseHardware.evtDeviceReleaseHardware(this, res),
                "resourcesTranslated", res.size() + " descriptor(s)");
        if (s == NtStatus.STATUS_NOT_SUPPORTED) {
            drv().port.verifier.report("ReleaseHardwareReturnedNotSupported", 0x10D, drv().name, instanceId,
                    "EvtDeviceReleaseHardware returned STATUS_NOT_SUPPORTED, which the documentation forbids");
        }
        checkMappings();
    }

    private void checkMappings() {
        if (!mappings.isEmpty()) {
            drv().port.verifier.report("MappingNotUnmappedInReleaseHardware", 0x10D, drv().name, instanceId,
                    mappings.size() + " MmMapIoSpace range(s) still mapped when EvtDeviceReleaseHardware returned");
            mappings.forEach(m -> m.mapped = false);
            mappings.clear();
        }
    }

    /** Steps 1 to 6 of 3b: I/O stopped, interrupts disabled, D0 left. */
    private void powerDown(boolean suspendSelfManagedIo) {
        if (asleep) {
            asleep = false; // removed while the system sleeps: the device left D0 already
            return;
        }
        powerDown(suspendSelfManagedIo, WdfPowerDeviceState.WdfPowerDeviceD3Final);
    }

    /** Steps 1 to 6 of 3b towards {@code target}: I/O stopped, interrupts disabled, D0 left. */
    private void powerDown(boolean suspendSelfManagedIo, WdfPowerDeviceState target) {
        if (suspendSelfManagedIo) {
            callStatus("EvtDeviceSelfManagedIoSuspend", cb.evtDeviceSelfManagedIoSuspend,
                    () -> cb.evtDeviceSelfManagedIoSuspend.evtDeviceSelfManagedIoSuspend(this));
        }
        for (FxQueueImpl q : queues) {
            if (q.config.powerManaged) {
                q.stop(WdfIoQueueConfig.WdfRequestStopActionSuspend, STOP_WAIT);
            }
        }
        callStatus("EvtDeviceD0ExitPreInterruptsDisabled", cb.evtDeviceD0ExitPreInterruptsDisabled,
                () -> cb.evtDeviceD0ExitPreInterruptsDisabled.evtDeviceD0ExitPreInterruptsDisabled(this, target),
                "targetState", target);
        for (int k = interrupts.size() - 1; k >= 0; k--) {
            interrupts.get(k).disable();
            interrupts.get(k).disconnect();
        }
        disconnectHardwareInterrupts();
        d0Exit(target);
    }

    /**
     * Steps 8 to 10 of 3b: power-managed queues purged (3b-8), EvtDeviceSelfManagedIoFlush (3b-9), queues that are not
     * power-managed purged (3b-10).
     */
    private void purgeAndFlush() {
        purgeQueues(true);
        if (selfManagedIoStarted) {
            callVoid("EvtDeviceSelfManagedIoFlush", cb.evtDeviceSelfManagedIoFlush, () -> cb.evtDeviceSelfManagedIoFlush.evtDeviceSelfManagedIoFlush(this));
        }
        purgeQueues(false);
    }

    /** Step 11 of 3b: EvtDeviceSelfManagedIoCleanup, then the device object is deleted. */
    private void cleanupAndDelete() {
        if (selfManagedIoStarted) {
            callVoid("EvtDeviceSelfManagedIoCleanup", cb.evtDeviceSelfManagedIoCleanup,
                    () -> cb.evtDeviceSelfManagedIoCleanup.evtDeviceSelfManagedIoCleanup(this));
        }
        delete();
    }

    private void purgeQueues(boolean powerManaged) {
        for (FxQueueImpl q : queues) {
            if (q.config.powerManaged == powerManaged) {
                q.stop(WdfIoQueueConfig.WdfRequestStopActionPurge, STOP_WAIT);
            }
        }
    }

    private void failAndDelete() {
        state = State.Failed;
        delete();
    }

    /** Whether IRP_MN_QUERY_REMOVE_DEVICE reached the device since it started. PnP worker only. */
    private boolean queriedForRemoval;

    /**
     * IRP_MN_QUERY_REMOVE_DEVICE (oracle (ii) step 1): EvtDeviceQueryRemove, whose failure is the driver's veto. On the
     * PnP worker at PASSIVE_LEVEL.
     *
     * @return STATUS_SUCCESS (also without EvtDeviceQueryRemove), or the driver's veto
     */
    NtStatus queryRemove() {
        if (state != State.Started) {
            return NtStatus.STATUS_SUCCESS;
        }
        queriedForRemoval = true;
        return callStatus("EvtDeviceQueryRemove", cb.evtDeviceQueryRemove, () -> cb.evtDeviceQueryRemove.evtDeviceQueryRemove(this));
    }

    /** IRP_MN_CANCEL_REMOVE_DEVICE after a veto: the device goes on in D0, as it was. */
    void cancelRemove() {
        queriedForRemoval = false;
    }

    /**
     * IRP_MN_SURPRISE_REMOVAL (oracle (iii) steps 1 to 9): EvtDeviceSurpriseRemoval, then the power-down to
     * WdfPowerDeviceD3Final, EvtDeviceReleaseHardware, the purge and EvtDeviceSelfManagedIoFlush. On the PnP worker at
     * PASSIVE_LEVEL.
     */
    void surpriseRemoved() {
        if (state != State.Started) {
            return;
        }
        callVoid("EvtDeviceSurpriseRemoval", cb.evtDeviceSurpriseRemoval, () -> cb.evtDeviceSurpriseRemoval.evtDeviceSurpriseRemoval(this));
        List<CmResourceDescriptor> res = resources();
        powerDown(true);
        releaseHardware(res);
        purgeAndFlush();
        state = State.SurpriseRemoved;
    }

    /**
     * IRP_MN_REMOVE_DEVICE: after IRP_MN_QUERY_REMOVE_DEVICE, oracle (ii) steps 2 to 12; after IRP_MN_SURPRISE_REMOVAL,
     * oracle (iii) steps 10 to 12. A step the PnP manager's earlier IRP would have run and did not (a caller that sends
     * only this IRP) runs first. On the PnP worker at PASSIVE_LEVEL.
     */
    void remove(boolean surprise) {
        if (surprise) {
            surpriseRemoved();
            if (state != State.SurpriseRemoved) {
                return;
            }
        } else {
            if (state != State.Started) {
                return;
            }
            if (!queriedForRemoval) {
                queryRemove(); // a veto cannot stop this removal: the caller removes the device anyway
            }
            List<CmResourceDescriptor> res = resources();
            powerDown(true);
            releaseHardware(res);
            purgeAndFlush();
        }
        cleanupAndDelete();
        state = State.Removed;
    }

    // ---- the device's interrupt line (hardware-sim, through the kernel)

    private AutoCloseable line;

    private void connectHardwareInterrupts(List<CmResourceDescriptor> res) {
        if (hardware == null || interrupts.isEmpty()) {
            return;
        }
        for (CmResourceDescriptor r : res) {
            if (r.type() == CmResourceType.CmResourceTypeInterrupt) {
                line = hardware.connectInterrupt(vector -> interrupts.forEach(i -> i.fire(0)));
                return;
            }
        }
    }

    private void disconnectHardwareInterrupts() {
        if (line != null) {
            try {
                line.close();
            } catch (Exception ignored) {
                // the line is gone with the device
            }
            line = null;
        }
    }

    /** The watchdog isolated the driver: its queues' requests are cancelled, its interrupt line disconnected. */
    void isolate() {
        isolated = true;
        state = State.Removed;
        for (FxQueueImpl q : queues) {
            q.isolate();
        }
        disconnectHardwareInterrupts();
    }

    @Override
    void onCleanup() {
        disconnectHardwareInterrupts();
        if (state == State.Miniport) {
            drv().port.miniportDeviceDeleted(this);
        }
    }
}
