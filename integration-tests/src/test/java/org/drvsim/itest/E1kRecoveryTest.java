package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.EthernetWires;
import org.drvsim.hw.FaultRule;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.nt.Irql;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

/**
 * The e1k sample miniport recovering as a real NIC driver must: from interrupts the NIC raised and nobody saw
 * (MiniportCheckForHangEx reclaims what the NIC finished, no reset), from a transmitter that stopped
 * (MiniportCheckForHangEx TRUE, then MiniportResetEx, after which frames cross again), and from its link partner
 * going away and coming back (NdisMIndicateStatusEx from MiniportInterruptDPC, and OID_GEN_LINK_STATE following).
 * NDIS's check-for-hang clock runs 20 times fast here: the driver's 2 s interval lasts 100 ms.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class E1kRecoveryTest extends E1kTestSupport {
    @Override
    protected Option[] moreOptions() {
        return new Option[] {systemProperty("drvsim.ndis.checkForHangMillisPerSecond").value("50")};
    }

    @Test
    public void lostInterruptsCostADelayNotAResetMiniportCheckForHangExCompletesWhatTheNicSent() throws Exception {
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        armFault(E1K0, FaultRule.always("dropInterrupts")); // the sender's transmit-done interrupts are lost
        trace.clear();
        List<byte[]> sent = frames(mac1, mac0, 16, 5);
        List<byte[]> received = sendAcross(E1K0, E1K1, sent); // every send completes with NDIS_STATUS_SUCCESS
        assertThat(received).hasSameSizeAs(sent);
        List<TraceEvent> events = events(E1K0);
        assertThat(events.stream().map(TraceEvent::name)).as("no interrupt reached the driver, and nothing was reset")
                .doesNotContain("MiniportInterrupt", "MiniportInterruptDPC", "MiniportResetEx");
        assertThat(events.stream().filter(e -> e.name().equals("NdisMSendNetBufferListsComplete")))
                .as("completed from MiniportCheckForHangEx, at PASSIVE_LEVEL").isNotEmpty()
                .allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.PASSIVE_LEVEL));
        assertThat(events.stream().filter(e -> e.name().equals("MiniportCheckForHangEx")))
                .isNotEmpty().allSatisfy(e -> assertThat(String.valueOf(e.returnValue())).isEqualToIgnoringCase("false"));
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aHungTransmitterIsFoundByMiniportCheckForHangExResetByMiniportResetExAndFramesCrossAgain() throws Exception {
        promiscuous(E1K0);
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        armFault(E1K0, FaultRule.always("hangDevice").times(1)); // the transmitter stops at the next frame
        trace.clear();
        ProtocolHarness.SendResult stuck = ndis.send(E1K0, frames(mac1, mac0, 8, 6));
        assertThat(stuck.completionStatuses()).as("the reset abandoned the frames on the ring, each completed once")
                .containsExactly(Map.entry(NdisStatus.NDIS_STATUS_REQUEST_ABORTED, 8));
        List<TraceEvent> events = events(E1K0);
        TraceEvent hung = events.stream().filter(e -> e.name().equals("MiniportCheckForHangEx")
                && String.valueOf(e.returnValue()).equalsIgnoreCase("true")).findFirst()
                .orElseThrow(() -> new AssertionError("MiniportCheckForHangEx never returned TRUE"));
        TraceEvent reset = events.stream().filter(e -> e.name().equals("MiniportResetEx")).findFirst().orElseThrow();
        assertThat(reset.seq()).isGreaterThan(hung.seq());
        assertThat(reset.returnValue()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        assertThat(events.stream().filter(e -> e.name().equals("NdisMSendNetBufferListsComplete")).mapToLong(TraceEvent::seq))
                .as("the abandoned sends complete inside MiniportResetEx").allMatch(q -> q > reset.seq());

        // reset and programmed again, with the packet filter it had: frames cross both ways
        List<byte[]> there = frames(mac1, mac0, 12, 7);
        assertThat(sendAcross(E1K0, E1K1, there)).usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(there);
        List<byte[]> back = frames(mac0, mac1, 12, 8);
        assertThat(sendAcross(E1K1, E1K0, back)).usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(back);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void aLinkPartnerGoingAwayAndComingBackIsIndicatedFromTheDpcAndOidGenLinkStateFollows() throws Exception {
        EthernetWires wires = bundleContext.getService(bundleContext.getServiceReference(EthernetWires.class));
        assertThat(mediaConnectState(E1K1)).as("MediaConnectStateConnected").isEqualTo(1);
        trace.clear();
        assertThat(wires.setLink(E1K1, false)).isTrue();
        TraceEvent down = awaitLinkIndication(E1K1, "MediaConnectStateDisconnected");
        assertThat(mediaConnectState(E1K1)).as("MediaConnectStateDisconnected").isEqualTo(2);
        awaitLinkIndication(E1K0, "MediaConnectStateDisconnected"); // a link is down at both ends
        assertThat(mediaConnectState(E1K0)).as("the other end: MediaConnectStateDisconnected").isEqualTo(2);
        assertThat(wires.setLink(E1K1, true)).isTrue();
        TraceEvent up = awaitLinkIndication(E1K1, "MediaConnectStateConnected");
        assertThat(mediaConnectState(E1K1)).as("MediaConnectStateConnected").isEqualTo(1);
        awaitLinkIndication(E1K0, "MediaConnectStateConnected");
        assertThat(mediaConnectState(E1K0)).as("the other end: MediaConnectStateConnected").isEqualTo(1);
        List<TraceEvent> dpcs = events(E1K1).stream().filter(e -> e.name().equals("MiniportInterruptDPC")).toList();
        for (TraceEvent indication : List.of(down, up)) {
            assertThat(indication.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
            assertThat(dpcs).as("NdisMIndicateStatusEx inside a MiniportInterruptDPC (the LSC interrupt's)")
                    .anySatisfy(d -> {
                        assertThat(d.seq()).isLessThan(indication.seq());
                        assertThat(d.endNanos()).isGreaterThanOrEqualTo(indication.timeNanos());
                        assertThat(d.processor()).isEqualTo(indication.processor());
                    });
        }
        assertThat(events(E1K0).stream().filter(e -> e.name().equals("NdisMIndicateStatusEx"))
                .map(e -> e.arg("mediaConnectState"))).as("the other end of the cable went down and came back with it")
                .containsExactly("MediaConnectStateDisconnected", "MediaConnectStateConnected");
        promiscuous(E1K1);
        List<byte[]> there = frames(mac(E1K1), mac(E1K0), 8, 9);
        assertThat(sendAcross(E1K0, E1K1, there)).usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(there);
        assertThat(verifier.violations()).isEmpty();
    }

    private TraceEvent awaitLinkIndication(String device, String mediaConnectState) throws Exception {
        return trace.await(e -> e.device().equalsIgnoreCase(device) && e.name().equals("NdisMIndicateStatusEx")
                && "NDIS_STATUS_LINK_STATE".equals(e.arg("statusCode"))
                && mediaConnectState.equals(e.arg("mediaConnectState")), Duration.ofSeconds(10));
    }

    /** MediaConnectState of OID_GEN_LINK_STATE's NDIS_LINK_STATE: 1 connected, 2 disconnected. */
    private int mediaConnectState(String device) {
        ProtocolHarness.OidResult r = ndis.queryOid(device, NdisOid.OID_GEN_LINK_STATE, 40);
        assertThat(r.status()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        return ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
    }
}
