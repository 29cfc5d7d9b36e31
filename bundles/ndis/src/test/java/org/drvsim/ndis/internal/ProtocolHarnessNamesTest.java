package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.drvsim.kernel.internal.KernelVerifier;
import org.drvsim.kernel.internal.ThreadedScheduler;
import org.drvsim.kernel.internal.TraceRecorder;
import org.junit.Test;

/** The short adapter names ndis:adapters prints and every ADAPTER argument accepts. */
public class ProtocolHarnessNamesTest {
    @Test
    public void aRootDeviceIsNamedByItsSecondSegmentAndABusDeviceByItsDriverBothWithTheInstanceNumber() {
        assertThat(ProtocolHarnessImpl.shortName("ROOT\\NETVMINI\\0001", "org.drvsim.drivers.netvmini/0.1.0"))
                .isEqualTo("netvmini1");
        assertThat(ProtocolHarnessImpl.shortName("PCI\\VEN_8086&DEV_100E\\0000", "org.drvsim.drivers.e1k/0.1.0"))
                .isEqualTo("e1k0");
        assertThat(ProtocolHarnessImpl.shortName("PCI\\VEN_8086&DEV_100E\\0012", "com.example.MyNic/1.0.0"))
                .isEqualTo("mynic12");
        assertThat(ProtocolHarnessImpl.shortName("ROOT\\MYNIC\\0000", "com.example.other/1.0.0")).isEqualTo("mynic0");
    }

    @Test
    public void anUnknownAdapterIsNamedWithWhyAndTheQuotingHintOnlyForAnInstanceIdThatLostItsBackslashes() throws Exception {
        try (ThreadedScheduler scheduler = new ThreadedScheduler(1)) {
            TraceRecorder trace = new TraceRecorder(scheduler::currentProcessor);
            ProtocolHarnessImpl harness = new ProtocolHarnessImpl(new NdisPort(trace, new KernelVerifier(trace), scheduler));
            assertThatThrownBy(() -> harness.adapter("e1k0")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no NDIS adapter 'e1k0': no NDIS miniport runs an adapter now (a stopped driver's "
                            + "adapters are gone: is its bundle started? lb lists bundles, pnp:tree the devices and "
                            + "their drivers)");
            assertThatThrownBy(() -> harness.adapter("PCIVEN_8086&DEV_100E0000"))
                    .hasMessageStartingWith("no NDIS adapter 'PCIVEN_8086&DEV_100E0000' (quote instance IDs: Gogo strips "
                            + "unquoted backslashes): no NDIS miniport runs");
        }
    }
}
