package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.drvsim.itest.fixtures.FaultyKmdfDriver;
import org.drvsim.itest.fixtures.SetFailedOnWriteKmdf;
import org.junit.Test;

/**
 * WdfDeviceSetFailed from the shell of the real drvsim.jar, as a driver author reaches it with their own KMDF driver:
 * the echo sample stopped, a probe driver for the echo device started from a jar file, a write with {@code wdf:write}
 * that makes it report its device failed (WdfDeviceFailedAttemptRestart), and {@code pnp:wait} until the PnP manager
 * has removed the device as a surprise removal and started it again ({@link PnpTransitionsTest} checks the same
 * order through the API).
 */
public class WdfSetFailedScriptTest extends DrvsimJarTestSupport {
    /** The probe driver as a driver jar of its own, claiming the echo device. */
    private Path setFailedJar() throws Exception {
        return driverJar("set-failed.jar", "fixture.kmdf.setfailed", "wdf", SetFailedOnWriteKmdf.class,
                "PCI\\VEN_1414&DEV_EC40", FaultyKmdfDriver.class, SetFailedOnWriteKmdf.class);
    }

    @Test
    public void aWriteThatMakesTheDriverCallWdfDeviceSetFailedRestartsTheDeviceAsASurpriseRemoval() throws Exception {
        Path data = tmp.getRoot().toPath().resolve("eight.bin");
        Files.write(data, new byte[8]);
        Run r = run("stop org.drvsim.drivers.echo\n"
                + "start " + setFailedJar().toUri() + "\n"
                + "trace:clear\n"
                + "wdf:write 'PCI\\VEN_1414&DEV_EC40\\0000' " + data + "\n"
                + "pnp:wait\n"
                + "pnp:tree\n"
                + "trace:show -v EC40\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String trace = r.out().substring(r.out().indexOf("drvsim> trace:show"));
        assertThat(trace).containsSubsequence("EvtIoWrite", "WdfDeviceSetFailed", "* IRP_MN_QUERY_PNP_DEVICE_STATE",
                "* IRP_MN_SURPRISE_REMOVAL", "EvtDeviceD0Exit", "EvtDeviceReleaseHardware", "* IRP_MN_REMOVE_DEVICE",
                "* IRP_MN_START_DEVICE", "EvtDevicePrepareHardware", "EvtDeviceD0Entry");
        String tree = r.out().substring(r.out().indexOf("drvsim> pnp:tree"), r.out().indexOf("drvsim> trace:show"));
        assertThat(tree).containsPattern("PCI\\\\VEN_1414&DEV_EC40\\\\0000 .*DeviceNodeStarted .*fixture.kmdf.setfailed");
    }
}
