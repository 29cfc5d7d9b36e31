package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.DeviceNodeState;
import org.drvsim.kernel.TraceEvent;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The netvmini driver bundle's lifecycle is the driver's lifecycle (spec/ndis-lifecycle.md section 11,
 * oracles 1 and 5; spec/seeds/ndis-halting-a-miniport-adapter.md; spec/seeds/ndis-MINIPORT_UNLOAD.md).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NetvminiLifecycleTest extends DrvsimTestSupport {
    static final List<String> START = List.of(
            "DriverEntry",
            "NdisMRegisterMiniportDriver",
            "MiniportInitializeEx " + A0,
            "NdisMSetMiniportAttributes " + A0,
            "NdisMSetMiniportAttributes " + A0,
            "NdisAllocateTimerObject " + A0,
            "MiniportDevicePnPEventNotify " + A0,
            "MiniportRestart " + A0,
            "MiniportInitializeEx " + A1,
            "NdisMSetMiniportAttributes " + A1,
            "NdisMSetMiniportAttributes " + A1,
            "NdisAllocateTimerObject " + A1,
            "MiniportDevicePnPEventNotify " + A1,
            "MiniportRestart " + A1);

    static final List<String> STOP = List.of(
            "MiniportPause " + A0,
            "MiniportHaltEx " + A0,
            "NdisFreeTimerObject " + A0,
            "MiniportPause " + A1,
            "MiniportHaltEx " + A1,
            "NdisFreeTimerObject " + A1,
            "MiniportDriverUnload",
            "NdisMDeregisterMiniportDriver");

    @Test
    public void startingTheDriverBundleRunsDriverEntryThenInitializesAndRestartsEveryAdapter() {
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(START);
        assertThat(pnp.node(A0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(pnp.node(A1).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeStarted);
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.driver().startsWith(NETVMINI)))
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("PASSIVE_LEVEL"))
                .allSatisfy(e -> assertThat(String.valueOf(e.returnValue())).isIn("NDIS_STATUS_SUCCESS", "VOID"));
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void stoppingTheDriverBundlePausesAndHaltsEveryAdapterThenUnloadsOnce() throws Exception {
        trace.clear();
        installedBundle(NETVMINI).stop();
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(STOP);
        TraceEvent halt = trace.events(e -> e.name().equals("MiniportHaltEx")).get(0);
        assertThat(halt.arg("haltAction")).isEqualTo("NdisHaltDeviceDisabled");
        assertThat(trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.driver().startsWith(NETVMINI)))
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("PASSIVE_LEVEL"));
        assertThat(ndisDrivers()).isEmpty();
        assertThat(pnp.node(A0).orElseThrow().state()).isEqualTo(DeviceNodeState.DeviceNodeUninitialized);
        assertThat(gogo("ndis:adapters")).doesNotContain("NETVMINI");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void nothingReachesTheDriverAfterMiniportDriverUnload() throws Exception {
        Bundle netvmini = installedBundle(NETVMINI);
        netvmini.stop();
        long unloadSeq = awaitCallback("MiniportDriverUnload", null).seq();
        assertThat(gogo("pnp:tree")).contains("(no driver)");
        assertThat(trace.events(e -> e.seq() > unloadSeq && e.driver().startsWith(NETVMINI)
                && e.kind() == TraceEvent.Kind.CALLBACK)).isEmpty();
    }

    @Test
    public void startingTheDriverAgainBringsBothAdaptersBackToRunning() throws Exception {
        Bundle netvmini = installedBundle(NETVMINI);
        netvmini.stop();
        trace.clear();
        netvmini.start();
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(START);
        assertThat(gogo("ndis:adapters")).contains("netvmini0").contains("netvmini1").contains("Running");
    }

    @Test
    public void uninstallThenInstallOfTheSameJarLeavesNoStateBehind() throws Exception {
        Bundle netvmini = installedBundle(NETVMINI);
        String location = netvmini.getLocation();
        netvmini.uninstall();
        assertThat(calls(NETVMINI)).endsWith(STOP.toArray(String[]::new));
        assertThat(ndisDrivers()).isEmpty();
        assertThat(pnp.deviceTree()).filteredOn(n -> n.instanceId().contains("NETVMINI"))
                .extracting(DeviceNode::driverName).containsOnly("");
        trace.clear();
        Bundle again = bundleContext.installBundle(location);
        again.start();
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(START);
        assertThat(ndisDrivers()).hasSize(1);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void updatingTheDriverBundleRemovesAndUnloadsTheOldDriverBeforeTheNewOneLoads() throws Exception {
        trace.clear();
        installedBundle(NETVMINI).update();
        List<String> expected = new java.util.ArrayList<>(STOP);
        expected.addAll(START);
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(expected);
    }

    @Test
    public void refreshingTheDriverBundleRemovesAndUnloadsThenLoadsItAgain() throws Exception {
        trace.clear();
        CountDownLatch refreshed = new CountDownLatch(1);
        bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(installedBundle(NETVMINI)),
                e -> refreshed.countDown());
        assertThat(refreshed.await(20, TimeUnit.SECONDS)).isTrue();
        awaitCallback("MiniportRestart", A1);
        List<String> expected = new java.util.ArrayList<>(STOP);
        expected.addAll(START);
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(expected);
    }

    @Test
    public void stoppingTheNdisModelRemovesAndUnloadsItsDriversFirstAndStartingItLoadsThemAgain() throws Exception {
        trace.clear();
        Bundle ndis = installedBundle("org.drvsim.ndis");
        ndis.stop();
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(STOP);
        assertThat(installedBundle(NETVMINI).getState()).isEqualTo(Bundle.ACTIVE);
        trace.clear();
        ndis.start();
        awaitCallback("MiniportRestart", A1);
        assertThat(calls(NETVMINI)).containsExactlyElementsOf(START);
    }

    @Test
    public void surpriseRemovalNotifiesThenPausesThenHaltsWithSurpriseRemoved() throws Exception {
        trace.clear();
        bundleContext.getService(bundleContext.getServiceReference(org.drvsim.hw.HardwareBus.class)).surpriseRemove(A1);
        awaitCallback("MiniportHaltEx", A1);
        assertThat(callbacks(NETVMINI)).containsExactly(
                "MiniportDevicePnPEventNotify " + A1, "MiniportPause " + A1, "MiniportHaltEx " + A1);
        assertThat(trace.events(e -> e.name().equals("MiniportDevicePnPEventNotify")).get(0).arg("devicePnPEvent"))
                .isEqualTo("NdisDevicePnPEventSurpriseRemoved");
        assertThat(trace.events(e -> e.name().equals("MiniportHaltEx")).get(0).arg("haltAction"))
                .isEqualTo("NdisHaltDeviceSurpriseRemoved");
        assertThat(pnp.node(A1)).isEmpty();
    }
}
