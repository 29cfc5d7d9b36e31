package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.drvsim.hw.FaultRule;
import org.drvsim.itest.fixtures.EchoDmaMiniport;
import org.drvsim.itest.fixtures.InterruptInHaltExEchoMiniport;
import org.drvsim.itest.fixtures.PlainEchoMiniport;
import org.drvsim.itest.fixtures.SharedMemoryLeakEchoMiniport;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.kernel.Verifier;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.nt.Irql;
import org.drvsim.test.DrvsimOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * An NDIS miniport on simulated hardware, over the real bundles: probe miniports (fixtures built in the test) drive
 * the PCI echo DMA device on an empty machine through NDIS's hardware functions: the BAR mapped, shared memory,
 * scatter/gather DMA and the interrupt registered in MiniportInitializeEx and released in reverse in MiniportHaltEx; a
 * DMA's interrupt runs MiniportInterrupt at DIRQL on a simulated processor, then MiniportInterruptDPC at
 * DISPATCH_LEVEL; MiniportHaltEx can be preempted by MiniportInterrupt until it deregisters the interrupt, and nothing
 * of the interrupt runs afterwards (spec/seeds/ndis-halting-a-miniport-adapter.md); what HaltEx does not free is a
 * violation naming the driver.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NdisHardwareTest extends org.drvsim.test.DrvsimTestSupport {
    static final String HARDWARE_ID = "PCI\\VEN_1414&DEV_EC40";
    static final String ECHO0 = HARDWARE_ID + "\\0000";
    static final String PLAIN = "fixture.echo.plain";
    static final String PREEMPTED = "fixture.echo.preempted";
    static final String LEAKY = "fixture.echo.leaky";

    @Override
    protected boolean withDriverUnderTest() {
        return false;
    }

    static Option echoMiniport(String symbolicName, Class<? extends EchoDmaMiniport> driver) {
        return DrvsimOptions.driverBundle(symbolicName, "ndis", driver.getName() + ";model=ndis;hardware-ids=\""
                + HARDWARE_ID + "\"", EchoDmaMiniport.class, EchoDmaMiniport.Nic.class, driver);
    }

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            echoMiniport(PLAIN, PlainEchoMiniport.class),
            echoMiniport(PREEMPTED, InterruptInHaltExEchoMiniport.class),
            echoMiniport(LEAKY, SharedMemoryLeakEchoMiniport.class),
        };
    }

    /** Starts the fixture, plugs the echo device and waits until the adapter runs. */
    private Bundle startOnEchoDevice(String symbolicName) throws Exception {
        Bundle b = bundle(symbolicName);
        b.start();
        plug(hardware.kind(HARDWARE_ID).orElseThrow().spec(ECHO0, null));
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        awaitCallback("MiniportRestart", ECHO0);
        return b;
    }

    private List<TraceEvent> events(String symbolicName) {
        return trace.events(e -> e.driver().startsWith(symbolicName + "/") && e.device().equalsIgnoreCase(ECHO0));
    }

    /** The NDIS hardware functions the driver called and the callbacks it got, in order (register accesses left out). */
    private List<String> lifecycle(String symbolicName) {
        return events(symbolicName).stream().map(TraceEvent::name)
                .filter(n -> n.startsWith("NdisM") && !n.equals("NdisMSetMiniportAttributes") || n.equals("MiniportHaltEx")
                        || n.equals("MiniportInitializeEx"))
                .toList();
    }

    private long seq(List<TraceEvent> events, String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no " + name + " in the trace")).seq();
    }

    @Test
    public void initializeExAcquiresTheHardwareAndHaltExReleasesItInReverseOrder() throws Exception {
        Bundle b = startOnEchoDevice(PLAIN);
        TraceEvent init = events(PLAIN).stream().filter(e -> e.name().equals("MiniportInitializeEx")).findFirst().orElseThrow();
        assertThat(init.returnValue()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(events(PLAIN).stream().filter(e -> e.name().equals("NdisMRegisterInterruptEx")).findFirst().orElseThrow()
                .arg("interruptType")).isEqualTo("NDIS_CONNECT_LINE_BASED");
        b.stop();
        assertThat(lifecycle(PLAIN)).containsExactly("MiniportInitializeEx", "NdisMMapIoSpace",
                "NdisMRegisterScatterGatherDma", "NdisMAllocateSharedMemory", "NdisMRegisterInterruptEx",
                "MiniportHaltEx", "NdisMDeregisterInterruptEx", "NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma",
                "NdisMUnmapIoSpace");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aSendDmaedThroughTheDeviceInterruptsAndCompletesFromMiniportInterruptDpc() throws Exception {
        Bundle b = startOnEchoDevice(PLAIN);
        trace.clear();
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        ProtocolHarness.SendResult r = ndis.send(ECHO0, List.of(frame, frame, frame));
        assertThat(r.completionStatuses()).containsExactly(java.util.Map.entry(NdisStatus.NDIS_STATUS_SUCCESS, 3));
        List<TraceEvent> events = events(PLAIN);
        assertThat(events.stream().map(TraceEvent::name).filter(n -> !n.equals("NdisWriteRegisterUlong")).toList())
                .containsSubsequence("MiniportSendNetBufferLists", "NdisMAllocateNetBufferSGList", "MiniportProcessSGList",
                        "MiniportInterrupt", "MiniportInterruptDPC", "NdisMFreeNetBufferSGList",
                        "NdisMSendNetBufferListsComplete");
        List<TraceEvent> isrs = events.stream().filter(e -> e.name().equals("MiniportInterrupt")).toList();
        List<TraceEvent> dpcs = events.stream().filter(e -> e.name().equals("MiniportInterruptDPC")).toList();
        assertThat(isrs).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> {
            assertThat(e.irql()).isEqualTo(Irql.DIRQL);
            assertThat(e.returnValue()).isEqualTo("TRUE");
        });
        assertThat(dpcs).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DISPATCH_LEVEL));
        assertThat(dpcs.get(0).processor()).as("the default DPC runs on the ISR's processor").isEqualTo(isrs.get(0).processor());
        assertThat(events.stream().filter(e -> e.name().equals("MiniportProcessSGList")))
                .allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DISPATCH_LEVEL));
        b.stop();
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void miniportInterruptPreemptsHaltExUntilItDeregistersTheInterruptAndNeverRunsAfter() throws Exception {
        Bundle b = startOnEchoDevice(PREEMPTED);
        // each interrupt the device raises is followed by 32 spurious ones: some are still queued when HaltEx deregisters
        armFault(ECHO0, FaultRule.always("interruptStorm"));
        trace.clear();
        b.stop();
        List<TraceEvent> events = events(PREEMPTED);
        long haltEntry = seq(events, "MiniportHaltEx");
        long deregister = seq(events, "NdisMDeregisterInterruptEx");
        TraceEvent isr = events.stream().filter(e -> e.name().equals("MiniportInterrupt") && "TRUE".equals(e.returnValue()))
                .findFirst().orElseThrow(() -> new AssertionError("MiniportInterrupt did not recognise an interrupt"));
        assertThat(isr.seq()).as("MiniportInterrupt between the MiniportHaltEx entry and NdisMDeregisterInterruptEx")
                .isBetween(haltEntry, deregister);
        assertThat(isr.irql()).isEqualTo(Irql.DIRQL);
        TraceEvent halt = events.stream().filter(e -> e.name().equals("MiniportHaltEx")).findFirst().orElseThrow();
        assertThat(isr.timeNanos()).as("while MiniportHaltEx ran").isBetween(halt.timeNanos(), halt.endNanos());
        assertThat(events.stream().filter(e -> e.seq() > deregister).map(TraceEvent::name))
                .as("no MiniportInterrupt or MiniportInterruptDPC after NdisMDeregisterInterruptEx")
                .doesNotContain("MiniportInterrupt", "MiniportInterruptDPC")
                .containsSubsequence("NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma", "NdisMUnmapIoSpace");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void sharedMemoryHaltExDoesNotFreeIsAViolationNamingTheDriverAndIsFreedByNdis() throws Exception {
        expectViolations();
        Bundle b = startOnEchoDevice(LEAKY);
        b.stop();
        List<Verifier.Violation> found = newViolations();
        assertThat(found).extracting(Verifier.Violation::rule).containsExactly("SharedMemoryNotFreed");
        Verifier.Violation v = found.get(0);
        assertThat(v.driver()).startsWith(LEAKY + "/");
        assertThat(v.device()).isEqualToIgnoringCase(ECHO0);
        assertThat(v.message()).contains("NdisMAllocateSharedMemory").contains("4096 bytes").contains("MiniportHaltEx");
        // the platform stays healthy: the same device starts again under a correct driver, which stops cleanly
        Bundle plain = bundle(PLAIN);
        plain.start();
        await(e -> e.name().equals("MiniportRestart") && e.driver().startsWith(PLAIN + "/") && e.completed());
        plain.stop();
        assertThat(newViolations()).hasSize(1);
    }
}
