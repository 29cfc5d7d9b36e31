package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.drvsim.itest.fixtures.FixtureDriver;
import org.drvsim.itest.fixtures.PowerManagedDriver;
import org.drvsim.kernel.SystemPowerState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.nt.NtStatus;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * System sleep, wake and shutdown in all three models: IRP_MN_SET_POWER for the system, then for every started device
 * (children first on the way down), each followed by its model's documented callbacks (spec/ndis-lifecycle.md
 * section 5 item 3, spec/storport-lifecycle.md section 4.D and oracle 8, spec/wdf-lifecycle.md oracle (v) and PW-2).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PowerTransitionsTest extends DrvsimTestSupport {
    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            fixtureBundle("fixture.power.managed", "org.drvsim.itest.fixtures.PowerManagedDriver;model=ndis;"
                    + "hardware-ids=\"ROOT\\NETVMINI\"", FixtureDriver.class, PowerManagedDriver.class),
        };
    }

    /** "* IRP" for what the PnP manager did and "Callback arg" for each callback of one device. */
    private List<String> sequence(String device, String arg) {
        return trace.events(e -> (e.kind() == TraceEvent.Kind.PNP || e.kind() == TraceEvent.Kind.CALLBACK)
                        && e.device().equalsIgnoreCase(device))
                .stream().map(e -> e.kind() == TraceEvent.Kind.PNP ? "* " + e.name()
                        : e.arg(arg) == null ? e.name() : e.name() + " " + e.arg(arg)).toList();
    }

    private void allStarted() throws Exception {
        awaitCallback("HwStorInitialize", RD0);
        storport.awaitBusScan();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
    }

    @Test
    public void sleepPowersEveryDeviceDownChildrenFirstAndWakeBringsEachBackAsItsModelDocuments() throws Exception {
        allStarted();
        trace.clear();
        pnp.sleep(SystemPowerState.PowerSystemSleeping3);
        TraceEvent system = trace.events(e -> e.name().equals("IRP_MN_SET_POWER")).get(0);
        assertThat(system.device()).isEmpty();
        assertThat(system.arg("systemPowerState")).isEqualTo("PowerSystemSleeping3");
        // the reverse of enumeration order
        assertThat(trace.events(e -> e.name().equals("IRP_MN_SET_POWER") && !e.device().isEmpty()).stream()
                .map(TraceEvent::device)).containsExactly(ECHO0, RD0, A1, A0);
        assertThat(sequence(ECHO0, "targetState")).containsExactly("* IRP_MN_SET_POWER", "* WdfIoQueueStop",
                "* IoDisconnectInterruptEx", "EvtDeviceD0Exit WdfPowerDeviceD3");
        assertThat(sequence(RD0, "controlType")).containsSubsequence("* IRP_MN_SET_POWER", "HwStorStartIo",
                "HwStorAdapterControl ScsiStopAdapter").doesNotContain("HwStorFreeAdapterResources");
        assertThat(trace.events(e -> e.name().equals("HwStorStartIo")).get(0).arg("srbFunction"))
                .isEqualTo("SRB_FUNCTION_POWER");
        // netvmini does not set NO_HALT_ON_SUSPEND: NDIS halts it for the sleep
        assertThat(sequence(A0, "haltAction")).containsExactly("* IRP_MN_SET_POWER", "MiniportPause",
                "MiniportHaltEx NdisHaltDevicePoweredDown");
        assertThat(trace.events(e -> e.name().equals("MiniportPause")).get(0).arg("pauseReason"))
                .isEqualTo("NDIS_PAUSE_LOW_POWER");
        assertThatThrownBy(() -> pnp.sleep(SystemPowerState.PowerSystemHibernate))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not working");

        trace.clear();
        pnp.wake();
        assertThat(trace.events(e -> e.name().equals("IRP_MN_SET_POWER") && !e.device().isEmpty()).stream()
                .map(TraceEvent::device)).containsExactly(A0, A1, RD0, ECHO0);
        assertThat(sequence(ECHO0, "previousState")).containsExactly("* IRP_MN_SET_POWER",
                "EvtDeviceD0Entry WdfPowerDeviceD3", "* IoConnectInterruptEx", "* WdfIoQueueStart");
        assertThat(sequence(RD0, "controlType")).containsExactly("* IRP_MN_SET_POWER",
                "HwStorAdapterControl ScsiRestartAdapter");
        assertThat(sequence(A0, "x")).containsExactly("* IRP_MN_SET_POWER", "MiniportInitializeEx",
                "MiniportDevicePnPEventNotify", "MiniportRestart");
        // everything works again
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        assertThat(ndis.send(A0, List.of(frame)).framesSent()).isEqualTo(1);
        byte[] block = new byte[512];
        java.util.Arrays.fill(block, (byte) 0x21);
        storport.write(RD0, "0:0:0", 5, block);
        assertThat(storport.read(RD0, "0:0:0", 5, 1)).isEqualTo(block);
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            byte[] data = "awake".getBytes(StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(f.read(data.length).data()).isEqualTo(data);
        } finally {
            f.close();
        }
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aPowerManagedMiniportIsPausedAndSetToD3NotHaltedAndItsSendsFailWithLowPowerState() throws Exception {
        bundle(NETVMINI).stop();
        bundle("fixture.power.managed").start();
        trace.clear();
        pnp.sleep(SystemPowerState.PowerSystemHibernate);
        assertThat(sequence(A0, "oid")).containsExactly("* IRP_MN_SET_POWER", "MiniportPause",
                "MiniportOidRequest OID_PNP_SET_POWER");
        assertThat(ndis.send(A0, List.of(new byte[60])).completionStatuses())
                .containsOnlyKeys(NdisStatus.NDIS_STATUS_LOW_POWER_STATE);
        trace.clear();
        pnp.wake();
        assertThat(sequence(A0, "devicePnPEvent")).containsExactly("* IRP_MN_SET_POWER", "MiniportOidRequest",
                "MiniportDevicePnPEventNotify NdisDevicePnPEventPowerProfileChanged", "MiniportRestart");
        assertThat(ndis.send(A0, List.of(new byte[60])).completionStatuses()).containsOnlyKeys(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void shutdownCallsEachModelsShutdownPathAndNoDriverRoutineRunsAfterIt() throws Exception {
        allStarted();
        trace.clear();
        pnp.shutdown();
        assertThat(sequence(A0, "shutdownAction")).containsExactly("* IRP_MN_SET_POWER",
                "MiniportShutdownEx NdisShutdownPowerOff");
        assertThat(trace.events(e -> e.name().equals("HwStorStartIo")).get(0).arg("srbFunction"))
                .isEqualTo("SRB_FUNCTION_SHUTDOWN");
        assertThat(sequence(ECHO0, "targetState")).containsExactly("* IRP_MN_SET_POWER", "* WdfIoQueueStop",
                "* IoDisconnectInterruptEx", "EvtDeviceD0Exit WdfPowerDeviceD3Final");
        assertThat(pnp.drivers()).isEmpty();
        int callbacks = trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK).size();
        bundle(NETVMINI).stop();
        bundle(ECHO).stop();
        bundle(RAMDISK).stop();
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK)).hasSize(callbacks);
        assertThatThrownBy(pnp::shutdown).isInstanceOf(IllegalStateException.class)
                .hasMessage("power:shutdown: the system was shut down already");
    }

    @Test
    public void hardwareChangesWhileTheSystemSleepsAreFoundOnWakeAndDeviceManagerRequestsAreRefused() throws Exception {
        allStarted();
        pnp.sleep(SystemPowerState.PowerSystemSleeping3);
        trace.clear();
        for (String refused : List.of("disable", "enable", "rebalance", "eject")) {
            assertThatThrownBy(() -> {
                switch (refused) {
                    case "disable" -> pnp.disable(A1);
                    case "enable" -> pnp.enable(A1);
                    case "rebalance" -> pnp.rebalance(A1);
                    default -> pnp.eject(A1);
                }
            }).as(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageEndingWith("the system is asleep (PowerSystemSleeping3); power:wake first");
        }
        // A0 is pulled and a new adapter plugged while the system sleeps: nothing runs until it wakes
        hardware.surpriseRemove(A0);
        hardware.plug(hardware.kind("ROOT\\NETVMINI").orElseThrow().spec("ROOT\\NETVMINI\\0007", "plugged asleep"));
        pnp.drain();
        assertThat(trace.events()).isEmpty();
        assertThat(pnp.node("ROOT\\NETVMINI\\0007")).isEmpty();

        pnp.wake();
        // A0's hardware is gone: it is not initialized again; the bus reports it gone after S0, then the new adapter
        List<String> order = trace.events(e -> e.kind() == TraceEvent.Kind.PNP || e.name().equals("MiniportInitializeEx")
                || e.name().equals("MiniportHaltEx")).stream()
                .map(e -> e.name() + (e.device().isEmpty() ? "" : " " + e.device())
                        + (e.arg("systemPowerState") == null ? "" : " " + e.arg("systemPowerState"))).toList();
        assertThat(order).containsSubsequence("IRP_MN_SET_POWER " + A1 + " PowerSystemWorking",
                "IRP_MN_SET_POWER PowerSystemWorking",
                "IRP_MN_QUERY_DEVICE_RELATIONS " + A0, "IRP_MN_SURPRISE_REMOVAL " + A0, "IRP_MN_REMOVE_DEVICE " + A0,
                "IRP_MN_QUERY_DEVICE_RELATIONS ROOT\\NETVMINI\\0007", "IRP_MN_START_DEVICE ROOT\\NETVMINI\\0007",
                "MiniportInitializeEx ROOT\\NETVMINI\\0007");
        assertThat(order).doesNotContain("MiniportInitializeEx " + A0, "IRP_MN_SET_POWER " + A0 + " PowerSystemWorking")
                .as("A0 was halted for the sleep already").doesNotContain("MiniportHaltEx " + A0);
        assertThat(pnp.node(A0)).isEmpty();
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        assertThat(ndis.send("ROOT\\NETVMINI\\0007", List.of(frame)).framesSent()).isEqualTo(1);
        // every adapter NDIS knows is halted before netvmini's unload
        bundle(NETVMINI).stop();
        assertThat(verifier.violations()).isEmpty();
    }
}
