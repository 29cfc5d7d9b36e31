package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.drvsim.kernel.TraceEvent;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The KMDF echo driver on the simulated PCI echo DMA device, over the real bundles (spec/wdf-lifecycle.md
 * section 7, oracles (i) and (ii); spec/seeds/wdf-EVT_WDF_DEVICE_RELEASE_HARDWARE.md).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class EchoLifecycleTest extends DrvsimTestSupport {
    @Override
    public void platformIsUp() throws Exception {
        super.platformIsUp();
        await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
    }

    List<String> echoCallbacks() {
        return trace.events(e -> e.kind() == TraceEvent.Kind.CALLBACK && e.driver().startsWith(ECHO + "/")
                        && !e.name().startsWith("EvtIo") && !e.name().startsWith("EvtInterruptIsr")
                        && !e.name().startsWith("EvtInterruptDpc"))
                .stream().map(e -> e.arg("previousState") != null ? e.name() + " " + e.arg("previousState")
                        : e.arg("targetState") != null ? e.name() + " " + e.arg("targetState") : e.name()).toList();
    }

    /** The echo device's callbacks and the framework actions it can observe (the trace's {@code *} lines). */
    List<String> echoLifecycle() {
        return trace.events(e -> e.driver().startsWith(ECHO + "/") && e.device().equals(ECHO0)
                        && (e.kind() == TraceEvent.Kind.CALLBACK && !e.name().startsWith("EvtIo")
                                && !e.name().startsWith("EvtInterruptIsr") && !e.name().startsWith("EvtInterruptDpc")
                        || e.kind() == TraceEvent.Kind.PNP && !e.name().startsWith("IRP_MN_")))
                .stream().map(e -> e.kind() == TraceEvent.Kind.PNP ? "* " + e.name() : e.name()).toList();
    }

    @Test
    public void startingTheEchoDriverRunsTheDocumentedStartSequence() throws Exception {
        assertThat(echoCallbacks()).containsExactly("DriverEntry", "EvtDriverDeviceAdd", "EvtDevicePrepareHardware",
                "EvtDeviceD0Entry WdfPowerDeviceD3Final");
        await(e -> e.name().equals("WdfIoQueueStart") && e.device().equals(ECHO0));
        assertThat(echoLifecycle()).containsExactly("EvtDriverDeviceAdd", "EvtDevicePrepareHardware", "EvtDeviceD0Entry",
                "* IoConnectInterruptEx", "* WdfIoQueueStart");
        assertThat(trace.events(e -> e.name().equals("DriverEntry") && e.driver().startsWith(ECHO + "/")).get(0)
                .arg("registryPath")).isEqualTo("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + ECHO);
        assertThat(trace.events(e -> e.name().equals("MmMapIoSpace") && e.driver().startsWith(ECHO)).get(0).arg("mapped"))
                .isEqualTo("true");
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void stoppingTheEchoDriverReleasesHardwareOnlyAfterTheDeviceLeftD0AndUnmapsItsRegisters() throws Exception {
        trace.clear();
        installedBundle(ECHO).stop();
        assertThat(echoCallbacks()).containsExactly("EvtDeviceD0Exit WdfPowerDeviceD3Final", "EvtDeviceReleaseHardware");
        assertThat(echoLifecycle()).containsExactly("* WdfIoQueueStop", "* IoDisconnectInterruptEx", "EvtDeviceD0Exit",
                "EvtDeviceReleaseHardware", "* WdfIoQueuePurge");
        List<String> order = trace.events(e -> e.driver().startsWith(ECHO + "/")).stream().map(TraceEvent::name).toList();
        assertThat(order).containsSubsequence("EvtDeviceD0Exit", "EvtDeviceReleaseHardware", "MmUnmapIoSpace",
                "ZwUnloadDriver");
        assertThat(verifier.violations()).isEmpty();
        assertThat(gogo("wdf:devices")).doesNotContain("echo0");
    }

    @Test
    public void aMegabyteFileWrittenAndReadBackThroughDmaComesBackIdenticalAndTheTraceShowsTheTransfers() throws Exception {
        byte[] data = new byte[(1 << 20) + 12345];
        new Random(5).nextBytes(data);
        Path in = Files.createTempFile("echo-in-", ".bin");
        Path out = Files.createTempFile("echo-out-", ".bin");
        in.toFile().deleteOnExit();
        out.toFile().deleteOnExit();
        Files.write(in, data);
        trace.clear();
        assertThat(gogo("wdf:write echo0 " + in)).contains("wrote " + data.length + " bytes in 17 request(s)");
        assertThat(gogo("wdf:read echo0 " + out)).contains("read " + data.length + " bytes");
        assertThat(Files.readAllBytes(out)).isEqualTo(data);
        assertThat(trace.events(e -> e.name().equals("EvtInterruptIsr"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("DIRQL"));
        assertThat(trace.events(e -> e.name().equals("EvtInterruptDpc"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.irql().name()).isEqualTo("DISPATCH_LEVEL"));
        assertThat(trace.events(e -> e.name().equals("WRITE_REGISTER_ULONG") && "0x00000001".equals(e.arg("value"))
                && e.arg("register").endsWith("+0x20"))).as("host-to-device DMA commands").hasSize(17);
        assertThat(trace.events(e -> e.name().equals("WdfRequestComplete"))).hasSizeGreaterThanOrEqualTo(34);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void requestsInFlightWhenTheDriverStopsAreCompletedOrCancelledBeforeD0ExitReturns() throws Exception {
        byte[] data = new byte[256 * 1024];
        Path in = Files.createTempFile("echo-race-", ".bin");
        in.toFile().deleteOnExit();
        new java.io.File(in + ".back").deleteOnExit(); // what the reads write
        Files.write(in, data);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            trace.clear();
            Future<?> io = pool.submit(() -> {
                for (int i = 0; i < 30; i++) {
                    try {
                        gogo("wdf:write echo0 " + in);
                        gogo("wdf:read echo0 " + in + ".back");
                    } catch (Exception deviceGone) {
                        return null;
                    }
                }
                return null;
            });
            await(e -> e.name().equals("EvtIoWrite"));
            Bundle b = installedBundle(ECHO);
            b.stop();
            io.get(60, TimeUnit.SECONDS);
            long d0Exit = trace.events(e -> e.name().equals("EvtDeviceD0Exit")).get(0).seq();
            long delivered = trace.events(e -> (e.name().equals("EvtIoWrite") || e.name().equals("EvtIoRead"))).size();
            List<TraceEvent> completions = trace.events(e -> e.name().equals("WdfRequestComplete"));
            assertThat((long) completions.size()).as("every delivered request completed exactly once").isEqualTo(delivered);
            assertThat(completions).allSatisfy(c -> assertThat(c.seq()).isLessThan(d0Exit));
            assertThat(verifier.violations()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A transfer the device accepted when it is unplugged (an orderly removal) still finishes and raises its interrupt,
     * so the request the driver keeps through EvtIoStop(WdfRequestStopActionSuspend) completes with its bytes; after a
     * surprise removal that interrupt never comes: the echo driver acknowledges the stop (its registers read all ones)
     * and the purge that follows cancels the request. Neither removal waits for the framework's power-down limit.
     */
    @Test
    public void aTransferInFlightWhenTheDeviceIsRemovedCompletesOnUnplugAndIsCancelledOnSurpriseRemoval()
            throws Exception {
        for (boolean surprise : new boolean[] {false, true}) {
            armFault(ECHO0, org.drvsim.hw.FaultRule.always(org.drvsim.hw.EchoDmaRegisters.DELAY_COMPLETION).delayMicros(300_000));
            trace.clear();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (org.drvsim.wdf.harness.IoManagerHarness.DeviceFile f = wdf.open(ECHO0)) {
                Future<org.drvsim.wdf.harness.IoManagerHarness.IoResult> write =
                        pool.submit(() -> f.write(new byte[4096]));
                await(e -> e.name().equals("EvtIoWrite") && e.completed());
                long began = System.nanoTime();
                if (surprise) {
                    hardware.surpriseRemove(ECHO0);
                } else {
                    hardware.unplug(ECHO0);
                }
                pnp.drain();
                org.drvsim.wdf.harness.IoManagerHarness.IoResult r = write.get(10, TimeUnit.SECONDS);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began)).as("removal time").isLessThan(5);
                assertThat(r.status()).as(surprise ? "surprise" : "unplug")
                        .isEqualTo(surprise ? org.drvsim.nt.NtStatus.STATUS_CANCELLED : org.drvsim.nt.NtStatus.STATUS_SUCCESS);
                List<String> stops = trace.events(e -> e.name().equals("EvtIoStop") || e.name().equals("WdfRequestStopAcknowledge"))
                        .stream().map(e -> e.arg("actionFlags") == null ? e.name() : e.name() + " " + e.arg("actionFlags"))
                        .toList();
                assertThat(stops).as(surprise ? "surprise" : "unplug").isEqualTo(surprise
                        ? List.of("EvtIoStop WdfRequestStopActionSuspend", "WdfRequestStopAcknowledge",
                                "EvtIoStop WdfRequestStopActionPurge")
                        : List.of("EvtIoStop WdfRequestStopActionSuspend"));
                assertThat(verifier.violations()).isEmpty();
            } finally {
                pool.shutdownNow();
            }
            hardware.plug(hardware.kind("PCI\\VEN_1414&DEV_EC40").orElseThrow().spec(ECHO0, "plugged again"));
            pnp.drain();
            await(e -> e.name().equals("EvtDeviceD0Entry") && e.device().equals(ECHO0) && e.completed());
        }
    }
}
