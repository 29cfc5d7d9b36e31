package org.drvsim.storport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceResources;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.DriverObject;
import org.drvsim.nt.NtStatus;
import org.drvsim.kernel.PortStatus;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.drvsim.storport.ScsiAdapterControlStatus;
import org.drvsim.storport.ScsiAdapterControlType;
import org.drvsim.storport.ScsiOp;
import org.drvsim.storport.ScsiSupportedControlTypeList;
import org.drvsim.storport.SpReturn;
import org.drvsim.storport.SrbFunction;
import org.drvsim.storport.SrbStatus;
import org.drvsim.storport.StorPortAdapter;
import org.drvsim.storport.StorPortDriverObject;
import org.drvsim.storport.StorPortNotificationType;
import org.drvsim.storport.StorageRequestBlock;
import org.drvsim.storport.StorportMiniportEntry;
import org.drvsim.storport.VirtualHwInitializationData;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * The rules Storport enforces (spec/storport-lifecycle.md sections 1, 3, 4 and 5;
 * spec/seeds/storport-HW_FREE_ADAPTER_RESOURCES.md), on StorPort with the real kernel scheduler, trace
 * and verifier and no OSGi framework.
 */
public class StorportRulesTest {
    static final String DEV = "ROOT\\TEST\\0000";

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private StorPort storport;
    private StorClassDriver classDriver;
    private final Miniport miniport = new Miniport();
    private Driver driverObject;
    private final DeviceNode node = new Node();

    /** A one-LUN virtual miniport that completes everything inline; tests replace its routines. */
    static class Miniport implements StorportMiniportEntry {
        final VirtualHwInitializationData<StorPortAdapter> init = new VirtualHwInitializationData<>();
        final AtomicReference<StorPortAdapter> adapter = new AtomicReference<>();
        final List<StorageRequestBlock> seen = new CopyOnWriteArrayList<>();

        Miniport() {
            init.deviceExtension = a -> {
                adapter.set(a);
                return a;
            };
            init.hwFindAdapter = (ext, ctx, bus, lower, args, config, again) -> {
                config.virtualDevice = true;
                return SpReturn.SP_RETURN_FOUND;
            };
            init.hwInitialize = ext -> true;
            init.hwStartIo = (ext, srb) -> {
                seen.add(srb);
                if (srb.cdbOpcode() == ScsiOp.SCSIOP_REPORT_LUNS) {
                    srb.dataBuffer()[3] = 8; // one LUN: 0
                    srb.dataTransferLength = 16;
                } else if (srb.cdbOpcode() == ScsiOp.SCSIOP_INQUIRY) {
                    srb.dataTransferLength = 36;
                }
                srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
                ext.storPortNotification(StorPortNotificationType.RequestComplete, srb);
                return true;
            };
            init.hwResetBus = (ext, path) -> true;
            init.hwAdapterControl = (ext, type, params) -> {
                if (type == ScsiAdapterControlType.ScsiQuerySupportedControlTypes) {
                    ((ScsiSupportedControlTypeList) params).support(ScsiAdapterControlType.ScsiStopAdapter);
                }
                return ScsiAdapterControlStatus.ScsiAdapterControlSuccess;
            };
            init.hwFreeAdapterResources = ext -> { };
        }

        @Override
        public NtStatus driverEntry(StorPortDriverObject d) {
            return d.storPortInitialize(init);
        }
    }

    class Driver implements DriverObject {
        @Override public String name() { return "test.miniport/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "storport"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        public Object entry() { return miniport; }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    }

    static final class Node implements DeviceNode {
        @Override public String instanceId() { return DEV; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\TEST"); }
        @Override public String description() { return "test adapter"; }
        @Override public Map<String, String> properties() { return Map.of(); }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return 0; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return "test.miniport/1.0.0"; }
    }

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        storport = new StorPort(trace, verifier, scheduler);
        classDriver = new StorClassDriver(storport, scheduler);
        driverObject = new Driver();
    }

    @After
    public void tearDown() {
        scheduler.close();
    }

    private PortStatus load() {
        assertThat(storport.driverEntry(driverObject, driverObject.entry()).isSuccess()).isTrue();
        return storport.startDevice(driverObject, node, DeviceResources.NONE);
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    private List<String> callbacks() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).stream().map(TraceEvent::name).toList();
    }

    @Test
    public void storPortInitializeRefusesAMissingRequiredRoutine() {
        miniport.init.hwResetBus = null;
        assertThat(storport.driverEntry(driverObject, driverObject.entry()).name()).isEqualTo("STATUS_INVALID_PARAMETER");
    }

    @Test
    public void storPortInitializeRefusesAnInterfaceTypeOtherThanInternal() {
        miniport.init.adapterInterfaceType = org.drvsim.nt.InterfaceType.PCIBus;
        PortStatus s = storport.driverEntry(driverObject, driverObject.entry());
        assertThat(s.name()).isEqualTo("STATUS_INVALID_PARAMETER");
        assertThat(s.detail()).isEqualTo("StorPortInitialize: AdapterInterfaceType is PCIBus; a virtual miniport uses Internal");
    }

    @Test
    public void aFailedStorPortInitializeNamesEachMissingRequiredRoutine() throws Exception {
        java.util.Map<String, String> required = new java.util.LinkedHashMap<>();
        required.put("deviceExtension", "the device extension factory");
        required.put("hwFindAdapter", "VirtualHwStorFindAdapter");
        required.put("hwInitialize", "HwStorInitialize");
        required.put("hwStartIo", "HwStorStartIo");
        required.put("hwResetBus", "HwStorResetBus");
        required.put("hwAdapterControl", "HwStorAdapterControl");
        required.put("hwFreeAdapterResources", "HwStorFreeAdapterResources");
        for (var e : required.entrySet()) {
            Miniport m = new Miniport();
            org.drvsim.storport.VirtualHwInitializationData.class.getField(e.getKey()).set(m.init, null);
            PortStatus s = new StorPort(trace, verifier, scheduler).driverEntry(new Driver(), m);
            assertThat(s.name()).as(e.getKey()).isEqualTo("STATUS_INVALID_PARAMETER");
            assertThat(s.detail()).as(e.getKey()).isEqualTo("StorPortInitialize: required routine(s) missing: "
                    + e.getValue() + " (" + e.getKey() + ")");
        }
    }

    @Test
    public void routinesThatGoInPairsAreNamedWhenOneIsMissing() {
        miniport.init.hwInitializeTracing = (d, path) -> { };
        assertThat(storport.driverEntry(driverObject, driverObject.entry()).detail()).isEqualTo("StorPortInitialize: required routine(s) "
                + "missing: HwStorCleanupTracing (hwCleanupTracing), required with HwStorInitializeTracing");
    }

    @Test
    public void aFindAdapterThatDoesNotSetVirtualDeviceFailsTheStartAndFreesTheAdapter() {
        miniport.init.hwFindAdapter = (ext, ctx, bus, lower, args, config, again) -> SpReturn.SP_RETURN_FOUND;
        PortStatus s = load();
        assertThat(s.isSuccess()).isFalse();
        assertThat(rules()).containsExactly("VirtualDeviceNotSet");
        assertThat(callbacks()).containsExactly("DriverEntry", "VirtualHwStorFindAdapter", "HwStorFreeAdapterResources");
    }

    @Test
    public void onlyTheControlTypesTheMiniportMarkedSupportedAreSent() {
        load();
        storport.removeDevice(driverObject, node);
        List<String> types = trace.events(e -> e.name().equals("HwStorAdapterControl")).stream()
                .map(e -> e.arg("controlType")).toList();
        assertThat(types).containsExactly("ScsiQuerySupportedControlTypes", "ScsiStopAdapter");
    }

    @Test
    public void completingAnSrbTwiceIsAViolationAndCompletesItOnce() throws Exception {
        AtomicReference<StorageRequestBlock> last = new AtomicReference<>();
        var inner = miniport.init.hwStartIo;
        miniport.init.hwStartIo = (ext, srb) -> {
            last.set(srb);
            return inner.startIo(ext, srb);
        };
        load();
        byte[] tur = new byte[6];
        var r = classDriver.executeScsi(DEV, "0:0:0", tur, null, true, 0);
        assertThat(r.success()).isTrue();
        miniport.adapter.get().storPortNotification(StorPortNotificationType.RequestComplete, last.get());
        assertThat(rules()).containsExactly("SrbCompletedTwice");
    }

    @Test
    public void aStorportCallAfterFreeAdapterResourcesIsAViolationAndIgnored() {
        load();
        storport.removeDevice(driverObject, node);
        miniport.adapter.get().storPortNotification(StorPortNotificationType.BusChangeDetected, 0);
        assertThat(rules()).containsExactly("StorPortCallAfterFreeAdapterResources");
    }

    @Test
    public void aWorkItemStillQueuedAtHwStorFreeAdapterResourcesNeverRunsAndIsOneViolation() {
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        miniport.init.hwFreeAdapterResources = ext -> {
            miniport.adapter.get().storPortQueueWorkItem(ran::incrementAndGet);
            try {
                Thread.sleep(300); // time enough for the work item to be picked up by a system worker
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        load();
        storport.removeDevice(driverObject, node);
        assertThat(ran).hasValue(0);
        assertThat(rules()).containsExactly("WorkItemOutstandingAtFreeAdapterResources");
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).stream().map(TraceEvent::name).toList())
                .endsWith("HwStorFreeAdapterResources").doesNotContain("HwStorWorkItem");
        // after it, the call itself is refused
        miniport.adapter.get().storPortQueueWorkItem(ran::incrementAndGet);
        assertThat(rules()).containsExactly("WorkItemOutstandingAtFreeAdapterResources",
                "StorPortCallAfterFreeAdapterResources");
        assertThat(ran).hasValue(0);
    }

    @Test
    public void requestsAfterTheAdapterStoppedNeverReachHwStartIoAndGetNoDevice() throws Exception {
        load();
        StorAdapter a = storport.adapter(DEV).orElseThrow();
        storport.removeDevice(driverObject, node);
        int before = miniport.seen.size();
        StorageRequestBlock srb = StorageRequestBlock.executeScsi(0, 0, 0, new byte[6], 0, null, 0, 5);
        StorageRequestBlock done = a.submit(srb, false).get();
        assertThat(SrbStatus.status(done.srbStatus)).isEqualTo(SrbStatus.SRB_STATUS_NO_DEVICE);
        assertThat(miniport.seen).hasSize(before);
    }

    @Test
    public void anSrbTheMiniportNeverCompletesIsAbortedAtRemovalAfterResetBusAndReported() throws Exception {
        miniport.init.hwStartIo = (ext, srb) -> {
            if (srb.cdbOpcode() == ScsiOp.SCSIOP_READ) {
                return true; // keeps it forever
            }
            srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
            if (srb.cdbOpcode() == ScsiOp.SCSIOP_REPORT_LUNS) {
                srb.dataBuffer()[3] = 8;
                srb.dataTransferLength = 16;
            }
            ext.storPortNotification(StorPortNotificationType.RequestComplete, srb);
            return true;
        };
        load();
        StorAdapter a = storport.adapter(DEV).orElseThrow();
        byte[] read = {(byte) ScsiOp.SCSIOP_READ, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        var pending = a.submit(StorageRequestBlock.executeScsi(0, 0, 0, read, StorageRequestBlock.SRB_FLAGS_DATA_IN,
                new byte[512], 512, 1), false);
        storport.removeDevice(driverObject, node);
        assertThat(SrbStatus.status(pending.get().srbStatus)).isEqualTo(SrbStatus.SRB_STATUS_ABORTED);
        assertThat(rules()).containsExactly("SrbNeverCompleted");
        List<String> order = callbacks();
        assertThat(order.indexOf("HwStorResetBus")).isLessThan(order.lastIndexOf("HwStorAdapterControl"));
        assertThat(order).endsWith("HwStorFreeAdapterResources");
    }

    @Test
    public void aLunIsRemovedOnlyAfterTheRequestsToItHaveCompleted() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        VirtualHwInitializationData.HwStartIo<StorPortAdapter> normal = miniport.init.hwStartIo;
        miniport.init.hwStartIo = (ext, srb) -> {
            if (srb.cdbOpcode() == ScsiOp.SCSIOP_READ) {
                new Thread(() -> { // the hardware completes it later
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    srb.srbStatus = SrbStatus.SRB_STATUS_SUCCESS;
                    order.add("READ completed");
                    ext.storPortNotification(StorPortNotificationType.RequestComplete, srb);
                }).start();
                return true;
            }
            if (srb.srbFunction() == SrbFunction.SRB_FUNCTION_PNP) {
                order.add("PNP " + (srb.pnpFlags() == 0 ? "LUN " + srb.address() : "adapter"));
            }
            return normal.startIo(ext, srb);
        };
        load();
        StorAdapter a = storport.adapter(DEV).orElseThrow();
        byte[] read = {(byte) ScsiOp.SCSIOP_READ, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        var pending = a.submit(StorageRequestBlock.executeScsi(0, 0, 0, read, StorageRequestBlock.SRB_FLAGS_DATA_IN,
                new byte[512], 512, 10), false);
        storport.removeDevice(driverObject, node);
        assertThat(SrbStatus.status(pending.get().srbStatus)).isEqualTo(SrbStatus.SRB_STATUS_SUCCESS);
        assertThat(order).containsExactly("READ completed", "PNP LUN 0:0:0", "PNP adapter");
        assertThat(rules()).isEmpty();
    }

    @Test
    public void anAdapterRemovedWhilePoweredDownFlushesTheRequestsItHeldAndFreesItsResources() throws Exception {
        for (boolean surprise : new boolean[] {false, true}) {
            trace.clear();
            load();
            StorAdapter a = storport.adapter(DEV).orElseThrow();
            a.powerDown();
            byte[] read = {(byte) ScsiOp.SCSIOP_READ, 0, 0, 0, 0, 0, 0, 0, 1, 0};
            var held = a.submit(StorageRequestBlock.executeScsi(0, 0, 0, read, StorageRequestBlock.SRB_FLAGS_DATA_IN,
                    new byte[512], 512, 10), false);
            assertThat(held).as("held while the adapter is powered down").isNotDone();
            if (surprise) {
                storport.surpriseRemoval(driverObject, node);
                storport.surpriseRemoveDevice(driverObject, node);
            } else {
                storport.removeDevice(driverObject, node);
            }
            assertThat(SrbStatus.status(held.get(5, java.util.concurrent.TimeUnit.SECONDS).srbStatus))
                    .as("surprise " + surprise).isEqualTo(SrbStatus.SRB_STATUS_REQUEST_FLUSHED);
            assertThat(callbacks()).as("surprise " + surprise).endsWith("HwStorFreeAdapterResources");
            storport.driverUnload(driverObject);
        }
    }

    @Test
    public void scsiSetBootConfigFollowsScsiStopAdapterOnAnOrderlyRemovalButNotOnASurpriseRemoval() {
        var query = miniport.init.hwAdapterControl;
        miniport.init.hwAdapterControl = (ext, type, params) -> {
            if (type == ScsiAdapterControlType.ScsiQuerySupportedControlTypes) {
                ((ScsiSupportedControlTypeList) params).support(ScsiAdapterControlType.ScsiSetBootConfig);
            }
            return query.adapterControl(ext, type, params);
        };
        for (boolean surprise : new boolean[] {false, true}) {
            trace.clear();
            load();
            if (surprise) {
                storport.surpriseRemoveDevice(driverObject, node);
            } else {
                storport.removeDevice(driverObject, node);
            }
            List<String> controls = trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK
                    && e.name().equals("HwStorAdapterControl")).stream().map(e -> e.arg("controlType")).toList();
            if (surprise) {
                assertThat(controls).as("surprise removal").endsWith("ScsiStopAdapter")
                        .doesNotContain("ScsiSetBootConfig");
            } else {
                assertThat(controls).as("orderly removal").endsWith("ScsiStopAdapter",
                        "ScsiSetBootConfig");
            }
            assertThat(callbacks()).endsWith("HwStorFreeAdapterResources");
            storport.driverUnload(driverObject);
        }
    }

    @Test
    public void afterStorPortBusyRequestsAreHeldUntilStorPortReady() throws Exception {
        load();
        StorAdapter a = storport.adapter(DEV).orElseThrow();
        miniport.adapter.get().storPortBusy(0);
        int before = miniport.seen.size();
        var held = a.submit(StorageRequestBlock.executeScsi(0, 0, 0, new byte[6], 0, null, 0, 5), false);
        assertThat(held).isNotDone();
        assertThat(miniport.seen).hasSize(before);
        miniport.adapter.get().storPortReady();
        assertThat(SrbStatus.status(held.get(5, java.util.concurrent.TimeUnit.SECONDS).srbStatus))
                .isEqualTo(SrbStatus.SRB_STATUS_SUCCESS);
        assertThat(miniport.seen).hasSize(before + 1);
        assertThat(trace.events(e -> e.name().equals("StorPortBusy"))).hasSize(1);
        assertThat(rules()).isEmpty();
    }
}
