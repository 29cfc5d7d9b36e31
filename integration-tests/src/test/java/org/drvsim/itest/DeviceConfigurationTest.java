package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.drvsim.hw.DeviceConfigurations;
import org.drvsim.hw.DeviceConfigurations.State;
import org.drvsim.hw.DeviceConfigurations.Status;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.TraceEvent;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.service.cm.Configuration;

/**
 * The machine as configuration, over the real bundles and ConfigAdmin: a factory configuration of
 * {@code org.drvsim.hw.device} plugs its device and its driver starts it; a change unplugs and plugs it again, a
 * change to nothing does nothing; the configuration's deletion surprise-removes the device; a bad one plugs nothing
 * and names its key; a fault rule from configuration is armed before the driver's first register read.
 *
 * <p>ConfigAdmin hands configurations over on one thread, in order: a good configuration made after another is
 * applied after it, so waiting for its device is waiting for the one before too.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeviceConfigurationTest extends DrvsimTestSupport {
    static final String A2 = "ROOT\\NETVMINI\\0002";
    static final String A3 = "ROOT\\NETVMINI\\0003";
    static final String ECHO1 = "PCI\\VEN_1414&DEV_EC40\\0001";

    private static Map<String, Object> nic(String instanceId, Object... more) {
        Map<String, Object> p = new HashMap<>(Map.of(DeviceConfigurations.INSTANCE_ID, instanceId,
                DeviceConfigurations.HARDWARE_IDS, "ROOT\\NETVMINI"));
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return p;
    }

    /** The PnP IRPs and callbacks of one device, PnP events marked with "* ". */
    private List<String> sequence(String device) {
        return trace.events(e -> (e.kind() == TraceEvent.Kind.PNP || e.kind() == TraceEvent.Kind.CALLBACK)
                && e.device().equalsIgnoreCase(device)).stream()
                .map(e -> e.kind() == TraceEvent.Kind.PNP ? "* " + e.name() : e.name()).toList();
    }

    private Status status(String pid) {
        return deviceConfigurations().stream().filter(s -> s.pid().equals(DeviceConfigurations.FACTORY_PID + "~" + pid))
                .findFirst().orElseThrow(() -> new AssertionError("no configuration " + pid + ": "
                        + deviceConfigurations()));
    }

    @Test
    public void aConfigurationPlugsItsDeviceAChangeReplugsItAndItsDeletionSurpriseRemovesIt() throws Exception {
        trace.clear();
        Configuration c = configureDevice("nic2", nic(A2, "description", "third adapter"));
        awaitCallback("MiniportRestart", A2);
        assertThat(sequence(A2)).containsSubsequence("* IRP_MN_START_DEVICE", "MiniportInitializeEx",
                "MiniportRestart");
        assertThat(hardware.device(A2).orElseThrow().description()).isEqualTo("third adapter");
        assertThat(status("nic2")).isEqualTo(new Status(DeviceConfigurations.FACTORY_PID + "~nic2",
                "configuration " + DeviceConfigurations.FACTORY_PID + "~nic2", A2, State.PLUGGED, ""));

        // the same properties again: nothing happens (nic3, configured after it, shows it was applied)
        trace.clear();
        c.update(new java.util.Hashtable<>(nic(A2, "description", "third adapter")));
        configureDevice("nic3", nic(A3));
        awaitCallback("MiniportRestart", A3);
        pnp.drain();
        assertThat(sequence(A2)).as("an unchanged configuration leaves its device alone").isEmpty();

        // changed: unplugged (orderly) and plugged again as configured
        trace.clear();
        c.update(new java.util.Hashtable<>(nic(A2, "description", "renamed", "netvmini.note", "a parameter")));
        awaitCallback("MiniportRestart", A2);
        assertThat(sequence(A2)).containsSubsequence("MiniportHaltEx", "* IRP_MN_START_DEVICE",
                "MiniportInitializeEx", "MiniportRestart").doesNotContain("* IRP_MN_SURPRISE_REMOVAL");
        assertThat(hardware.device(A2).orElseThrow().properties()).containsEntry("netvmini.note", "a parameter");
        assertThat(hardware.device(A2).orElseThrow().description()).isEqualTo("renamed");

        // deleted: surprise removal
        trace.clear();
        c.delete();
        awaitCallback("MiniportHaltEx", A2);
        pnp.drain();
        assertThat(sequence(A2)).containsSubsequence("* IRP_MN_SURPRISE_REMOVAL", "MiniportDevicePnPEventNotify",
                "* IRP_MN_REMOVE_DEVICE", "MiniportHaltEx");
        assertThat(hardware.device(A2)).isEmpty();
        assertThat(pnp.node(A3).orElseThrow().problem()).as("the other configured device runs on").isZero();
    }

    @Test
    public void aBadConfigurationPlugsNothingAndNamesTheKeyThatIsWrong() throws Exception {
        configureDevice("nohwid", Map.of(DeviceConfigurations.INSTANCE_ID, "ROOT\\NETVMINI\\0009"));
        configureDevice("twin", nic(A0));
        configureDevice("bigecho", Map.of(DeviceConfigurations.INSTANCE_ID, ECHO1,
                DeviceConfigurations.HARDWARE_IDS, "PCI\\VEN_1414&DEV_EC40", "echo.bufferBytes", "lots"));
        configureDevice("nic3", nic(A3));
        awaitCallback("MiniportRestart", A3);

        assertThat(status("nohwid").state()).isEqualTo(State.REFUSED);
        assertThat(status("nohwid").problem())
                .startsWith("configuration org.drvsim.hw.device~nohwid: hardwareIds: missing");
        assertThat(status("twin").problem())
                .startsWith("configuration org.drvsim.hw.device~twin: instanceId: device " + A0 + " is already present");
        assertThat(status("bigecho").problem()).startsWith("configuration org.drvsim.hw.device~bigecho: "
                + "echo.bufferBytes: ").contains("echo.bufferBytes='lots' is not a size in bytes");
        assertThat(hardware.device("ROOT\\NETVMINI\\0009")).isEmpty();
        assertThat(hardware.device(ECHO1)).isEmpty();
        assertThat(pnp.node(A0).orElseThrow().problem()).as("the device already present is left alone").isZero();
        assertThat(gogo("hw:devices")).contains("3 device configuration(s) refused: hw:config shows why");
        assertThat(gogo("hw:config --wide")).contains("nohwid").contains("refused")
                .contains("hardwareIds: missing");
    }

    @Test
    public void aFaultRuleFromConfigurationIsArmedBeforeTheDriverStartsTheDevice() throws Exception {
        awaitCallback("EvtDeviceD0Entry", ECHO0);
        trace.clear();
        configureDevice("echo1", Map.of(DeviceConfigurations.INSTANCE_ID, ECHO1,
                DeviceConfigurations.HARDWARE_IDS, "PCI\\VEN_1414&DEV_EC40", "echo.bufferBytes", "65536",
                "fault.1", "failRegisterRead --nth 1 --times 1"));
        TraceEvent fired = await(e -> e.name().equals("FaultInjected") && e.device().equalsIgnoreCase(ECHO1));
        assertThat(fired.arg("fault")).isEqualTo("failRegisterRead");
        pnp.drain();
        DeviceNode node = pnp.node(ECHO1).orElseThrow();
        assertThat(node.problem()).isEqualTo(DeviceNode.CM_PROB_FAILED_START);
        assertThat(node.problemStatus().toString()).contains("STATUS_DEVICE_NOT_CONNECTED");
        assertThat(hardware.device(ECHO1).orElseThrow().faults().armed()).as("--times 1: disarmed").isEmpty();
    }
}
