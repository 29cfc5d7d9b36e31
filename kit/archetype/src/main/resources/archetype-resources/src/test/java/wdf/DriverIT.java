package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.drvsim.test.DrvsimAssertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.drvsim.nt.NtStatus;
import org.drvsim.test.DrvsimTestSupport;
import org.drvsim.wdf.harness.IoManagerHarness;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The KMDF driver in a fresh drvsim platform for each test (Felix 7 on an empty machine, the driver's bundle from
 * target/ started): the framework's start sequence when its device is plugged, the I/O an application sends, and
 * the removal sequence when its bundle stops. After each test the kit fails it if the verifier recorded a broken
 * rule, such as a request completed twice.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DriverIT extends DrvsimTestSupport {
    static final String HARDWARE_ID = "ROOT\\MYDEVICE";
    static final String DEVICE = "ROOT\\MYDEVICE\\0000";

    @Test
    public void startingTheBundleRunsDriverEntryWhichCreatesTheWdfDriver() {
        assertThat(driverBundle().getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(trace).forDriver(driverBundle().getSymbolicName()).calls()
                .containsExactly("DriverEntry", "WdfDriverCreate");
    }

    @Test
    public void aPluggedDeviceIsAddedPreparedAndPoweredUp() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        assertThat(trace).forDevice(DEVICE).callbacks()
                .containsExactly("EvtDriverDeviceAdd", "EvtDevicePrepareHardware", "EvtDeviceD0Entry");
        // the framework's own actions (* in the trace): the power-managed queue starts after D0Entry
        assertThat(trace).forDevice(DEVICE).pnpEvents().containsExactly("IRP_MN_QUERY_DEVICE_RELATIONS", "IRP_MN_START_DEVICE",
                "WdfIoQueueStart");
        assertThat(wdf.devices()).extracting(IoManagerHarness.DeviceInfo::state).containsExactly("Started");
    }

    @Test
    public void whatAnApplicationWritesReadsBackAndTheDeviceControlCountsIt() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        byte[] hello = "hello, driver".getBytes(StandardCharsets.US_ASCII);
        try (IoManagerHarness.DeviceFile file = wdf.open(DEVICE)) {
            IoManagerHarness.IoResult written = file.write(hello);
            assertThat(written.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(written.information()).isEqualTo(hello.length);
            assertThat(file.read(100).data()).isEqualTo(hello);
            IoManagerHarness.IoResult stored = file.deviceIoControl(Device.IOCTL_GET_STORED, new byte[0], 4);
            assertThat(ByteBuffer.wrap(stored.data()).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(hello.length);
            assertThat(file.deviceIoControl(0x1234, new byte[0], 4).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
    }

    @Test
    public void stoppingTheBundleLeavesD0ThenReleasesTheHardwareThenUnloads() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        trace.clear();
        driverBundle().stop();
        assertThat(trace).forDevice(DEVICE).callbacks().containsExactly("EvtDeviceD0Exit", "EvtDeviceReleaseHardware");
        // the queue stops before the device leaves D0, and is purged after ReleaseHardware
        assertThat(trace).forDevice(DEVICE).pnpEvents().containsExactly("IRP_MN_QUERY_REMOVE_DEVICE",
                "IRP_MN_REMOVE_DEVICE", "WdfIoQueueStop", "WdfIoQueuePurge");
        assertThat(trace).forDriver(driverBundle().getSymbolicName()).callbacks().last().isEqualTo("EvtDriverUnload");
        assertThat(pnp.drivers()).isEmpty();
    }
}
