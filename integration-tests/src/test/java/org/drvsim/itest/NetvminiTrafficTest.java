package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
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
 * OID requests and the data path of netvmini through the ndis: commands, and sends in flight while the
 * driver bundle stops (spec/ndis-lifecycle.md sections 6 to 8 and 10).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NetvminiTrafficTest extends DrvsimTestSupport {
    static final String Q0 = "'ROOT\\NETVMINI\\0000'";
    static final String Q1 = "'ROOT\\NETVMINI\\0001'";

    @Test
    public void anUnsupportedOidIsAnsweredWithNdisStatusNotSupported() throws Exception {
        assertThatThrownBy(() -> gogo("ndis:oid " + Q1 + " 0x00010203"))
                .hasMessageContaining("failed: NDIS_STATUS_NOT_SUPPORTED");
        TraceEvent e = awaitCallback("MiniportOidRequest", A1);
        assertThat(e.arg("oid")).isEqualTo("0x00010203");
        assertThat(e.returnValue()).hasToString("NDIS_STATUS_NOT_SUPPORTED");
    }

    @Test
    public void thePacketFilterIsSetByNameAndQueriedBack() throws Exception {
        assertThat(gogo("ndis:oid " + Q1 + " OID_GEN_CURRENT_PACKET_FILTER")).contains("= 0x00000000 (0)");
        assertThat(gogo("ndis:oid netvmini1 OID_GEN_CURRENT_PACKET_FILTER 'NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST'"))
                .contains("NDIS_STATUS_SUCCESS");
        assertThat(gogo("ndis:oid " + Q1 + " OID_GEN_CURRENT_PACKET_FILTER"))
                .contains("= 0x00000009 (NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST)");
        // the default form leaves out the flags' common NDIS_PACKET_TYPE_ prefix; the wide form shows their names
        assertThat(gogo("ndis:adapters")).contains(" DIRECTED|BROADCAST ").doesNotContain("NDIS_PACKET_TYPE_");
        assertThat(gogo("ndis:adapters --wide")).contains("NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST");
        TraceEvent set = trace.events(e -> e.name().equals("MiniportOidRequest")
                && "NdisRequestSetInformation".equals(e.arg("requestType"))).get(0);
        assertThat(set.arg("oid")).isEqualTo("OID_GEN_CURRENT_PACKET_FILTER");
        assertThat(set.arg("informationBufferLength")).isEqualTo("4");
    }

    @Test
    public void theNetvminiOidsAnswerWithTheAdaptersValues() throws Exception {
        assertThat(gogo("ndis:oid " + Q0 + " OID_802_3_PERMANENT_ADDRESS")).contains("02-50-F2-00-00-01");
        assertThat(gogo("ndis:oid " + Q0 + " OID_GEN_MAXIMUM_FRAME_SIZE")).contains("= 1500");
        assertThat(gogo("ndis:oid " + Q0 + " OID_GEN_LINK_STATE")).contains("MediaConnectStateConnected")
                .contains("XmitLinkSpeed=1000000000");
        assertThat(gogo("ndis:oid " + Q0 + " OID_GEN_STATISTICS")).contains("ifHCInOctets=0");
        assertThat(gogo("ndis:oid " + Q0 + " OID_802_3_MULTICAST_LIST 01-00-5E-00-00-01,01-00-5E-00-00-02"))
                .contains("NDIS_STATUS_SUCCESS");
        assertThat(gogo("ndis:oid " + Q0 + " OID_802_3_MULTICAST_LIST")).contains("01-00-5E-00-00-01, 01-00-5E-00-00-02");
    }

    @Test
    public void sendsInFlightWhileTheDriverStopsAreEachCompletedExactlyOnceBeforeHalt() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String capture = System.getProperty("drvsim.capture");
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 6; round++) {
                String why = "seed " + seed + ", round " + round;
                gogo("ndis:oid " + Q1 + " OID_GEN_CURRENT_PACKET_FILTER NDIS_PACKET_TYPE_PROMISCUOUS");
                trace.clear();
                int sendsBeforeStop = 1 + random.nextInt(12);
                CountDownLatch sent = new CountDownLatch(sendsBeforeStop);
                try (AutoCloseable sub = trace.subscribe(e -> {
                    if (e.name().equals("MiniportSendNetBufferLists")) {
                        sent.countDown();
                    }
                })) {
                    Future<?> traffic = sender.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            try {
                                gogo("ndis:send " + Q0 + " " + capture);
                            } catch (Exception adapterGone) {
                                return null;
                            }
                        }
                        return null;
                    });
                    assertThat(sent.await(20, TimeUnit.SECONDS)).as(why).isTrue();
                    Bundle netvmini = installedBundle(NETVMINI);
                    netvmini.stop();
                    traffic.get(60, TimeUnit.SECONDS);
                    assertThat(verifier.violations()).as(why).isEmpty();
                    List<String> lifecycle = callbacks(NETVMINI).stream()
                            .filter(c -> !c.startsWith("MiniportSendNetBufferLists") && !c.startsWith("MiniportReturnNetBufferLists")
                                    && !c.startsWith("MiniportOidRequest") && !c.startsWith("CustomDpc")
                                    && !c.startsWith("NetTimerCallback"))
                            .toList();
                    assertThat(lifecycle).as(why).containsExactlyElementsOf(NetvminiLifecycleTest.STOP.stream()
                            .filter(c -> c.startsWith("Miniport")).toList());
                    long handed = sum("MiniportSendNetBufferLists");
                    long completed = sum("NdisMSendNetBufferListsComplete");
                    assertThat(completed).as(why + ": every NBL handed to the miniport came back exactly once")
                            .isEqualTo(handed);
                    long lastCompletion = trace.events(e -> e.name().equals("NdisMSendNetBufferListsComplete"))
                            .stream().mapToLong(TraceEvent::seq).max().orElse(0);
                    long firstHalt = trace.events(e -> e.name().equals("MiniportHaltEx")).get(0).seq();
                    assertThat(lastCompletion).as(why + ": sends complete before HaltEx").isLessThan(firstHalt);
                    netvmini.start();
                    awaitCallback("MiniportRestart", A1);
                }
            }
        } finally {
            sender.shutdownNow();
        }
    }

    private long sum(String name) {
        return trace.events(e -> e.name().equals(name)).stream()
                .mapToLong(e -> Long.parseLong(e.arg("numberOfNetBufferLists"))).sum();
    }
}
