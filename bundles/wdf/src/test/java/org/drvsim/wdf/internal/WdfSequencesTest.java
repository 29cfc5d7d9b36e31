package org.drvsim.wdf.internal;

import org.drvsim.wdf.WdfIoQueueDispatchType;
import org.drvsim.wdf.WdfRequestType;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.drvsim.wdf.KmdfDriverEntry;
import org.drvsim.wdf.WdfDevice;
import org.drvsim.wdf.WdfDriver;
import org.drvsim.wdf.WdfDriverConfig;
import org.drvsim.wdf.WdfDriverObject;
import org.drvsim.wdf.WdfInterruptConfig;
import org.drvsim.wdf.WdfIoQueueConfig;
import org.drvsim.wdf.WdfObject;
import org.drvsim.wdf.WdfObjectAttributes;
import org.drvsim.wdf.WdfPnpPowerEventCallbacks;
import org.drvsim.wdf.WdfQueue;
import org.drvsim.wdf.WdfRequest;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;

/**
 * The documented KMDF sequences (spec/wdf-lifecycle.md section 7, oracles (i), (ii), (iii), (vi) and (vii);
 * section 3f FA-2) and the object rules (section 2), on WdfPort with the real kernel pieces, no framework.
 * The test driver is the oracle's device: one interrupt made in EvtDriverDeviceAdd, one power-managed
 * sequential queue with EvtIoStop, self-managed I/O callbacks, cleanup callbacks on every object.
 */
public class WdfSequencesTest {
    static final String DEV = "ROOT\\WDFTEST\\0000";

    private ThreadedScheduler scheduler;
    private TraceRecorder trace;
    private KernelVerifier verifier;
    private WdfPort wdf;
    private final TestDriver driver = new TestDriver();
    private final Driver driverObject = new Driver();
    private final DeviceNode node = new Node();

    /** The oracle's driver; tests change its behaviour through the fields. */
    static class TestDriver implements KmdfDriverEntry {
        volatile NtStatus prepareStatus = NtStatus.STATUS_SUCCESS;
        volatile NtStatus d0EntryStatus = NtStatus.STATUS_SUCCESS;
        volatile NtStatus releaseStatus = NtStatus.STATUS_SUCCESS;
        volatile NtStatus interruptEnableStatus = NtStatus.STATUS_SUCCESS;
        volatile NtStatus selfManagedIoInitStatus = NtStatus.STATUS_SUCCESS;
        volatile int flags;
        volatile boolean completeOnStop = true;
        volatile boolean isrThrows;
        volatile boolean dpcThrows;
        final AtomicReference<WdfRequest> held = new AtomicReference<>();
        final AtomicReference<WdfDriver> wdfDriver = new AtomicReference<>();

        static WdfObjectAttributes attrs() {
            WdfObjectAttributes a = new WdfObjectAttributes();
            a.evtCleanupCallback = o -> { };
            a.evtDestroyCallback = o -> { };
            return a;
        }

        @Override
        public NtStatus driverEntry(WdfDriverObject d) {
            WdfDriverConfig c = WdfDriverConfig.init(this::deviceAdd);
            c.evtDriverUnload = drv -> { };
            c.driverInitFlags = flags;
            var r = d.wdfDriverCreate(attrs(), c);
            wdfDriver.set(r.value());
            return r.status();
        }

        NtStatus deviceAdd(WdfDriver drv, org.drvsim.wdf.WdfDeviceInit init) {
            WdfPnpPowerEventCallbacks cb = new WdfPnpPowerEventCallbacks();
            cb.evtDevicePrepareHardware = (dev, raw, tr) -> prepareStatus;
            cb.evtDeviceReleaseHardware = (dev, tr) -> releaseStatus;
            cb.evtDeviceD0Entry = (dev, prev) -> d0EntryStatus;
            cb.evtDeviceD0EntryPostInterruptsEnabled = (dev, prev) -> NtStatus.STATUS_SUCCESS;
            cb.evtDeviceD0ExitPreInterruptsDisabled = (dev, t) -> NtStatus.STATUS_SUCCESS;
            cb.evtDeviceD0Exit = (dev, t) -> NtStatus.STATUS_SUCCESS;
            cb.evtDeviceSelfManagedIoInit = dev -> selfManagedIoInitStatus;
            cb.evtDeviceSelfManagedIoSuspend = dev -> NtStatus.STATUS_SUCCESS;
            cb.evtDeviceSelfManagedIoFlush = dev -> { };
            cb.evtDeviceSelfManagedIoCleanup = dev -> { };
            cb.evtDeviceSurpriseRemoval = dev -> { };
            cb.evtDeviceQueryRemove = dev -> NtStatus.STATUS_SUCCESS;
            init.wdfDeviceInitSetPnpPowerEventCallbacks(cb);
            var dev = init.wdfDeviceCreate(attrs());
            if (!dev.isSuccess()) {
                return dev.status();
            }
            WdfIoQueueConfig q = WdfIoQueueConfig.defaultQueue(WdfIoQueueDispatchType.WdfIoQueueDispatchSequential);
            q.evtIoRead = (queue, request, length) -> held.set(request); // keeps the request: in flight
            q.evtIoDeviceControl = (queue, request, out, in, code) ->
                    request.wdfRequestCompleteWithInformation(NtStatus.STATUS_SUCCESS, code);
            q.evtIoStop = (queue, request, action) -> {
                if (completeOnStop) {
                    request.wdfRequestComplete(NtStatus.STATUS_CANCELLED);
                } else {
                    request.wdfRequestStopAcknowledge(false);
                }
            };
            dev.value().wdfIoQueueCreate(q, attrs());
            WdfInterruptConfig ic = WdfInterruptConfig.init((i, id) -> {
                if (isrThrows) {
                    throw new IllegalStateException("ISR fault");
                }
                i.wdfInterruptQueueDpcForIsr();
                return true;
            }, (i, o) -> {
                if (dpcThrows) {
                    throw new OutOfMemoryError("DPC fault");
                }
            });
            ic.evtInterruptEnable = (i, d) -> interruptEnableStatus;
            ic.evtInterruptDisable = (i, d) -> NtStatus.STATUS_SUCCESS;
            dev.value().wdfInterruptCreate(ic, attrs());
            return NtStatus.STATUS_SUCCESS;
        }
    }

    class Driver implements DriverObject {
        @Override public String name() { return "test.kmdf/1.0.0"; }
        @Override public Bundle bundle() { return null; }
        @Override public String model() { return "wdf"; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\WDFTEST"); }
        public Object entry() { return driver; }
        @Override public List<DeviceNode> devices() { return List.of(node); }
    }

    static final class Node implements DeviceNode {
        @Override public String instanceId() { return DEV; }
        @Override public List<String> hardwareIds() { return List.of("ROOT\\WDFTEST"); }
        @Override public String description() { return "test device"; }
        @Override public Map<String, String> properties() { return Map.of(); }
        @Override public DeviceNodeState state() { return DeviceNodeState.DeviceNodeStarted; }
        @Override public int problem() { return 0; }
        @Override public String problemStatus() { return null; }
        @Override public String driverName() { return "test.kmdf/1.0.0"; }
    }

    @Before
    public void setUp() {
        scheduler = new ThreadedScheduler(2);
        trace = new TraceRecorder(scheduler::currentProcessor);
        verifier = new KernelVerifier(trace);
        wdf = new WdfPort(trace, verifier, scheduler, false);
    }

    @After
    public void tearDown() {
        scheduler.close();
    }

    /** For QueueDispatchTest: load and start the test driver's device. */
    void loadForQueueTests() {
        assertThat(load().isSuccess()).isTrue();
    }

    FxDeviceImpl device() {
        return wdf.device(DEV).orElseThrow();
    }

    TraceRecorder trace() {
        return trace;
    }

    void removeDevice() {
        wdf.removeDevice(driverObject, node);
    }

    private PortStatus load() {
        PortStatus s = wdf.driverEntry(driverObject, driverObject.entry());
        assertThat(s.isSuccess()).as(s.toString()).isTrue();
        return wdf.startDevice(driverObject, node, DeviceResources.NONE);
    }

    /** Callbacks as "Name" or "Name arg" for the arguments that tell documented steps apart. */
    private List<String> callbacks() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).stream().map(e -> {
            String a = e.arg("previousState") != null ? e.arg("previousState") : e.arg("targetState") != null
                    ? e.arg("targetState") : e.arg("actionFlags") != null ? e.arg("actionFlags") : e.arg("object");
            return a == null ? e.name() : e.name() + " " + a.replaceAll("#\\d+", "");
        }).toList();
    }

    /**
     * Callbacks as {@link #callbacks()} gives them, interleaved with the framework's own actions a driver can observe
     * (the trace's {@code *} lines: queues started, stopped and purged, interrupts connected and disconnected).
     */
    private List<String> lifecycle() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK || e.kind() == TraceEvent.Kind.PNP).stream()
                .map(e -> {
                    if (e.kind() == TraceEvent.Kind.PNP) {
                        return "* " + e.name();
                    }
                    String a = e.arg("previousState") != null ? e.arg("previousState") : e.arg("targetState") != null
                            ? e.arg("targetState") : e.arg("actionFlags") != null ? e.arg("actionFlags") : e.arg("object");
                    return a == null ? e.name() : e.name() + " " + a.replaceAll("#\\d+", "");
                }).toList();
    }

    private List<String> rules() {
        return verifier.violations().stream().map(Verifier.Violation::rule).toList();
    }

    @Test
    public void loadAndStartRunTheDocumentedSequence() {
        assertThat(load().isSuccess()).isTrue();
        assertThat(lifecycle()).containsExactly(
                "DriverEntry", "EvtDriverDeviceAdd", "EvtDevicePrepareHardware",
                "EvtDeviceD0Entry WdfPowerDeviceD3Final", "* IoConnectInterruptEx", "EvtInterruptEnable",
                "EvtDeviceD0EntryPostInterruptsEnabled WdfPowerDeviceD3Final", "* WdfIoQueueStart",
                "EvtDeviceSelfManagedIoInit");
        TraceEvent enable = trace.events(e -> e.name().equals("EvtInterruptEnable")).get(0);
        assertThat(enable.irql().name()).isEqualTo("DIRQL");
        assertThat(rules()).isEmpty();
    }

    @Test
    public void disableThenUnloadRunTheDocumentedSequenceWithEvtIoStopForTheRequestInFlight() throws Exception {
        load();
        FxDeviceImpl dev = wdf.device(DEV).orElseThrow();
        FxQueueImpl q = dev.queues.get(0);
        FxRequestImpl r = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeRead, 16, new byte[0], new byte[16]);
        q.submit(r);
        trace.await(e -> e.name().equals("EvtIoRead"), java.time.Duration.ofSeconds(5));
        trace.clear();
        wdf.removeDevice(driverObject, node);
        wdf.driverUnload(driverObject);
        assertThat(callbacks()).containsExactly(
                "EvtDeviceQueryRemove", "EvtDeviceSelfManagedIoSuspend", "EvtIoStop WdfRequestStopActionSuspend",
                "EvtDeviceD0ExitPreInterruptsDisabled WdfPowerDeviceD3Final", "EvtInterruptDisable",
                "EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware",
                "EvtDeviceSelfManagedIoFlush", "EvtDeviceSelfManagedIoCleanup",
                "EvtCleanupCallback WDFQUEUE", "EvtCleanupCallback WDFINTERRUPT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFQUEUE", "EvtDestroyCallback WDFINTERRUPT", "EvtDestroyCallback WDFDEVICE",
                "EvtDriverUnload", "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
        assertThat(lifecycle()).startsWith(
                "EvtDeviceQueryRemove", "EvtDeviceSelfManagedIoSuspend", "* WdfIoQueueStop",
                "EvtIoStop WdfRequestStopActionSuspend",
                "EvtDeviceD0ExitPreInterruptsDisabled WdfPowerDeviceD3Final", "EvtInterruptDisable",
                "* IoDisconnectInterruptEx", "EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware",
                "* WdfIoQueuePurge", "EvtDeviceSelfManagedIoFlush", "EvtDeviceSelfManagedIoCleanup");
        assertThat(r.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        long d0Exit = trace.events(e -> e.name().equals("EvtDeviceD0Exit")).get(0).seq();
        long completed = trace.events(e -> e.name().equals("WdfRequestComplete")).get(0).seq();
        assertThat(completed).as("the in-flight request is completed before D0Exit").isLessThan(d0Exit);
        assertThat(rules()).isEmpty();
    }

    @Test
    public void queuedRequestsAreCancelledByThePurgeAtRemoval() throws Exception {
        load();
        FxQueueImpl q = wdf.device(DEV).orElseThrow().queues.get(0);
        FxRequestImpl first = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeRead, 1, new byte[0], new byte[1]);
        FxRequestImpl second = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeRead, 1, new byte[0], new byte[1]);
        q.submit(first);
        q.submit(second); // sequential: waits behind the first
        trace.await(e -> e.name().equals("EvtIoRead"), java.time.Duration.ofSeconds(5));
        driver.completeOnStop = false; // acknowledge instead: the request stays with the driver
        wdf.removeDevice(driverObject, node);
        assertThat(second.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(lifecycle()).containsSubsequence("* WdfIoQueueStop", "EvtIoStop WdfRequestStopActionSuspend",
                "* WdfIoQueuePurge", "EvtIoStop WdfRequestStopActionPurge");
    }

    @Test
    public void traceArgumentsCarryWdkParameterNamesThatDoNotCollideWithTheEventsOwnFields() {
        load();
        TraceEvent entry = trace.events(e -> e.name().equals("DriverEntry")).get(0);
        assertThat(entry.args()).containsOnlyKeys("driverObject", "registryPath");
        assertThat(entry.arg("registryPath")).isEqualTo("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\test.kmdf");
        TraceEvent add = trace.events(e -> e.name().equals("EvtDriverDeviceAdd")).get(0);
        assertThat(add.args()).containsOnlyKeys("driverHandle", "deviceInit");
        assertThat(add.arg("driverHandle")).isEqualTo(driver.wdfDriver.get().toString());
        TraceEvent create = trace.events(e -> e.name().equals("WdfDeviceCreate")).get(0);
        assertThat(create.args()).containsOnlyKeys("deviceHandle", "status");
        assertThat(create.device()).isEqualTo(DEV);
        removeDevice();
        wdf.driverUnload(driverObject);
        assertThat(trace.events(e -> e.name().equals("EvtDriverUnload")).get(0).args()).containsOnlyKeys("driverHandle");
        List<String> reserved = List.of("driver", "device", "seq", "irql", "returnValue"); // TraceEventFormat's own
        assertThat(trace.events(e -> e.args().keySet().stream().anyMatch(reserved::contains))).isEmpty();
    }

    @Test
    public void aWdfObjectParentedToTheDeviceCarriesTheDeviceInItsTraceEvents() {
        load();
        WdfDevice dev = wdf.device(DEV).orElseThrow();
        WdfObjectAttributes a = TestDriver.attrs();
        a.parentObject = dev;
        WdfObject o = driver.wdfDriver.get().wdfObjectCreate(a).value();
        WdfObject unparented = driver.wdfDriver.get().wdfObjectCreate(TestDriver.attrs()).value();
        removeDevice();
        assertThat(trace.events(e -> o.toString().equals(e.arg("object")))).extracting(TraceEvent::name, TraceEvent::device)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("WdfObjectCreate", DEV),
                        org.assertj.core.groups.Tuple.tuple("EvtCleanupCallback", DEV),
                        org.assertj.core.groups.Tuple.tuple("EvtDestroyCallback", DEV));
        assertThat(trace.events(e -> unparented.toString().equals(e.arg("object")))).extracting(TraceEvent::device)
                .containsExactly("");
    }

    @Test
    public void surpriseRemovalCallsEvtDeviceSurpriseRemovalFirst() {
        load();
        trace.clear();
        wdf.surpriseRemoveDevice(driverObject, node);
        List<String> c = callbacks();
        assertThat(c.get(0)).isEqualTo("EvtDeviceSurpriseRemoval");
        assertThat(c).containsSubsequence("EvtDeviceSelfManagedIoSuspend", "EvtInterruptDisable",
                "EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware", "EvtDeviceSelfManagedIoFlush",
                "EvtDeviceSelfManagedIoCleanup", "EvtCleanupCallback WDFDEVICE");
        assertThat(c).doesNotContain("EvtDeviceQueryRemove");
    }

    @Test
    public void aFailedPrepareHardwareStillGetsReleaseHardwareAndNoPowerCallback() {
        driver.prepareStatus = NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        PortStatus s = load();
        assertThat(s.name()).isEqualTo("STATUS_INSUFFICIENT_RESOURCES");
        assertThat(callbacks()).containsExactly("DriverEntry", "EvtDriverDeviceAdd", "EvtDevicePrepareHardware",
                "EvtDeviceReleaseHardware", "EvtCleanupCallback WDFQUEUE", "EvtCleanupCallback WDFINTERRUPT",
                "EvtCleanupCallback WDFDEVICE", "EvtDestroyCallback WDFQUEUE", "EvtDestroyCallback WDFINTERRUPT",
                "EvtDestroyCallback WDFDEVICE");
    }

    @Test
    public void aFailedD0EntryGetsNoD0ExitButReleaseHardware() {
        driver.d0EntryStatus = NtStatus.STATUS_UNSUCCESSFUL;
        assertThat(load().isSuccess()).isFalse();
        List<String> c = callbacks();
        assertThat(c).containsSubsequence("EvtDeviceD0Entry WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware");
        assertThat(c).doesNotContain("EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtInterruptEnable");
    }

    @Test
    public void releaseHardwareReturningNotSupportedIsAViolation() {
        driver.releaseStatus = NtStatus.STATUS_NOT_SUPPORTED;
        load();
        wdf.removeDevice(driverObject, node);
        assertThat(rules()).containsExactly("ReleaseHardwareReturnedNotSupported");
    }

    @Test
    public void completingARequestTwiceIsAViolation() throws Exception {
        load();
        FxQueueImpl q = wdf.device(DEV).orElseThrow().queues.get(0);
        FxRequestImpl r = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeRead, 1, new byte[0], new byte[1]);
        q.submit(r);
        trace.await(e -> e.name().equals("EvtIoRead"), java.time.Duration.ofSeconds(5));
        driver.held.get().wdfRequestComplete(NtStatus.STATUS_SUCCESS);
        driver.held.get().wdfRequestComplete(NtStatus.STATUS_SUCCESS);
        assertThat(rules()).containsExactly("WdfRequestCompletedTwice");
        assertThat(r.done.get(1, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
    }

    @Test
    public void deletingAnObjectDeletesItsChildrenFirstAndTwiceIsAViolation() {
        load();
        WdfDriver d = driver.wdfDriver.get();
        WdfObjectAttributes pa = TestDriver.attrs();
        WdfObject parent = d.wdfObjectCreate(pa).value();
        WdfObjectAttributes ca = TestDriver.attrs();
        ca.parentObject = parent;
        WdfObject child = d.wdfObjectCreate(ca).value();
        trace.clear();
        parent.wdfObjectDelete();
        assertThat(callbacks()).containsExactly("EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFOBJECT",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFOBJECT");
        List<TraceEvent> cleanups = trace.events(e -> e.name().equals("EvtCleanupCallback"));
        assertThat(cleanups.get(0).arg("object")).isEqualTo(child.toString());
        assertThat(cleanups.get(1).arg("object")).isEqualTo(parent.toString());
        parent.wdfObjectDelete();
        assertThat(rules()).containsExactly("WdfObjectDeletedTwice");
    }

    @Test
    public void aReferencedObjectIsDestroyedOnlyWhenItsLastReferenceGoes() {
        load();
        WdfObject o = driver.wdfDriver.get().wdfObjectCreate(TestDriver.attrs()).value();
        o.wdfObjectReference();
        trace.clear();
        o.wdfObjectDelete();
        assertThat(rules()).containsExactly("WdfObjectDeletedWithReferences");
        assertThat(callbacks()).containsExactly("EvtCleanupCallback WDFOBJECT");
        o.wdfObjectDereference();
        assertThat(callbacks()).containsExactly("EvtCleanupCallback WDFOBJECT", "EvtDestroyCallback WDFOBJECT");
    }

    @Test
    public void aPnpDeviceAndTheDriverCannotBeDeletedByTheDriver() {
        load();
        WdfDevice dev = wdf.device(DEV).orElseThrow();
        dev.wdfObjectDelete();
        driver.wdfDriver.get().wdfObjectDelete();
        assertThat(rules()).containsExactly("WdfObjectNotDeletable", "WdfObjectNotDeletable");
    }

    @Test
    public void wdfDriverMiniportUnloadDeletesTheDriverAndDoesNotCallEvtDriverUnloadByDefault() {
        driver.flags = WdfDriverConfig.WdfDriverInitNoDispatchOverride;
        assertThat(wdf.driverEntry(driverObject, driverObject.entry()).isSuccess()).isTrue();
        WdfDriver d = driver.wdfDriver.get();
        WdfDevice mp = d.wdfDeviceMiniportCreate(TestDriver.attrs(), "ROOT\\NETVMINI\\0000").value();
        assertThat(mp.wdfIoQueueCreate(new WdfIoQueueConfig(), null).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        trace.clear();
        mp.wdfObjectDelete(); // as MiniportHaltEx does
        d.wdfDriverMiniportUnload(); // as MiniportDriverUnload does
        assertThat(callbacks()).containsExactly("EvtCleanupCallback WDFDEVICE", "EvtDestroyCallback WDFDEVICE",
                "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
        d.wdfObjectCreate(null);
        assertThat(rules()).containsExactly("WdfCallAfterDriverUnload");
    }

    @Test
    public void creationCallsOnARemovedDeviceOrAfterTheDriverWasDeletedAreOneViolationEachAndCreateNothing() {
        load();
        WdfDevice dev = wdf.device(DEV).orElseThrow();
        removeDevice();
        trace.clear();
        assertThat(dev.wdfCommonBufferCreate(4096, null).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(dev.wdfCommonBufferCreate(4096, null).value()).isNull();
        assertThat(dev.mmMapIoSpace(0xF000_0000L, 256)).isNull();
        assertThat(dev.wdfIoQueueCreate(new WdfIoQueueConfig(), null).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(verifier.violations()).extracting(Verifier.Violation::rule, Verifier.Violation::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("WdfCallOnDeletedDevice", "WdfCommonBufferCreate called on a "
                        + "WDFDEVICE that was deleted when its device was removed; the framework ignores it"),
                org.assertj.core.groups.Tuple.tuple("WdfCallOnDeletedDevice", "WdfCommonBufferCreate called on a "
                        + "WDFDEVICE that was deleted when its device was removed; the framework ignores it"),
                org.assertj.core.groups.Tuple.tuple("WdfCallOnDeletedDevice", "MmMapIoSpace called on a "
                        + "WDFDEVICE that was deleted when its device was removed; the framework ignores it"),
                org.assertj.core.groups.Tuple.tuple("WdfCallOnDeletedDevice", "WdfIoQueueCreate called on a "
                        + "WDFDEVICE that was deleted when its device was removed; the framework ignores it"));
        assertThat(trace.events(e -> e.name().equals("WdfCommonBufferCreate"))).isEmpty();
    }

    @Test
    public void aCommonBufferCreatedAfterWdfDriverMiniportUnloadIsRefused() {
        driver.flags = WdfDriverConfig.WdfDriverInitNoDispatchOverride;
        assertThat(wdf.driverEntry(driverObject, driverObject.entry()).isSuccess()).isTrue();
        WdfDriver d = driver.wdfDriver.get();
        WdfDevice mp = d.wdfDeviceMiniportCreate(TestDriver.attrs(), "ROOT\\NETVMINI\\0000").value();
        d.wdfDriverMiniportUnload();
        assertThat(mp.wdfCommonBufferCreate(65536, null).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(rules()).containsExactly("WdfCallAfterDriverUnload");
    }

    /** Waits until the {@code nth} call of {@code callback} has returned, and gives it. */
    private TraceEvent awaitCompleted(String callback, int nth) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            List<TraceEvent> done = trace.events(e -> e.name().equals(callback) && e.completed());
            if (done.size() >= nth) {
                return done.get(nth - 1);
            }
            assertThat(System.nanoTime()).as("call " + nth + " of " + callback + " returned").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    public void aThrowingIsrIsNotMyInterruptAThrowingDpcIsReportedAndTheNextInterruptIsServed() throws Exception {
        driver.isrThrows = true;
        assertThat(load().isSuccess()).isTrue();
        FxInterruptImpl irq = device().interrupts.get(0);
        irq.fire(0);
        TraceEvent isr = awaitCompleted("EvtInterruptIsr", 1);
        assertThat(isr.returnValue()).isEqualTo("FALSE"); // not my interrupt (BOOLEAN FALSE): no DPC
        driver.isrThrows = false;
        driver.dpcThrows = true;
        irq.fire(0);
        awaitCompleted("EvtInterruptDpc", 1);
        driver.dpcThrows = false;
        irq.fire(0);
        awaitCompleted("EvtInterruptDpc", 2);
        assertThat(verifier.violations()).extracting(Verifier.Violation::rule, Verifier.Violation::device)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DriverCallbackThrew", DEV),
                        org.assertj.core.groups.Tuple.tuple("DriverCallbackThrew", DEV));
        assertThat(verifier.violations().get(0).message()).contains("EvtInterruptIsr")
                .contains("java.lang.IllegalStateException: ISR fault");
        assertThat(verifier.violations().get(1).message()).contains("EvtInterruptDpc")
                .contains("java.lang.OutOfMemoryError: DPC fault");
        assertThat(trace.events(e -> e.name().equals("EvtInterruptIsr"))).hasSize(3);
        assertThat(trace.events(e -> e.name().equals("EvtInterruptDpc"))).hasSize(2);
        removeDevice(); // the removal goes on as documented
        assertThat(callbacks()).contains("EvtDeviceReleaseHardware");
    }

    @Test
    public void withTheSwitchOnWdfDriverMiniportUnloadCallsEvtDriverUnloadAsItsPageSays() {
        wdf = new WdfPort(trace, verifier, scheduler, true);
        driver.flags = WdfDriverConfig.WdfDriverInitNoDispatchOverride;
        wdf.driverEntry(driverObject, driverObject.entry());
        trace.clear();
        driver.wdfDriver.get().wdfDriverMiniportUnload();
        assertThat(callbacks()).containsExactly("EvtDriverUnload", "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
    }

    @Test
    public void aMiniportDeviceForgottenByTheDriverIsDisposedByWdfDriverMiniportUnload() {
        driver.flags = WdfDriverConfig.WdfDriverInitNoDispatchOverride;
        wdf.driverEntry(driverObject, driverObject.entry());
        driver.wdfDriver.get().wdfDeviceMiniportCreate(TestDriver.attrs(), "x");
        trace.clear();
        driver.wdfDriver.get().wdfDriverMiniportUnload();
        assertThat(callbacks()).containsExactly("EvtCleanupCallback WDFDEVICE", "EvtCleanupCallback WDFDRIVER",
                "EvtDestroyCallback WDFDEVICE", "EvtDestroyCallback WDFDRIVER");
    }

    @Test
    public void wdfDriverCreateTwiceFailsWithDriverInternalError() {
        TestDriver twice = new TestDriver() {
            @Override
            public NtStatus driverEntry(WdfDriverObject d) {
                super.driverEntry(d);
                return d.wdfDriverCreate(null, WdfDriverConfig.init(this::deviceAdd)).status();
            }
        };
        Driver o = new Driver() {
            @Override public Object entry() { return twice; }
        };
        assertThat(wdf.driverEntry(o, o.entry()).name()).isEqualTo("STATUS_DRIVER_INTERNAL_ERROR");
        assertThat(callbacks()).doesNotContain("EvtDriverUnload");
    }

    @Test
    public void aFailedInterruptEnableDisconnectsThenD0ExitWithoutPreInterruptsDisabledThenReleaseHardware() {
        driver.interruptEnableStatus = NtStatus.STATUS_UNSUCCESSFUL;
        assertThat(load().isSuccess()).isFalse();
        List<String> c = callbacks();
        assertThat(lifecycle()).containsSubsequence("EvtDeviceD0Entry WdfPowerDeviceD3Final", "* IoConnectInterruptEx",
                "EvtInterruptEnable", "* IoDisconnectInterruptEx", "EvtDeviceD0Exit WdfPowerDeviceD3Final",
                "EvtDeviceReleaseHardware", "EvtCleanupCallback WDFDEVICE");
        assertThat(lifecycle()).doesNotContain("* WdfIoQueueStart", "EvtInterruptDisable");
        assertThat(c).doesNotContain("EvtDeviceD0EntryPostInterruptsEnabled WdfPowerDeviceD3Final",
                "EvtDeviceD0ExitPreInterruptsDisabled WdfPowerDeviceD3Final", "EvtDeviceSelfManagedIoInit");
    }

    @Test
    public void aFailedSelfManagedIoInitUnwindsPowerThenReleasesHardwareThenFlushesAndCleansUp() {
        driver.selfManagedIoInitStatus = NtStatus.STATUS_UNSUCCESSFUL;
        assertThat(load().isSuccess()).isFalse();
        assertThat(callbacks()).containsSubsequence("EvtDeviceSelfManagedIoInit",
                "EvtDeviceD0ExitPreInterruptsDisabled WdfPowerDeviceD3Final", "EvtInterruptDisable",
                "EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware", "EvtDeviceSelfManagedIoFlush",
                "EvtDeviceSelfManagedIoCleanup", "EvtCleanupCallback WDFDEVICE");
    }

    @Test
    public void aDeviceControlRequestReachesEvtIoDeviceControl() throws Exception {
        load();
        FxQueueImpl q = wdf.device(DEV).orElseThrow().queues.get(0);
        FxRequestImpl r = new FxRequestImpl(q, WdfRequestType.WdfRequestTypeDeviceIoControl, 0, new byte[4], new byte[8],
                0x00222004);
        q.submit(r);
        assertThat(r.done.get(5, TimeUnit.SECONDS).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(r.done.get().information()).as("the driver saw the control code").isEqualTo(0x00222004);
        assertThat(trace.events(e -> e.name().equals("EvtIoDeviceControl"))).hasSize(1);
    }
}
