package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.FaultRuleState;
import org.drvsim.kernel.TraceEvent;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.junit.Before;

/**
 * What the tests of the e1k sample miniport on the default machine's two cabled PCI Ethernet controllers share: the
 * driver started on both, its trace per controller, frames to send and the protocol side that sends and receives
 * them.
 */
public abstract class E1kTestSupport extends DrvsimTestSupport {
    @Before
    public void controllersAreUp() throws Exception {
        bundle(E1K).start();
        awaitCallback("MiniportRestart", E1K0);
        awaitCallback("MiniportRestart", E1K1);
    }

    /** The events of the e1k driver on one controller. */
    List<TraceEvent> events(String device) {
        return trace.events(e -> e.driver().startsWith(E1K + "/") && e.device().equalsIgnoreCase(device));
    }

    static final Set<String> DATA_PATH = Set.of("NdisWriteRegisterUlong", "NdisReadRegisterUlong", "MiniportInterrupt", "MiniportInterruptDPC",
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

    static long accesses(DeviceFaults faults) {
        return faults.rules().stream().mapToLong(FaultRuleState::checks).sum();
    }

    /** The frames of a classic pcap file (either byte order), read by hand: a capture file is a simple format. */
    static List<byte[]> readPcap(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            b.order(ByteOrder.BIG_ENDIAN);
        }
        b.position(24);
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int included = b.getInt();
            b.getInt();
            byte[] f = new byte[included];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }

    static long seq(List<TraceEvent> events, String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no " + name + " in the trace")).seq();
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
