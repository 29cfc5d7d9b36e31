package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import org.drvsim.kernel.TraceEvent;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * KMDF inside an NDIS miniport (spec/wdf-lifecycle.md oracle (vii); spec/seeds/wdf-WdfDriverMiniportUnload.md):
 * each MiniportHaltEx deletes its miniport device (children's cleanups first), then MiniportDriverUnload
 * deregisters from NDIS and calls WdfDriverMiniportUnload, which runs the driver's cleanup and destroy; no
 * EvtDriverUnload (the framework source's behaviour, the default).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KmdfMiniportTest extends DrvsimTestSupport {
    static final String KMDFMINI = "org.drvsim.drivers.kmdfmini";

    @Test
    public void haltDeletesTheMiniportDeviceAndUnloadEndsWithWdfDriverMiniportUnload() throws Exception {
        installedBundle(NETVMINI).stop();
        File jar = new File(System.getProperty("drvsim.testBundles"), KMDFMINI + ".jar");
        Bundle b = context.installBundle(jar.toURI().toString());
        b.start();
        assertThat(gogo("ndis:adapters")).contains("netvmini0").contains("Running");
        trace.clear();
        b.stop();
        List<String> chain = trace.events(e -> e.driver().startsWith(KMDFMINI + "/") && e.kind() != TraceEvent.Kind.PNP
                        && !e.name().equals("MiniportPause"))
                .stream().map(e -> e.arg("object") != null && !e.name().equals("WdfObjectDelete")
                        ? e.name() + " " + e.arg("object").replaceAll("#\\d+", "") : e.name() + (e.device().isEmpty() ? "" : " " + e.device()))
                .toList();
        assertThat(chain).containsExactly(
                "MiniportHaltEx " + A0, "WdfObjectDelete " + A0,
                "EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFDEVICE",
                "MiniportHaltEx " + A1, "WdfObjectDelete " + A1,
                "EvtCleanupCallback WDFOBJECT", "EvtCleanupCallback WDFDEVICE",
                "EvtDestroyCallback WDFOBJECT", "EvtDestroyCallback WDFDEVICE",
                "MiniportDriverUnload", "NdisMDeregisterMiniportDriver", "WdfDriverMiniportUnload",
                "EvtCleanupCallback WDFDRIVER", "EvtDestroyCallback WDFDRIVER");
        assertThat(verifier.violations()).isEmpty();
    }
}
