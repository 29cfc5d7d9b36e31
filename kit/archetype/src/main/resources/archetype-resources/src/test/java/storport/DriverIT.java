package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.drvsim.test.DrvsimAssertions.assertThat;

import org.drvsim.storport.harness.ClassDriverHarness;
import org.drvsim.test.DrvsimTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The miniport in a fresh drvsim platform for each test (Felix 7 on an empty machine, the driver's bundle from
 * target/ started): how Storport starts its adapter and scans the bus, what a class driver reads and writes, and
 * that stopping its bundle removes the adapter with HwStorFreeAdapterResources last. After each test the kit fails
 * it if the verifier recorded a broken rule, such as an SRB never completed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DriverIT extends DrvsimTestSupport {
    static final String HARDWARE_ID = "ROOT\\MYDISK";
    static final String DEVICE = "ROOT\\MYDISK\\0000";

    @Test
    public void startingTheBundleRunsDriverEntryWhichInitializesWithStorport() {
        assertThat(driverBundle().getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(trace).forDriver(driverBundle().getSymbolicName()).calls()
                .containsExactly("DriverEntry", "StorPortInitialize");
    }

    @Test
    public void aPluggedAdapterIsFoundInitializedAndItsBusScanned() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        storport.awaitBusScan();
        // the scan: REPORT LUNS, then INQUIRY of the logical unit it reported; then disk.sys claims it and reads
        // its capacity
        assertThat(trace).forDevice(DEVICE).callbacks().containsExactly("VirtualHwStorFindAdapter", "HwStorInitialize",
                "HwStorAdapterControl", "HwStorStartIo", "HwStorStartIo", "HwStorStartIo");
        assertThat(storport.luns()).extracting(ClassDriverHarness.LunInfo::address).containsExactly("0:0:0");
    }

    @Test
    public void blocksWrittenByAClassDriverReadBack() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        storport.awaitBusScan();
        String adapter = storport.resolveAdapter(DEVICE);
        byte[] data = new byte[8 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        storport.write(adapter, "0:0:0", 100, data);
        assertThat(storport.read(adapter, "0:0:0", 100, 8)).isEqualTo(data);
        assertThat(storport.readCapacity(adapter, "0:0:0")).containsExactly(2048L, 512L);
    }

    @Test
    public void stoppingTheBundleRemovesTheAdapterWithFreeAdapterResourcesLast() throws Exception {
        plug(DEVICE, HARDWARE_ID);
        storport.awaitBusScan();
        trace.clear();
        driverBundle().stop();
        assertThat(trace).forDevice(DEVICE).callbacks()
                .containsSubsequence("HwStorAdapterControl", "HwStorFreeAdapterResources")
                .last().isEqualTo("HwStorFreeAdapterResources");
        assertThat(pnp.drivers()).isEmpty();
    }
}
