package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.drvsim.itest.fixtures.FaultyKmdfDriver;
import org.drvsim.itest.fixtures.SetFailedOnWriteKmdf;
import org.drvsim.itest.fixtures.VetoingQueryRemoveKmdf;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.nt.NtStatus;
import org.drvsim.test.DrvsimOptions;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * PnP transitions other than load and unload, in all three models: each PnP IRP is traced when the PnP manager sends
 * it, the model's callbacks for it after it (spec/ndis-lifecycle.md section 5, spec/storport-lifecycle.md section 4,
 * spec/wdf-lifecycle.md oracles (ii) and (iii)); a driver is unloaded when its last device is removed, disabled or
 * fails to start, and loaded again when a device it claims arrives or is enabled; disable and enable keep the node
 * with problem code 22; a query-remove veto refuses a disable.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PnpTransitionsTest extends DrvsimTestSupport {
    static final String FIX = "org.drvsim.itest.fixtures.";

    @Override
    protected Option[] moreOptions() {
        return new Option[] {
            DrvsimOptions.driverBundle("fixture.kmdf.veto", "wdf", FIX + "VetoingQueryRemoveKmdf;model=wdf;"
                    + "hardware-ids=\"PCI\\VEN_1414&DEV_EC40\"", FaultyKmdfDriver.class, VetoingQueryRemoveKmdf.class),
            DrvsimOptions.driverBundle("fixture.kmdf.setfailed", "wdf", FIX + "SetFailedOnWriteKmdf;model=wdf;"
                    + "hardware-ids=\"PCI\\VEN_1414&DEV_EC40\"", FaultyKmdfDriver.class, SetFailedOnWriteKmdf.class),
        };
    }

    /** @return "* IRP" for what the PnP manager did and "Callback" for each callback, of one device (or driver-wide) */
    private List<String> sequence(String driverBsn, String device) {
        return trace.events(e -> (e.kind() == TraceEvent.Kind.PNP || e.kind() == TraceEvent.Kind.CALLBACK)
                        && (e.device().equalsIgnoreCase(device) || e.device().isEmpty() && e.driver().startsWith(driverBsn + "/")))
                .stream().map(e -> e.kind() == TraceEvent.Kind.PNP ? "* " + e.name() : e.name()).toList();
    }

    @Test
    public void anOrderlyEjectQueryRemovesAndRemovesTheDeviceBeforeTheBusReportsItGone() throws Exception {
        trace.clear();
        assertThat(gogo("hw:unplug '" + A1 + "'").strip()).startsWith("unplugged " + A1 + ": removed by " + NETVMINI);
        assertThat(sequence(NETVMINI, A1)).containsExactly("* IRP_MN_QUERY_REMOVE_DEVICE", "* IRP_MN_REMOVE_DEVICE",
                "MiniportPause", "MiniportHaltEx", "* IRP_MN_QUERY_DEVICE_RELATIONS");
        assertThat(pnp.node(A1)).isEmpty();
    }

    @Test
    public void anNdisSurpriseRemovalTracesEachIrpBeforeTheCallbacksItCauses() throws Exception {
        trace.clear();
        hardware.surpriseRemove(A1);
        pnp.drain();
        assertThat(sequence(NETVMINI, A1)).containsExactly(
                "* IRP_MN_QUERY_DEVICE_RELATIONS",
                "* IRP_MN_SURPRISE_REMOVAL", "MiniportDevicePnPEventNotify",
                "* IRP_MN_REMOVE_DEVICE", "MiniportPause", "MiniportHaltEx");
        // netvmini keeps running its other adapter
        assertThat(ndisDrivers()).hasSize(1);
        assertThat(pnp.node(A0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
    }

    @Test
    public void removingTheLastDeviceUnloadsTheDriverAndADeviceItClaimsLoadsItAgain() throws Exception {
        awaitCallback("HwStorInitialize", RD0);
        storport.awaitBusScan();
        trace.clear();
        hardware.surpriseRemove(RD0);
        pnp.drain();
        // the surprise-removal SRB follows IRP_MN_SURPRISE_REMOVAL; ScsiStopAdapter and the rest follow IRP_MN_REMOVE_DEVICE
        assertThat(sequence(RAMDISK, RD0)).containsSubsequence("* IRP_MN_QUERY_DEVICE_RELATIONS",
                "* IRP_MN_SURPRISE_REMOVAL", "HwStorStartIo", "* IRP_MN_REMOVE_DEVICE", "HwStorAdapterControl",
                "HwStorFreeAdapterResources", "* ZwUnloadDriver");
        List<String> s = sequence(RAMDISK, RD0);
        assertThat(s.subList(s.indexOf("* IRP_MN_REMOVE_DEVICE"), s.size())).doesNotContain("HwStorStartIo");
        TraceEvent unload = trace.events(e -> e.name().equals("ZwUnloadDriver")).get(0);
        assertThat(unload.arg("reason")).isEqualTo("its last device was removed");
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith(RAMDISK + "/"));
        assertThat(bundle(RAMDISK).getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(gogo("driver:list")).containsPattern(RAMDISK + " +storport +Active +NotLoaded");

        trace.clear();
        hardware.plug(hardware.kind("ROOT\\RAMDISK").orElseThrow().spec(RD0, "the RAM disk again"));
        pnp.drain();
        storport.awaitBusScan();
        TraceEvent load = trace.events(e -> e.name().equals("ZwLoadDriver")).get(0);
        assertThat(load.arg("reason")).isEqualTo("a device it claims arrived");
        assertThat(sequence(RAMDISK, RD0)).startsWith("* IRP_MN_QUERY_DEVICE_RELATIONS", "* ZwLoadDriver",
                "DriverEntry", "* IRP_MN_START_DEVICE", "VirtualHwStorFindAdapter", "HwStorInitialize");
        byte[] data = new byte[512];
        java.util.Arrays.fill(data, (byte) 0x3C);
        storport.write(RD0, "0:0:0", 3, data);
        assertThat(storport.read(RD0, "0:0:0", 3, 1)).isEqualTo(data);
    }

    @Test
    public void disablingAKmdfDeviceRemovesItUnloadsItsDriverAndEnablingLoadsAndStartsItAgain() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        trace.clear();
        DeviceNode n = pnp.disable(ECHO0);
        assertThat(n.state()).isEqualTo(DeviceNodeState.DeviceNodeRemoved);
        assertThat(n.problem()).isEqualTo(DeviceNode.CM_PROB_DISABLED);
        List<String> off = sequence(ECHO, ECHO0);
        assertThat(off).startsWith("* IRP_MN_QUERY_REMOVE_DEVICE", "* IRP_MN_REMOVE_DEVICE")
                .containsSubsequence("* IRP_MN_REMOVE_DEVICE", "EvtDeviceD0Exit", "EvtDeviceReleaseHardware",
                        "* ZwUnloadDriver", "* CM_PROB_DISABLED");
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith(ECHO + "/"));
        assertThat(gogo("pnp:tree")).contains("Code 22");

        trace.clear();
        n = pnp.enable(ECHO0);
        assertThat(n.state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(n.problem()).isZero();
        assertThat(sequence(ECHO, ECHO0)).startsWith("* IRP_MN_QUERY_DEVICE_RELATIONS", "* ZwLoadDriver", "DriverEntry",
                "EvtDriverDeviceAdd", "* IRP_MN_START_DEVICE", "EvtDevicePrepareHardware", "EvtDeviceD0Entry");
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            byte[] data = "enabled again".getBytes(StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(f.read(data.length).data()).isEqualTo(data);
        } finally {
            f.close();
        }
    }

    @Test
    public void aDriverStaysLoadedWhileItHasADeviceAndTheShellDisablesAndEnablesByInstanceId() throws Exception {
        assertThat(gogo("pnp:disable '" + A1 + "'").strip()).isEqualTo("disabled " + A1 + ": removed by "
                + ndisDrivers().get(0).name() + " (Code 22)");
        assertThat(ndisDrivers()).hasSize(1);
        String netvmini = ndisDrivers().get(0).name();
        trace.clear();
        assertThat(gogo("pnp:disable '" + A0 + "'").strip()).isEqualTo("disabled " + A0 + ": removed by " + netvmini
                + ", which was unloaded with its last device (Code 22)");
        assertThat(sequence(NETVMINI, A0)).containsExactly("* IRP_MN_QUERY_REMOVE_DEVICE", "* IRP_MN_REMOVE_DEVICE",
                "MiniportPause", "MiniportHaltEx", "* ZwUnloadDriver", "MiniportDriverUnload", "* CM_PROB_DISABLED");
        assertThatThrownBy(() -> pnp.disable(A0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("pnp:disable: " + A0 + " is disabled already");
        trace.clear();
        assertThat(gogo("pnp:enable '" + A0 + "'").strip()).isEqualTo("enabled " + A0 + ": DeviceNodeStarted by " + netvmini);
        // only the enabled adapter starts: the other stays disabled
        assertThat(trace.events(e -> e.name().equals("MiniportInitializeEx")).stream().map(TraceEvent::device))
                .containsExactly(A0);
        assertThat(pnp.node(A1).orElseThrow().problem()).isEqualTo(DeviceNode.CM_PROB_DISABLED);
        assertThat(gogo("pnp:enable '" + A1 + "'").strip()).isEqualTo("enabled " + A1 + ": DeviceNodeStarted by " + netvmini);
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        assertThat(ndis.send(A1, List.of(frame)).framesSent()).isEqualTo(1);
    }

    @Test
    public void aVetoedQueryRemoveRefusesTheDisableAndTheDeviceStaysStarted() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        bundle(ECHO).stop();
        Bundle veto = bundle("fixture.kmdf.veto");
        veto.start();
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        trace.clear();
        String driver = pnp.node(ECHO0).orElseThrow().driverName();
        assertThatThrownBy(() -> pnp.disable(ECHO0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("pnp:disable: " + driver + " vetoed the removal of " + ECHO0
                        + " (IRP_MN_QUERY_REMOVE_DEVICE failed with STATUS_DEVICE_BUSY (0x80000011)); the device stays "
                        + "started");
        assertThat(sequence("fixture.kmdf.veto", ECHO0)).containsExactly("* IRP_MN_QUERY_REMOVE_DEVICE",
                "EvtDeviceQueryRemove", "* IRP_MN_CANCEL_REMOVE_DEVICE");
        DeviceNode n = pnp.node(ECHO0).orElseThrow();
        assertThat(n.state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(n.problem()).isZero();
        // an orderly eject is refused the same way, and the device stays on the bus
        trace.clear();
        assertThatThrownBy(() -> gogo("hw:unplug '" + ECHO0 + "'")).hasMessageContaining("hw:unplug: " + driver
                + " vetoed the removal of " + ECHO0);
        assertThat(hardware.device(ECHO0)).isPresent();
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(sequence("fixture.kmdf.veto", ECHO0)).containsExactly("* IRP_MN_QUERY_REMOVE_DEVICE",
                "EvtDeviceQueryRemove", "* IRP_MN_CANCEL_REMOVE_DEVICE");
        // a driver unload cannot be vetoed: the device is removed anyway, and the trace says so
        trace.clear();
        veto.stop();
        TraceEvent remove = trace.events(e -> e.name().equals("IRP_MN_REMOVE_DEVICE")).get(0);
        assertThat(remove.arg("vetoedWith")).isEqualTo("STATUS_DEVICE_BUSY (0x80000011)");
        assertThat(sequence("fixture.kmdf.veto", ECHO0)).startsWith("* IRP_MN_QUERY_REMOVE_DEVICE",
                "EvtDeviceQueryRemove", "* IRP_MN_REMOVE_DEVICE", "EvtDeviceD0Exit", "EvtDeviceReleaseHardware");
    }

    @Test
    public void aKmdfRebalanceStopsWithTheOldResourcesAndStartsWithTheNewOnesOnTheSameDevice() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        List<org.drvsim.nt.CmResourceDescriptor> before = pnp.node(ECHO0).orElseThrow().resources();
        trace.clear();
        String out = gogo("pnp:rebalance '" + ECHO0 + "'").strip();
        List<org.drvsim.nt.CmResourceDescriptor> after = pnp.node(ECHO0).orElseThrow().resources();
        assertThat(after).isNotEqualTo(before);
        assertThat(after.get(0).start()).isEqualTo(before.get(0).start() + 0x4000_0000L);
        assertThat(out).startsWith("rebalanced " + ECHO0 + ": DeviceNodeStarted by org.drvsim.drivers.echo/")
                .endsWith("; resources " + before + " -> " + after);
        // spec/wdf-lifecycle.md oracle (iv): no EvtDriverDeviceAdd, the same WDFDEVICE prepared with the new resources
        assertThat(sequence(ECHO, ECHO0)).containsExactly("* IRP_MN_QUERY_STOP_DEVICE", "* IRP_MN_STOP_DEVICE",
                "* WdfIoQueueStop", "* IoDisconnectInterruptEx", "EvtDeviceD0Exit", "EvtDeviceReleaseHardware",
                "* IRP_MN_START_DEVICE", "EvtDevicePrepareHardware", "EvtDeviceD0Entry", "* IoConnectInterruptEx",
                "* WdfIoQueueStart");
        assertThat(trace.events(e -> e.name().equals("IRP_MN_START_DEVICE")).get(0).arg("resources"))
                .isEqualTo(after.toString());
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            byte[] data = "moved".getBytes(StandardCharsets.US_ASCII);
            assertThat(f.write(data).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(f.read(data.length).data()).isEqualTo(data);
        } finally {
            f.close();
        }
        assertThat(verifier.violations()).isEmpty();
        // a second rebalance moves the ranges back
        pnp.rebalance(ECHO0);
        assertThat(pnp.node(ECHO0).orElseThrow().resources()).isEqualTo(before);
    }

    @Test
    public void anNdisRebalanceHaltsWithNdisHaltDeviceStoppedAndInitializesTheAdapterAgain() throws Exception {
        trace.clear();
        pnp.rebalance(A1);
        assertThat(sequence(NETVMINI, A1)).containsExactly("* IRP_MN_QUERY_STOP_DEVICE", "* IRP_MN_STOP_DEVICE",
                "MiniportPause", "MiniportHaltEx", "* IRP_MN_START_DEVICE", "MiniportInitializeEx",
                "MiniportDevicePnPEventNotify", "MiniportRestart");
        assertThat(trace.events(e -> e.name().equals("MiniportHaltEx")).get(0).arg("haltAction"))
                .isEqualTo("NdisHaltDeviceStopped");
        assertThat(ndisDrivers()).hasSize(1);
        byte[] frame = new byte[60];
        frame[0] = (byte) 0xFF;
        assertThat(ndis.send(A1, List.of(frame)).framesSent()).isEqualTo(1);
    }

    @Test
    public void aStorportRebalanceStopsTheAdapterAndFindsItAgainWithoutFreeingItsResources() throws Exception {
        awaitCallback("HwStorInitialize", RD0);
        storport.awaitBusScan();
        byte[] data = new byte[512];
        java.util.Arrays.fill(data, (byte) 0x77);
        storport.write(RD0, "0:0:0", 9, data);
        trace.clear();
        pnp.rebalance(RD0);
        storport.awaitBusScan();
        List<String> s = sequence(RAMDISK, RD0);
        assertThat(s).containsSubsequence("* IRP_MN_QUERY_STOP_DEVICE", "* IRP_MN_STOP_DEVICE", "HwStorStartIo",
                "HwStorAdapterControl", "* IRP_MN_START_DEVICE", "VirtualHwStorFindAdapter", "HwStorInitialize")
                .doesNotContain("HwStorFreeAdapterResources");
        assertThat(trace.events(e -> e.name().equals("HwStorAdapterControl")).get(0).arg("controlType"))
                .isEqualTo("ScsiStopAdapter");
        assertThat(storport.read(RD0, "0:0:0", 9, 1)).isEqualTo(data);
    }

    @Test
    public void aRefusedQueryStopKeepsTheDeviceStartedWithItsResources() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        bundle(ECHO).stop();
        bundle("fixture.kmdf.veto").start();
        List<org.drvsim.nt.CmResourceDescriptor> before = pnp.node(ECHO0).orElseThrow().resources();
        String driver = pnp.node(ECHO0).orElseThrow().driverName();
        trace.clear();
        assertThatThrownBy(() -> pnp.rebalance(ECHO0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("pnp:rebalance: " + driver + " refused to stop " + ECHO0 + " (IRP_MN_QUERY_STOP_DEVICE "
                        + "failed with STATUS_DEVICE_BUSY (0x80000011)); the device keeps its resources");
        assertThat(sequence("fixture.kmdf.veto", ECHO0)).containsExactly("* IRP_MN_QUERY_STOP_DEVICE",
                "EvtDeviceQueryStop", "* IRP_MN_CANCEL_STOP_DEVICE");
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(pnp.node(ECHO0).orElseThrow().resources()).isEqualTo(before);
    }

    /** Starts the WdfDeviceSetFailed fixture on the echo device and writes to it, which makes the driver fail it. */
    private void failTheDevice(String action) throws Exception {
        System.setProperty("fixture.setfailed.action", action);
        IoManagerHarness.DeviceFile f = wdf.open(ECHO0);
        try {
            f.write(new byte[8]);
        } finally {
            f.close();
        }
        pnp.drain();
        pnp.drain(); // the failure is queued from the write; its removal and restart run after it
    }

    @Test
    public void wdfDeviceSetFailedWithAttemptRestartRemovesTheDeviceAsASurpriseRemovalAndStartsItAgainUpToALimit()
            throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        bundle(ECHO).stop();
        bundle("fixture.kmdf.setfailed").start();
        trace.clear();
        failTheDevice("WdfDeviceFailedAttemptRestart");
        assertThat(sequence("fixture.kmdf.setfailed", ECHO0)).containsSubsequence("EvtIoWrite",
                "* IRP_MN_QUERY_PNP_DEVICE_STATE", "* IRP_MN_SURPRISE_REMOVAL", "EvtDeviceD0Exit",
                "EvtDeviceReleaseHardware", "* IRP_MN_REMOVE_DEVICE", "* IRP_MN_START_DEVICE",
                "EvtDevicePrepareHardware", "EvtDeviceD0Entry");
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        failTheDevice("WdfDeviceFailedAttemptRestart");
        assertThat(pnp.node(ECHO0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        // the third failure reaches the limit: the device keeps Code 43 and its driver, whose only device it was, unloads
        trace.clear();
        failTheDevice("WdfDeviceFailedAttemptRestart");
        DeviceNode n = pnp.node(ECHO0).orElseThrow();
        assertThat(n.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(n.problemStatus()).isEqualTo("WdfDeviceSetFailed(WdfDeviceFailedAttemptRestart) (failed "
                + org.drvsim.kernel.PnpManager.FAILED_RESTART_LIMIT + " times; not restarted again)");
        assertThat(sequence("fixture.kmdf.setfailed", ECHO0)).containsSubsequence("* IRP_MN_QUERY_PNP_DEVICE_STATE",
                "* IRP_MN_SURPRISE_REMOVAL", "* IRP_MN_REMOVE_DEVICE", "* ZwUnloadDriver")
                .doesNotContain("* IRP_MN_START_DEVICE");
        assertThat(pnp.drivers()).noneMatch(d -> d.name().startsWith("fixture.kmdf.setfailed/"));
    }

    @Test
    public void wdfDeviceSetFailedWithNoRestartLeavesCode43() throws Exception {
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        bundle(ECHO).stop();
        bundle("fixture.kmdf.setfailed").start();
        trace.clear();
        failTheDevice("WdfDeviceFailedNoRestart");
        DeviceNode n = pnp.node(ECHO0).orElseThrow();
        assertThat(n.state()).isEqualTo(DeviceNodeState.DeviceNodeStartFailed);
        assertThat(n.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_POST_START);
        assertThat(n.problemStatus()).isEqualTo("WdfDeviceSetFailed(WdfDeviceFailedNoRestart)");
        assertThat(sequence("fixture.kmdf.setfailed", ECHO0)).doesNotContain("* IRP_MN_START_DEVICE");
    }
}
