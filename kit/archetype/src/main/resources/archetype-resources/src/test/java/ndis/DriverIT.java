package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.drvsim.test.DrvsimAssertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.drvsim.ndis.NdisOid;
import org.drvsim.ndis.NdisPacketType;
import org.drvsim.ndis.NdisStatus;
import org.drvsim.ndis.harness.ProtocolHarness;
import org.drvsim.test.DrvsimTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The driver in a fresh drvsim platform for each test (Felix 7 on an empty machine, the driver's bundle from
 * target/ started): what it does when its device is plugged, what a protocol sees, and that stopping its bundle
 * undoes everything in the documented order. After each test the kit fails it if the verifier recorded a broken
 * rule, such as a timer still allocated after MiniportHaltEx.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DriverIT extends DrvsimTestSupport {
    static final String HARDWARE_ID = "ROOT\\MYNIC";
    static final String DEVICE = "ROOT\\MYNIC\\0000";

    @Test
    public void startingTheBundleRunsDriverEntryWhichRegistersTheMiniport() {
        assertThat(driverBundle().getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(trace).forDriver(driverBundle().getSymbolicName()).calls()
                .containsExactly("DriverEntry", "NdisMRegisterMiniportDriver");
    }

    @Test
    public void aPluggedDeviceIsInitializedThenRestarted() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        assertThat(trace).forDevice(DEVICE).calls().containsExactly("MiniportInitializeEx", "NdisMSetMiniportAttributes",
                "NdisMSetMiniportAttributes", "NdisAllocateTimerObject", "MiniportDevicePnPEventNotify", "MiniportRestart");
        assertThat(ndis.adapters()).extracting(ProtocolHarness.AdapterInfo::state).containsExactly("Running");
    }

    @Test
    public void everyFrameAProtocolSendsIsCompleted() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        String adapter = ndis.resolveAdapter(DEVICE);
        byte[] filter = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(NdisPacketType.NDIS_PACKET_TYPE_DIRECTED | NdisPacketType.NDIS_PACKET_TYPE_BROADCAST).array();
        assertThat(ndis.setOid(adapter, NdisOid.OID_GEN_CURRENT_PACKET_FILTER, filter).status())
                .isEqualTo(NdisStatus.NDIS_STATUS_SUCCESS);
        byte[] frame = new byte[60];
        Arrays.fill(frame, 0, 6, (byte) 0xFF); // a broadcast Ethernet frame
        ProtocolHarness.SendResult sent = ndis.send(adapter, List.of(frame, frame, frame));
        assertThat(sent.completionStatuses()).isEqualTo(Map.of(NdisStatus.NDIS_STATUS_SUCCESS, 3));
    }

    @Test
    public void stoppingTheBundlePausesAndHaltsTheAdapterThenUnloadsTheDriver() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        trace.clear();
        driverBundle().stop();
        // MiniportHaltEx releases what MiniportInitializeEx acquired: here the send-complete timer
        assertThat(trace).forDevice(DEVICE).calls().containsExactly("MiniportPause", "MiniportHaltEx", "NdisFreeTimerObject");
        assertThat(trace).forDriver(driverBundle().getSymbolicName()).calls()
                .endsWith("MiniportDriverUnload", "NdisMDeregisterMiniportDriver");
        assertThat(pnp.drivers()).isEmpty();
    }
}
