package org.drvsim.storport.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.nt.Irql;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.storport.PortConfigurationInformation;
import org.drvsim.storport.ScsiAdapterControlStatus;
import org.drvsim.storport.ScsiAdapterControlType;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.ScsiSupportedControlTypeList;
import org.drvsim.storport.ScsiUnitControlType;
import org.drvsim.storport.SpReturn;
import org.drvsim.storport.SrbFunction;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.StorPnpAction;
import org.drvsim.storport.StorPortAdapter;
import org.drvsim.storport.StorPortNotificationType;
import org.drvsim.storport.StorageRequestBlock;
import org.drvsim.storport.VirtualHwInitializationData;

/**
 * Storport's record of one adapter (its FDO extension) and the adapter handle the miniport calls.
 *
 * <p>Start (spec section 2, oracle 1): VirtualHwStorFindAdapter → HwStorInitialize →
 * HwStorAdapterControl(ScsiQuerySupportedControlTypes) → bus scan (REPORT LUNS, INQUIRY). Orderly removal
 * (section 4.A, oracle 4): every outstanding SRB completed or aborted (so that no logical unit goes while a request
 * to it is outstanding), per LUN SRB_FUNCTION_PNP StorRemoveDevice, SRB_FUNCTION_PNP StorRemoveDevice for the
 * adapter, SRB_FUNCTION_FLUSH, [ScsiStopAdapter], [ScsiSetBootConfig], [HwStorCompleteServiceIrp],
 * HwStorFreeAdapterResources last. Surprise removal (4.B, oracle 6): StorSurpriseRemoval for the adapter,
 * [ScsiAdapterSurpriseRemoval], then [ScsiStopAdapter], [HwStorCompleteServiceIrp], HwStorFreeAdapterResources:
 * no FLUSH and no ScsiSetBootConfig. Only the adapter-control types the miniport marked supported are sent.
 *
 * <p>Threads: start, scans and removal run on the PnP worker (PASSIVE_LEVEL); HwStorStartIo runs on the
 * submitting thread raised to DISPATCH_LEVEL; completions arrive on any thread.
 */
final class StorAdapter implements StorPortAdapter {
    /** The documented default per-LU queue depth (spec section 5). */
    static final int LU_QUEUE_DEPTH = 250;
    /** How long Storport waits after HwStorResetBus for the miniport to complete what it held, in ms. */
    static final long RESET_WAIT_MS = 1_000;

    enum State { Starting, Started, Stopped, Stopping, Removed, Failed }

    /** "0x00" to "0xFF", so that tracing a status byte allocates nothing. */
    private static final String[] HEX_BYTE = new String[256];

    static {
        for (int i = 0; i < 256; i++) {
            HEX_BYTE[i] = String.format("0x%02X", i);
        }
    }

    /** A logical unit the bus scan found. */
    record Lun(String address, String vendor, String product) {
    }

    final StorPort port;
    final StorMiniportDriver driver;
    final DeviceNode node;
    private final String name;
    private final VirtualHwInitializationData<Object> init;
    private Object ext;
    private PortConfigurationInformation config;
    private ScsiSupportedControlTypeList supported;
    private volatile State state = State.Starting;
    private volatile boolean freed;
    /** HwStorFreeAdapterResources has been called (it may still run): no work item runs any more. */
    private volatile boolean freeing;

    private final Object lock = new Object();
    private final Map<StorageRequestBlock, CompletableFuture<StorageRequestBlock>> outstanding = new IdentityHashMap<>();
    private final Map<Integer, Integer> perLu = new HashMap<>();
    private final ArrayDeque<StorageRequestBlock> held = new ArrayDeque<>();
    private boolean busy;
    private int busyRemaining;
    private final Map<String, Lun> luns = new TreeMap<>();
    /** The addresses of {@link #luns}, readable without a lock on the request path. */
    private final java.util.Set<String> lunAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();

    StorAdapter(StorPort port, StorMiniportDriver driver, DeviceNode node) {
        this.port = port;
        this.driver = driver;
        this.node = node;
        this.name = driver.name;
        this.init = driver.init;
    }

    @Override
    public String instanceId() {
        return node.instanceId();
    }

    State state() {
        return state;
    }

    PortConfigurationInformation config() {
        return config;
    }

    List<Lun> luns() {
        synchronized (luns) {
            return List.copyOf(luns.values());
        }
    }

    /** @return whether the bus scan found a logical unit at {@code address} (lock-free) */
    boolean hasLun(String address) {
        return lunAddresses.contains(address);
    }

    int outstandingCount() {
        synchronized (lock) {
            return outstanding.size();
        }
    }

    // ---- start

    PortStatus start() {
        ext = port.callbacks.contain(name, instanceId(), "the device extension factory", () -> init.deviceExtension.apply(this),
                null);
        if (ext == null) {
            state = State.Failed;
            return PortStatus.of(NtStatus.STATUS_INSUFFICIENT_RESOURCES).because("the device extension could not be created");
        }
        return findAndInitialize();
    }

    /**
     * VirtualHwStorFindAdapter, HwStorInitialize, the supported control types, then the bus scan: a start, or the
     * start after a rebalance's stop on the same device extension (section 4.C: "next start re-runs FindAdapter
     * (extension not re-zeroed) → HwInitialize"). On the PnP worker at PASSIVE_LEVEL.
     */
    private PortStatus findAndInitialize() {
        config = new PortConfigurationInformation(org.drvsim.nt.InterfaceType.Internal);
        String argumentString = node.properties().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
        boolean[] again = {false};
        SpReturn found = port.callbacks.call(name, instanceId(), "VirtualHwStorFindAdapter", TraceEvent.argMap(
                        "hwContext", instanceId(), "busInformation", "FDO " + instanceId(), "lowerDevice", "NULL",
                        "argumentString", argumentString),
                () -> init.hwFindAdapter.findAdapter(ext, instanceId(), "FDO " + instanceId(), null,
                        argumentString.isEmpty() ? null : argumentString, config, again), SpReturn.SP_RETURN_ERROR);
        if (found != SpReturn.SP_RETURN_FOUND) {
            // No further callback for this adapter: it never started (spec 2.1; issue failure path).
            state = State.Failed;
            NtStatus s = found == SpReturn.SP_RETURN_NOT_FOUND ? NtStatus.STATUS_NO_SUCH_DEVICE
                    : found == SpReturn.SP_RETURN_BAD_CONFIG ? NtStatus.STATUS_INVALID_PARAMETER : NtStatus.STATUS_UNSUCCESSFUL;
            return PortStatus.of(s).because("VirtualHwStorFindAdapter returned " + found);
        }
        if (!config.virtualDevice) {
            port.verifier.report("VirtualDeviceNotSet", 0xC9, name, instanceId(),
                    "VirtualHwStorFindAdapter returned SP_RETURN_FOUND without setting ConfigInfo->VirtualDevice");
            freeResources();
            return PortStatus.of(NtStatus.STATUS_INVALID_PARAMETER).because("VirtualDevice not set by HwFindAdapter");
        }
        Boolean ok = port.callbacks.call(name, instanceId(), "HwStorInitialize", TraceEvent.argMap(),
                () -> init.hwInitialize.initialize(ext), false);
        if (!Boolean.TRUE.equals(ok)) {
            freeResources();
            return PortStatus.of(NtStatus.STATUS_UNSUCCESSFUL).because("HwStorInitialize returned FALSE");
        }
        supported = new ScsiSupportedControlTypeList(ScsiAdapterControlType.values().length);
        port.callbacks.call(name, instanceId(), "HwStorAdapterControl", TraceEvent.argMap(
                        "controlType", ScsiAdapterControlType.ScsiQuerySupportedControlTypes,
                        "maxControlType", supported.maxControlType),
                () -> init.hwAdapterControl.adapterControl(ext, ScsiAdapterControlType.ScsiQuerySupportedControlTypes,
                        supported), ScsiAdapterControlStatus.ScsiAdapterControlUnsuccessful);
        synchronized (lock) {
            state = State.Started;
        }
        releaseHeld(); // class requests that arrived while the adapter was stopped for a rebalance
        scan();
        return PortStatus.SUCCESS;
    }

    /**
     * IRP_MN_STOP_DEVICE of a rebalance (section 4.C): class requests that arrive from now on are held until the
     * restart; the requests the miniport has are waited for (their TimeOutValue, then reported); then the StorStopDevice
     * SRB for the adapter and ScsiStopAdapter. Nothing is freed: the restart re-runs FindAdapter on the same device
     * extension. On the PnP worker at PASSIVE_LEVEL.
     */
    void stop() {
        synchronized (lock) {
            if (state != State.Started) {
                return;
            }
            state = State.Stopped;
        }
        awaitMiniportIdle("the adapter stopped for a rebalance");
        StorageRequestBlock pnp = StorageRequestBlock.pnp(StorPnpAction.StorStopDevice,
                StorageRequestBlock.SRB_PNP_FLAGS_ADAPTER_REQUEST, 0, 0, 0);
        await(submit(pnp, true), pnp);
        adapterControl(ScsiAdapterControlType.ScsiStopAdapter);
    }

    /**
     * IRP_MN_SET_POWER to D3 for a system sleep (section 4.D, oracle 8): class requests are held from now on, the
     * requests the miniport has are waited for, then SRB_FUNCTION_POWER for the adapter, ScsiStopAdapter and
     * [ScsiSetBootConfig]. On the PnP worker at PASSIVE_LEVEL.
     */
    void powerDown() {
        synchronized (lock) {
            if (state != State.Started) {
                return;
            }
            state = State.Stopped;
        }
        awaitMiniportIdle("the adapter powered down");
        StorageRequestBlock power = StorageRequestBlock.control(SrbFunction.SRB_FUNCTION_POWER, 0, 0, 0);
        await(submit(power, true), power);
        adapterControl(ScsiAdapterControlType.ScsiStopAdapter);
        adapterControl(ScsiAdapterControlType.ScsiSetBootConfig);
        poweredDown = true;
    }

    /** Whether {@link #powerDown} ran and {@link #powerUp} has not. PnP worker only. */
    private boolean poweredDown;

    /**
     * IRP_MN_SET_POWER to D0 on wake (oracle 8): [ScsiSetRunningConfig], then ScsiRestartAdapter when the miniport
     * supports it (no HwStorInitialize), else VirtualHwStorFindAdapter and HwStorInitialize; the held requests go on.
     * On the PnP worker at PASSIVE_LEVEL.
     */
    PortStatus powerUp() {
        if (!poweredDown || state != State.Stopped) {
            return PortStatus.SUCCESS;
        }
        poweredDown = false;
        if (supports(ScsiAdapterControlType.ScsiRestartAdapter)) {
            adapterControl(ScsiAdapterControlType.ScsiSetRunningConfig);
            adapterControl(ScsiAdapterControlType.ScsiRestartAdapter);
            synchronized (lock) {
                state = State.Started;
            }
            releaseHeld();
            return PortStatus.SUCCESS;
        }
        adapterControl(ScsiAdapterControlType.ScsiSetRunningConfig);
        return restart();
    }

    /** System shutdown (section 4.D): SRB_FUNCTION_SHUTDOWN to the adapter; nothing of the adapter runs after it. */
    void shutdown() {
        if (state != State.Started) {
            return;
        }
        StorageRequestBlock srb = StorageRequestBlock.control(SrbFunction.SRB_FUNCTION_SHUTDOWN, 0, 0, 0);
        await(submit(srb, true), srb);
        synchronized (lock) {
            state = State.Removed;
        }
    }

    /** Waits for the requests the miniport has (not those Storport holds): their TimeOutValue, then a report. */
    private void awaitMiniportIdle(String what) {
        long timeoutMs;
        synchronized (lock) {
            timeoutMs = 1000L * outstanding.keySet().stream().filter(r -> !held.contains(r))
                    .mapToInt(StorageRequestBlock::timeOutValue).max().orElse(1);
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(1000, timeoutMs));
        synchronized (lock) {
            while (outstanding.size() > held.size() && !isolated()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    port.verifier.report("SrbNeverCompleted", 0xC9, name, instanceId(), (outstanding.size() - held.size())
                            + " SRB(s) still in the miniport when " + what);
                    break;
                }
                try {
                    lock.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    /** IRP_MN_START_DEVICE after {@link #stop}: FindAdapter and HwInitialize again, then the held requests go on. */
    PortStatus restart() {
        if (state != State.Stopped) {
            return PortStatus.of(NtStatus.STATUS_INVALID_DEVICE_STATE).because("the adapter is " + state + ", not stopped");
        }
        PortStatus s = findAndInitialize();
        if (!s.isSuccess()) {
            List<StorageRequestBlock> left;
            synchronized (lock) {
                state = State.Failed;
                left = new ArrayList<>(held);
                held.clear();
            }
            for (StorageRequestBlock srb : left) {
                portComplete(srb, SrbStatus.SRB_STATUS_NO_DEVICE);
            }
        }
        return s;
    }

    private boolean supports(ScsiAdapterControlType t) {
        return supported != null && supported.supports(t);
    }

    private void adapterControl(ScsiAdapterControlType type) {
        if (supports(type)) {
            port.callbacks.call(name, instanceId(), "HwStorAdapterControl", TraceEvent.argMap("controlType", type),
                    () -> init.hwAdapterControl.adapterControl(ext, type, null),
                    ScsiAdapterControlStatus.ScsiAdapterControlUnsuccessful);
        }
    }

    private void unitControl(String address, ScsiUnitControlType type) {
        if (init.hwUnitControl != null) {
            port.callbacks.call(name, instanceId(), "HwStorUnitControl", TraceEvent.argMap("controlType", type,
                    "address", address), () -> init.hwUnitControl.unitControl(ext, type, address), null);
        }
    }

    // ---- bus scan (PnP worker)

    /**
     * The bus scan of spec section 2.4: per path and target, REPORT LUNS to LUN 0, or INQUIRY LUN 0 when that
     * fails; then INQUIRY each LUN reported; then the new list is diffed with the last one.
     */
    void scan() {
        if (state != State.Started) {
            return;
        }
        Map<String, Lun> found = new TreeMap<>();
        for (int path = 0; path < config.numberOfBuses; path++) {
            for (int target = 0; target < config.maximumNumberOfTargets; target++) {
                List<Integer> lunNumbers = reportLuns(path, target);
                for (int lun : lunNumbers) {
                    Lun l = inquiry(path, target, lun);
                    if (l != null) {
                        found.put(l.address(), l);
                    }
                }
            }
        }
        List<Lun> added = new ArrayList<>();
        List<Lun> gone = new ArrayList<>();
        synchronized (luns) {
            for (Lun l : found.values()) {
                if (!luns.containsKey(l.address())) {
                    added.add(l);
                }
            }
            for (Lun l : luns.values()) {
                if (!found.containsKey(l.address())) {
                    gone.add(l);
                }
            }
        }
        for (Lun l : gone) {
            port.trace.event(TraceEvent.Kind.PNP, name, instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "LUN removal", "address", l.address()));
            removeLun(l.address());
        }
        for (Lun l : added) {
            port.trace.event(TraceEvent.Kind.PNP, name, instanceId(), "IRP_MN_QUERY_DEVICE_RELATIONS",
                    TraceEvent.argMap("type", "BusRelations", "change", "LUN arrival", "address", l.address()));
            synchronized (luns) {
                luns.put(l.address(), l);
            }
            lunAddresses.add(l.address());
            unitControl(l.address(), ScsiUnitControlType.ScsiUnitStart);
            // disk.sys claims the new LUN's PDO (classpnp's ClassClaimDevice) and reads its capacity
            // (ClassReadDriveCapacity), the first class I/O a disk LUN gets (spec section 6)
            port.trace.event(TraceEvent.Kind.PNP, name, instanceId(), "ClassClaimDevice",
                    TraceEvent.argMap("address", l.address(), "classDriver", "disk.sys"));
            readCapacity(l.address());
        }
    }

    /** READ CAPACITY(10) to a LUN the class driver just claimed, as a class request (it waits while busy). */
    private void readCapacity(String address) {
        String[] p = address.split(":");
        byte[] cdb = new byte[10];
        cdb[0] = (byte) ScsiOp.SCSIOP_READ_CAPACITY;
        StorageRequestBlock srb = StorageRequestBlock.executeScsi(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                Integer.parseInt(p[2]), cdb, StorageRequestBlock.SRB_FLAGS_DATA_IN, new byte[8], 8, 10);
        await(submit(srb, false), srb);
    }

    private List<Integer> reportLuns(int path, int target) {
        int alloc = 8 + 8 * Math.max(1, config.maximumNumberOfLogicalUnits);
        byte[] cdb = new byte[12];
        cdb[0] = (byte) ScsiOp.SCSIOP_REPORT_LUNS;
        putBe32(cdb, 6, alloc);
        StorageRequestBlock srb = StorageRequestBlock.executeScsi(path, target, 0, cdb,
                StorageRequestBlock.SRB_FLAGS_DATA_IN, new byte[alloc], alloc, 10);
        StorageRequestBlock done = await(submit(srb, true), srb);
        List<Integer> out = new ArrayList<>();
        if (done != null && SrbStatus.status(done.srbStatus) == SrbStatus.SRB_STATUS_SUCCESS && done.dataTransferLength >= 8) {
            byte[] d = done.dataBuffer();
            int listLength = getBe32(d, 0);
            for (int off = 8; off + 8 <= Math.min(d.length, 8 + listLength); off += 8) {
                out.add(((d[off] & 0x3F) << 8) | (d[off + 1] & 0xFF)); // single-level (peripheral) addressing
            }
            return out;
        }
        if (inquiry(path, target, 0) != null) {
            out.add(0);
        }
        return out;
    }

    private Lun inquiry(int path, int target, int lun) {
        byte[] cdb = new byte[6];
        cdb[0] = (byte) ScsiOp.SCSIOP_INQUIRY;
        cdb[4] = 36;
        StorageRequestBlock srb = StorageRequestBlock.executeScsi(path, target, lun, cdb,
                StorageRequestBlock.SRB_FLAGS_DATA_IN, new byte[36], 36, 10);
        StorageRequestBlock done = await(submit(srb, true), srb);
        if (done == null || SrbStatus.status(done.srbStatus) != SrbStatus.SRB_STATUS_SUCCESS || done.dataTransferLength < 32) {
            return null;
        }
        byte[] d = done.dataBuffer();
        if ((d[0] & 0xE0) != 0) {
            return null; // peripheral qualifier: no device here
        }
        return new Lun(path + ":" + target + ":" + lun, ascii(d, 8, 8), ascii(d, 16, 16));
    }

    private void removeLun(String address) {
        String[] p = address.split(":");
        StorageRequestBlock srb = StorageRequestBlock.pnp(StorPnpAction.StorRemoveDevice, 0,
                Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        await(submit(srb, true), srb);
        unitControl(address, ScsiUnitControlType.ScsiUnitRemove);
        lunAddresses.remove(address);
        synchronized (luns) {
            luns.remove(address);
        }
    }

    // ---- removal (PnP worker)

    /**
     * IRP_MN_SURPRISE_REMOVAL (section 4.B): ScsiUnitSurpriseRemoval per LUN, the StorSurpriseRemoval SRB for the
     * adapter, [ScsiAdapterSurpriseRemoval], then every outstanding request completed or aborted; the rest follows
     * with IRP_MN_REMOVE_DEVICE ({@link #remove}). On the PnP worker, PASSIVE_LEVEL.
     */
    void surpriseRemoved() {
        if (state != State.Started && state != State.Stopped) { // a stopped or powered-down adapter is removed too
            return;
        }
        state = State.Stopping; // from now on only Storport's own requests reach the miniport
        surpriseRemovalDone = true;
        for (Lun l : luns()) {
            unitControl(l.address(), ScsiUnitControlType.ScsiUnitSurpriseRemoval);
        }
        StorageRequestBlock srb = StorageRequestBlock.pnp(StorPnpAction.StorSurpriseRemoval,
                StorageRequestBlock.SRB_PNP_FLAGS_ADAPTER_REQUEST, 0, 0, 0);
        await(submit(srb, true), srb);
        adapterControl(ScsiAdapterControlType.ScsiAdapterSurpriseRemoval);
        drain();
    }

    /** Whether IRP_MN_SURPRISE_REMOVAL ran {@link #surpriseRemoved}; PnP worker only. */
    private boolean surpriseRemovalDone;

    /**
     * IRP_MN_REMOVE_DEVICE: the orderly removal, or the rest of a surprise removal (its first part runs here when
     * IRP_MN_SURPRISE_REMOVAL did not come first). On the PnP worker, PASSIVE_LEVEL.
     */
    void remove(boolean surprise) {
        if (surprise) {
            surpriseRemoved();
            if (!surpriseRemovalDone || state != State.Stopping) {
                return; // not started, or removed already
            }
        } else {
            if (state != State.Started && state != State.Stopped) { // a stopped or powered-down adapter is removed too
                return;
            }
            state = State.Stopping; // from now on only Storport's own requests reach the miniport
            drain(); // a logical unit is removed only once every request to it has completed
            for (Lun l : luns()) {
                removeLun(l.address());
            }
            StorageRequestBlock pnp = StorageRequestBlock.pnp(StorPnpAction.StorRemoveDevice,
                    StorageRequestBlock.SRB_PNP_FLAGS_ADAPTER_REQUEST, 0, 0, 0);
            await(submit(pnp, true), pnp);
            StorageRequestBlock flush = StorageRequestBlock.control(SrbFunction.SRB_FUNCTION_FLUSH, 0, 0, 0);
            await(submit(flush, true), flush);
        }
        adapterControl(ScsiAdapterControlType.ScsiStopAdapter);
        if (!surprise) {
            // spec/storport-lifecycle.md section 9, oracles 4 and 6: after StopAdapter on a removal, not on a surprise one
            adapterControl(ScsiAdapterControlType.ScsiSetBootConfig);
        }
        if (init.hwCompleteServiceIrp != null) {
            port.callbacks.callVoid(name, instanceId(), "HwStorCompleteServiceIrp", TraceEvent.argMap(),
                    () -> init.hwCompleteServiceIrp.completeServiceIrp(ext));
        }
        freeResources();
        state = State.Removed;
    }

    /**
     * Every request not yet handed to the miniport is completed by Storport with SRB_STATUS_REQUEST_FLUSHED;
     * requests the miniport holds get their TimeOutValue (the longest of them), then HwStorResetBus on each
     * path (spec section 5, timeouts), and any still outstanding after {@link #RESET_WAIT_MS} are completed
     * by Storport with SRB_STATUS_ABORTED (and reported).
     */
    private void drain() {
        List<StorageRequestBlock> flushed;
        synchronized (lock) {
            flushed = new ArrayList<>(held);
            held.clear();
        }
        for (StorageRequestBlock srb : flushed) {
            portComplete(srb, SrbStatus.SRB_STATUS_REQUEST_FLUSHED);
        }
        long timeoutMs;
        synchronized (lock) {
            timeoutMs = 1000L * outstanding.keySet().stream().mapToInt(StorageRequestBlock::timeOutValue).max().orElse(1);
        }
        if (!awaitIdle(Math.max(1000, timeoutMs))) {
            for (int path = 0; path < config.numberOfBuses; path++) {
                int p = path;
                Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
                try {
                    port.callbacks.call(name, instanceId(), "HwStorResetBus", TraceEvent.argMap("pathId", p),
                            () -> init.hwResetBus.resetBus(ext, p), false);
                } finally {
                    Irql.lower(old);
                }
            }
            if (!awaitIdle(RESET_WAIT_MS)) {
                List<StorageRequestBlock> left;
                synchronized (lock) {
                    left = new ArrayList<>(outstanding.keySet());
                }
                port.verifier.report("SrbNeverCompleted", 0xC9, name, instanceId(), left.size()
                        + " SRB(s) not completed after HwStorResetBus; Storport aborts them");
                for (StorageRequestBlock srb : left) {
                    portComplete(srb, SrbStatus.SRB_STATUS_ABORTED);
                }
            }
        }
    }

    /** @return whether the watchdog isolated this adapter's driver: nothing more to wait for from it */
    boolean isolated() {
        return port.callbacks.isolated(name);
    }

    /**
     * The watchdog isolated the driver: forget the adapter without calling the miniport; every request it holds or
     * that waits is completed by Storport with SRB_STATUS_ABORTED, and its logical units are gone.
     */
    void isolate() {
        List<StorageRequestBlock> left;
        synchronized (lock) {
            state = State.Removed;
            freed = true;
            left = new ArrayList<>(outstanding.keySet());
            held.clear();
            luns.clear();
            lock.notifyAll();
        }
        lunAddresses.clear();
        for (StorageRequestBlock srb : left) {
            portComplete(srb, SrbStatus.SRB_STATUS_ABORTED);
        }
    }

    private boolean awaitIdle(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (lock) {
            while (!outstanding.isEmpty() && !isolated()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Storport completes a request itself (it never reached, or never came back from, the miniport). */
    private void portComplete(StorageRequestBlock srb, int srbStatus) {
        CompletableFuture<StorageRequestBlock> f;
        synchronized (lock) {
            f = outstanding.remove(srb);
            luDone(srb);
            lock.notifyAll();
        }
        srb.srbStatus = srbStatus;
        srb.dataTransferLength = 0;
        port.trace.event(TraceEvent.Kind.PNP, name, instanceId(), "IoCompleteRequest", TraceEvent.argMap(
                "address", srb.address(), "srbStatus", SrbStatus.name(srbStatus)));
        if (f != null) {
            f.complete(srb);
        }
    }

    private void freeResources() {
        freeing = true;
        port.callbacks.callVoid(name, instanceId(), "HwStorFreeAdapterResources", TraceEvent.argMap(),
                () -> init.hwFreeAdapterResources.freeAdapterResources(ext));
        freed = true;
    }

    // ---- the request path

    /**
     * Hands an SRB to the miniport (HwStorStartIo at DISPATCH_LEVEL on this thread), or holds it while the
     * adapter is busy or the LU queue is full. A class request to an adapter that is not started is completed
     * at once by Storport with SRB_STATUS_NO_DEVICE and never reaches the miniport.
     *
     * @param portRequest whether Storport itself issues it (scan, PnP, flush): allowed while stopping
     * @return completes when the SRB has been completed
     */
    CompletableFuture<StorageRequestBlock> submit(StorageRequestBlock srb, boolean portRequest) {
        CompletableFuture<StorageRequestBlock> f = new CompletableFuture<>();
        synchronized (lock) {
            boolean open = portRequest ? !freed && state != State.Failed && state != State.Removed
                    : state == State.Started || state == State.Stopped;
            if (!open) {
                srb.srbStatus = SrbStatus.SRB_STATUS_NO_DEVICE;
                srb.dataTransferLength = 0;
                f.complete(srb);
                return f;
            }
            outstanding.put(srb, f);
            if (!portRequest && (busy || state == State.Stopped || perLu.getOrDefault(luKey(srb), 0) >= LU_QUEUE_DEPTH)) {
                held.add(srb);
                return f;
            }
            perLu.merge(luKey(srb), 1, Integer::sum);
        }
        startIo(srb);
        return f;
    }

    private void startIo(StorageRequestBlock srb) {
        Irql old = Irql.raise(Irql.DISPATCH_LEVEL);
        try {
            java.util.function.Supplier<Boolean> call = () -> init.hwStartIo.startIo(ext, srb);
            // SCSI requests are per-request events; PnP, flush and I/O-control SRBs are lifecycle and always traced
            Boolean accepted = srb.srbFunction() == SrbFunction.SRB_FUNCTION_EXECUTE_SCSI
                    ? port.callbacks.callRequest(name, instanceId(), "HwStorStartIo", () -> startIoArgs(srb), call, false)
                    : port.callbacks.call(name, instanceId(), "HwStorStartIo", startIoArgs(srb), call, false);
            if (!Boolean.TRUE.equals(accepted)) {
                port.verifier.report("StartIoReturnedFalse", 0xC9, name, instanceId(),
                        "HwStorStartIo returned FALSE for " + srb.srbFunction() + " at " + srb.address()
                                + "; it must return TRUE and complete the SRB");
            }
        } finally {
            Irql.lower(old);
        }
    }

    private static Map<String, ?> startIoArgs(StorageRequestBlock srb) {
        return srb.srbFunction() == SrbFunction.SRB_FUNCTION_EXECUTE_SCSI
                ? TraceEvent.argMap("srbFunction", srb.srbFunction(), "address", srb.address(),
                        "cdb", ScsiOp.name(srb.cdb()), "dataTransferLength", srb.dataTransferLength)
                : srb.srbFunction() == SrbFunction.SRB_FUNCTION_PNP
                ? TraceEvent.argMap("srbFunction", srb.srbFunction(), "address", srb.address(),
                        "pnpAction", srb.pnpAction(), "srbPnPFlags",
                        (srb.pnpFlags() & StorageRequestBlock.SRB_PNP_FLAGS_ADAPTER_REQUEST) != 0
                                ? "SRB_PNP_FLAGS_ADAPTER_REQUEST" : "0")
                : srb.srbFunction() == SrbFunction.SRB_FUNCTION_IO_CONTROL
                ? TraceEvent.argMap("srbFunction", srb.srbFunction(), "signature", srb.ioControlSignature(),
                        "controlCode", srb.ioControlCode())
                : TraceEvent.argMap("srbFunction", srb.srbFunction(), "address", srb.address());
    }

    private static Integer luKey(StorageRequestBlock srb) {
        return (srb.pathId() << 16) | (srb.targetId() << 8) | srb.lun();
    }

    private void luDone(StorageRequestBlock srb) {
        perLu.computeIfPresent(luKey(srb), (k, v) -> v <= 1 ? null : v - 1);
    }

    private StorageRequestBlock await(CompletableFuture<StorageRequestBlock> f, StorageRequestBlock srb) {
        try {
            return f.get(Math.max(1, srb.timeOutValue()), TimeUnit.SECONDS);
        } catch (Exception e) {
            port.verifier.report("SrbTimeout", 0xC9, name, instanceId(), srb.srbFunction() + " at " + srb.address()
                    + " not completed within its TimeOutValue of " + srb.timeOutValue() + " s");
            return null;
        }
    }

    private void releaseHeld() {
        List<StorageRequestBlock> release = new ArrayList<>();
        synchronized (lock) {
            while (!busy && !held.isEmpty() && state == State.Started) {
                StorageRequestBlock next = held.peek();
                if (perLu.getOrDefault(luKey(next), 0) >= LU_QUEUE_DEPTH) {
                    break;
                }
                held.poll();
                perLu.merge(luKey(next), 1, Integer::sum);
                release.add(next);
            }
        }
        if (!release.isEmpty()) {
            port.scheduler.queueWorkItem("Storport restarts held requests", () -> release.forEach(this::startIo));
        }
    }

    // ---- StorPortAdapter: what the miniport calls

    private boolean alive(String ddi) {
        if (freed) {
            port.verifier.report("StorPortCallAfterFreeAdapterResources", 0xC9, name, instanceId(),
                    ddi + " called after HwStorFreeAdapterResources; Storport ignores it");
            return false;
        }
        return true;
    }

    @Override
    public void storPortNotification(StorPortNotificationType type, StorageRequestBlock srb) {
        if (type != StorPortNotificationType.RequestComplete) {
            throw new IllegalArgumentException("StorPortNotification(" + type + ") does not take an SRB");
        }
        port.callbacks.checkIrql(name, instanceId(), "StorPortNotification", Irql.DISPATCH_LEVEL);
        if (srb.srbFunction() != SrbFunction.SRB_FUNCTION_EXECUTE_SCSI || port.trace.ioTracing()) {
            port.trace.ddi(name, instanceId(), "StorPortNotification", TraceEvent.argMap("notificationType", type,
                    "address", srb.address(), "srbStatus", SrbStatus.name(srb.srbStatus), "scsiStatus",
                    HEX_BYTE[srb.scsiStatus & 0xFF], "dataTransferLength", srb.dataTransferLength));
        }
        if (!alive("StorPortNotification(RequestComplete)")) {
            return;
        }
        CompletableFuture<StorageRequestBlock> f;
        boolean release = false;
        synchronized (lock) {
            f = outstanding.remove(srb);
            if (f != null) {
                luDone(srb);
                if (busy && busyRemaining > 0 && --busyRemaining == 0) {
                    busy = false;
                }
                release = !held.isEmpty();
                lock.notifyAll();
            }
        }
        if (f == null) {
            port.verifier.report("SrbCompletedTwice", 0xC9, name, instanceId(), "StorPortNotification(RequestComplete) for "
                    + srb.srbFunction() + " at " + srb.address() + ", which is not outstanding (completed twice or unknown)");
            return;
        }
        f.complete(srb);
        if (release) {
            releaseHeld();
        }
    }

    @Override
    public void storPortNotification(StorPortNotificationType type, int pathId) {
        if (type != StorPortNotificationType.BusChangeDetected) {
            throw new IllegalArgumentException("StorPortNotification(" + type + ") does not take a path ID");
        }
        port.callbacks.checkIrql(name, instanceId(), "StorPortNotification", Irql.DISPATCH_LEVEL);
        port.trace.ddi(name, instanceId(), "StorPortNotification", TraceEvent.argMap("notificationType", type,
                "pathId", pathId));
        if (alive("StorPortNotification(BusChangeDetected)")) {
            port.scheduler.queuePnp("bus rescan of " + instanceId(), this::scan);
        }
    }

    @Override
    public boolean storPortBusy(int requestsToComplete) {
        port.trace.ddi(name, instanceId(), "StorPortBusy", TraceEvent.argMap("requestsToComplete", requestsToComplete));
        if (alive("StorPortBusy")) {
            synchronized (lock) {
                busy = true;
                busyRemaining = requestsToComplete;
            }
        }
        return true;
    }

    @Override
    public boolean storPortReady() {
        port.trace.ddi(name, instanceId(), "StorPortReady", TraceEvent.argMap());
        if (alive("StorPortReady")) {
            synchronized (lock) {
                busy = false;
                busyRemaining = 0;
            }
            releaseHeld();
        }
        return true;
    }

    @Override
    public void storPortQueueWorkItem(Runnable routine) {
        port.trace.ddi(name, instanceId(), "StorPortQueueWorkItem", TraceEvent.argMap());
        if (alive("StorPortQueueWorkItem")) {
            port.scheduler.queueWorkItem("Storport work item of " + instanceId(), () -> {
                if (freeing) {
                    // HwStorFreeAdapterResources is the last call into the adapter: a work item still queued is dropped
                    port.verifier.report("WorkItemOutstandingAtFreeAdapterResources", 0xC9, name, instanceId(),
                            "a work item queued with StorPortQueueWorkItem had not run when HwStorFreeAdapterResources "
                                    + "was called; Storport drops it");
                    return;
                }
                port.callbacks.callRequestVoid(name, instanceId(), "HwStorWorkItem", TraceEvent::argMap, routine);
            });
        }
    }

    // ---- helpers

    static void putBe32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getBe32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static String ascii(byte[] d, int off, int len) {
        return new String(d, off, len, java.nio.charset.StandardCharsets.US_ASCII).trim();
    }

    @Override
    public String toString() {
        return instanceId();
    }
}
