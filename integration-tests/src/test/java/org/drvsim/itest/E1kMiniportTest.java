package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.nt.Irql;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The e1k sample miniport on the default machine's two cabled PCI Ethernet controllers, over the real bundles: the
 * hardware it acquires in MiniportInitializeEx and releases in reverse in MiniportHaltEx, interrupts (MiniportInterrupt
 * at DIRQL, MiniportInterruptDPC at DISPATCH_LEVEL) and scatter/gather DMA on the data path, and frames crossing the
 * cable in both directions byte for byte.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class E1kMiniportTest extends DrvsimTestSupport {
    /** What MiniportInitializeEx calls, in order (register accesses left out). */
    static final List<String> INITIALIZE = List.of("MiniportInitializeEx", "NdisMSetMiniportAttributes",
            "NdisMMapIoSpace", "NdisMSetMiniportAttributes", "NdisMRegisterScatterGatherDma",
            "NdisMAllocateSharedMemory", "NdisMAllocateSharedMemory", "NdisMAllocateSharedMemory",
            "NdisMRegisterInterruptEx", "NdisMIndicateStatusEx");
    /** What MiniportHaltEx calls, in order: the reverse of MiniportInitializeEx's acquisitions. */
    static final List<String> HALT = List.of("MiniportHaltEx", "NdisMDeregisterInterruptEx", "NdisMFreeSharedMemory",
            "NdisMFreeSharedMemory", "NdisMFreeSharedMemory", "NdisMDeregisterScatterGatherDma", "NdisMUnmapIoSpace");

    @Before
    public void controllersAreUp() throws Exception {
        awaitCallback("MiniportRestart", E1K0);
        awaitCallback("MiniportRestart", E1K1);
    }

    /** The events of the e1k driver on one controller. */
    List<TraceEvent> events(String device) {
        return trace.events(e -> e.driver().startsWith(E1K + "/") && e.device().equalsIgnoreCase(device));
    }

    static final Set<String> DATA_PATH = Set.of("NdisWriteRegisterUlong", "MiniportInterrupt", "MiniportInterruptDPC",
            "MiniportSendNetBufferLists", "NdisMSendNetBufferListsComplete", "NdisMAllocateNetBufferSGList",
            "MiniportProcessSGList", "NdisMFreeNetBufferSGList", "NdisMIndicateReceiveNetBufferLists",
            "MiniportReturnNetBufferLists", "MiniportOidRequest", "MiniportCheckForHangEx");

    /** The lifecycle calls of the e1k driver on one controller: callbacks and DDIs, the data path left out. */
    List<String> lifecycle(String device) {
        return events(device).stream().filter(e -> e.kind() != TraceEvent.Kind.PNP).map(TraceEvent::name)
                .filter(n -> !DATA_PATH.contains(n)).toList();
    }

    void promiscuous(String device) {
        ProtocolHarness.OidResult r = ndis.setOid(device, NdisOid.OID_GEN_CURRENT_PACKET_FILTER,
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(NdisPacketType.NDIS_PACKET_TYPE_PROMISCUOUS).array());
        assertThat(r.status()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
    }

    /** Frames from {@code source}'s address to {@code destination}, 60 to 1514 bytes, each payload distinct. */
    static List<byte[]> frames(byte[] destination, byte[] source, int count, long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = i == 0 ? 60 : i == 1 ? 1514 : 60 + random.nextInt(1514 - 60 + 1);
            byte[] f = new byte[length];
            random.nextBytes(f);
            System.arraycopy(destination, 0, f, 0, 6);
            System.arraycopy(source, 0, f, 6, 6);
            f[12] = (byte) 0x88;
            f[13] = (byte) 0xB5; // IEEE 802 local experimental EtherType
            frames.add(f);
        }
        return frames;
    }

    byte[] mac(String device) {
        return ndis.queryOid(device, NdisOid.OID_802_3_CURRENT_ADDRESS, 6).data();
    }

    /** Sends {@code frames} from {@code from} and returns what {@code to}'s protocol received, in order. */
    List<byte[]> sendAcross(String from, String to, List<byte[]> frames) throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(frames.size());
        try (AutoCloseable listener = ndis.receive(to, f -> {
            received.add(f);
            all.countDown();
        })) {
            ProtocolHarness.SendResult r = ndis.send(from, frames);
            assertThat(r.completionStatuses()).containsExactly(Map.entry(NdisStatus.NDIS_STATUS_SUCCESS, frames.size()));
            assertThat(all.await(20, TimeUnit.SECONDS)).as("every frame arrived").isTrue();
        }
        return received;
    }

    @Test
    public void initializeExAcquiresTheHardwareAndHaltExReleasesItInReverseOrder() throws Exception {
        assertThat(lifecycle(E1K0)).containsExactlyElementsOf(
                concat(INITIALIZE, List.of("MiniportDevicePnPEventNotify", "MiniportRestart")));
        TraceEvent init = events(E1K0).stream().filter(e -> e.name().equals("MiniportInitializeEx")).findFirst().orElseThrow();
        assertThat(init.returnValue()).isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        List<String> acquired = events(E1K0).stream().filter(e -> e.name().equals("NdisMAllocateSharedMemory"))
                .map(e -> e.arg("physicalAddress") + "+" + e.arg("length")).toList();
        trace.clear();
        bundle(E1K).stop();
        for (String device : List.of(E1K0, E1K1)) {
            assertThat(lifecycle(device)).as(device).containsExactly(
                    concat(List.of("MiniportPause"), HALT).toArray(String[]::new));
        }
        List<String> freed = events(E1K0).stream().filter(e -> e.name().equals("NdisMFreeSharedMemory"))
                .map(e -> e.arg("physicalAddress") + "+" + e.arg("length")).toList();
        List<String> reversed = new ArrayList<>(acquired);
        Collections.reverse(reversed);
        assertThat(freed).as("shared memory freed in the reverse order of its allocation").isEqualTo(reversed);
        assertThat(verifier.violations()).isEmpty();
    }

    @Test
    public void framesCrossTheCableBothWaysByteForByteThroughInterruptsAndDma() throws Exception {
        promiscuous(E1K0);
        promiscuous(E1K1);
        byte[] mac0 = mac(E1K0);
        byte[] mac1 = mac(E1K1);
        trace.clear();
        List<byte[]> there = frames(mac1, mac0, 40, 1);
        List<byte[]> received = sendAcross(E1K0, E1K1, there);
        assertThat(received).hasSameSizeAs(there);
        for (int i = 0; i < there.size(); i++) {
            assertThat(HexFormat.of().formatHex(received.get(i))).as("frame %d from 0000 to 0001", i)
                    .isEqualTo(HexFormat.of().formatHex(there.get(i)));
        }
        List<byte[]> back = frames(mac0, mac1, 40, 2);
        received = sendAcross(E1K1, E1K0, back);
        for (int i = 0; i < back.size(); i++) {
            assertThat(HexFormat.of().formatHex(received.get(i))).as("frame %d from 0001 to 0000", i)
                    .isEqualTo(HexFormat.of().formatHex(back.get(i)));
        }

        List<TraceEvent> sender = events(E1K0);
        assertThat(sender.stream().map(TraceEvent::name).filter(n -> !n.equals("NdisWriteRegisterUlong")).toList())
                .containsSubsequence("MiniportSendNetBufferLists", "NdisMAllocateNetBufferSGList", "MiniportProcessSGList",
                        "MiniportInterrupt", "MiniportInterruptDPC", "NdisMFreeNetBufferSGList",
                        "NdisMSendNetBufferListsComplete");
        assertThat(sender.stream().filter(e -> e.name().equals("MiniportInterrupt") && "TRUE".equals(e.returnValue())))
                .isNotEmpty().allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DIRQL));
        assertThat(sender.stream().filter(e -> e.name().equals("MiniportInterruptDPC") || e.name().equals("MiniportProcessSGList")))
                .isNotEmpty().allSatisfy(e -> assertThat(e.irql()).isEqualTo(Irql.DISPATCH_LEVEL));
        assertThat(events(E1K1).stream().map(TraceEvent::name).toList())
                .containsSubsequence("MiniportInterrupt", "MiniportInterruptDPC", "NdisMIndicateReceiveNetBufferLists",
                        "MiniportReturnNetBufferLists");
        assertThat(sum(E1K0, "MiniportSendNetBufferLists") + sum(E1K1, "MiniportSendNetBufferLists"))
                .isEqualTo(sum(E1K0, "NdisMSendNetBufferListsComplete") + sum(E1K1, "NdisMSendNetBufferListsComplete"))
                .isEqualTo(80);
        assertThat(sum(E1K1, "NdisMIndicateReceiveNetBufferLists")).isEqualTo(40);
        assertThat(gogo("ndis:oid '" + E1K1 + "' OID_GEN_STATISTICS")).contains("ifHCInUcastPkts=40");
    }

    long sum(String device, String name) {
        return events(device).stream().filter(e -> e.name().equals(name))
                .mapToLong(e -> Long.parseLong(e.arg("numberOfNetBufferLists"))).sum();
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
