package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
