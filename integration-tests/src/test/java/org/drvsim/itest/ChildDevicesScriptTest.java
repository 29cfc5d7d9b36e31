package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.drvsim.itest.fixtures.RawChildBusKmdf;
import org.junit.Test;

/**
 * A bus driver's parent and child devices from the shell of the real drvsim.jar, as a driver author drives their own
 * bus driver: the jar started from a file, two bus devices plugged (their raw children appear indented under them in
 * {@code pnp:tree}), the system put to sleep and woken, and the buses' failed power-up releasing their hardware before
 * or after their child as each asked (WdfDeviceInitSetReleaseHardwareOrderOnFailure: Early for
 * {@code ROOT\DRVSIMBUS\0002}, AfterDescendants for {@code ROOT\DRVSIMBUS\0001}). The same order as
 * {@link ChildDevicesTest}, reached through the commands.
 */
public class ChildDevicesScriptTest extends DrvsimJarTestSupport {
    static final String LATE_BUS = "ROOT\\DRVSIMBUS\\0001";
    static final String LATE_CHILD = "DRVSIMBUS\\CHILD\\1";
    static final String EARLY_BUS = "ROOT\\DRVSIMBUS\\0002";
    static final String EARLY_CHILD = "DRVSIMBUS\\CHILD\\2";

    /** The fixture bus driver as a driver jar of its own, as a driver author's build would make it. */
    private Path busJar() throws Exception {
        return driverJar("kmdf-bus.jar", "fixture.kmdf.bus", "wdf", RawChildBusKmdf.class, "ROOT\\DRVSIMBUS",
                RawChildBusKmdf.class);
    }

    /** "NAME DEVICE" of the PnP IRPs (but IRP_MN_SET_POWER), IoDeleteDevice and callbacks on the buses, in order. */
    private static List<String> sequence(Path traceJson) throws Exception {
        TreeMap<Long, String> bySeq = new TreeMap<>();
        try (JsonParser p = new JsonFactory().createParser(traceJson.toFile())) {
            String name = null;
            String device = null;
            long seq = -1;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT) {
                    if (depth-- == 2 && name != null && device != null && device.contains("DRVSIMBUS")
                            && (name.startsWith("IRP_MN_") && !name.equals("IRP_MN_SET_POWER")
                                || name.equals("IoDeleteDevice") || name.startsWith("EvtDevice"))) {
                        bySeq.put(seq, name + " " + device);
                    }
                    if (depth == 1) {
                        name = null;
                        device = null;
                    }
                } else if (t == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (field.equals("name") && depth == 2) {
                        name = p.getText();
                    } else if (field.equals("device") && depth == 3) {
                        device = p.getText();
                    } else if (field.equals("seq") && depth == 3) {
                        seq = p.getLongValue();
                    } else if (p.currentToken() == JsonToken.START_OBJECT) {
                        depth++; // an event's args (the events themselves are the traceEvents array's objects)
                    }
                }
            }
        }
        return new ArrayList<>(bySeq.values());
    }

    @Test
    public void parentAndChildFromTheShellAFailedWakeReleasesEachBusBeforeOrAfterItsChildAsItAsked() throws Exception {
        Path trace = tmp.getRoot().toPath().resolve("wake.json");
        Run r = run("start " + busJar().toUri() + "\n"
                + "hw:plug 'ROOT\\DRVSIMBUS\\0001' 'ROOT\\DRVSIMBUS'\n"
                + "hw:plug 'ROOT\\DRVSIMBUS\\0002' 'ROOT\\DRVSIMBUS'\n"
                + "pnp:tree\n"
                + "power:sleep S3\n"
                + "trace:clear\n"
                + "power:wake\n"
                + "trace:export " + trace + "\n"
                + "pnp:tree\n");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String[] trees = r.out().split("drvsim> pnp:tree");
        assertThat(trees[1]).as("the children under their buses")
                .containsPattern("ROOT\\\\DRVSIMBUS\\\\0001 .*DeviceNodeStarted .*fixture.kmdf.bus.*\\R\\s*└ DRVSIMBUS\\\\CHILD\\\\1 .*DeviceNodeStarted")
                .containsPattern("ROOT\\\\DRVSIMBUS\\\\0002 .*DeviceNodeStarted .*fixture.kmdf.bus.*\\R\\s*└ DRVSIMBUS\\\\CHILD\\\\2 .*DeviceNodeStarted");
        assertThat(trees[2]).as("after the failed wake").doesNotContain("DRVSIMBUS\\CHILD")
                .containsPattern("ROOT\\\\DRVSIMBUS\\\\0001 .*Code 43")
                .containsPattern("ROOT\\\\DRVSIMBUS\\\\0002 .*Code 43");
        List<String> all = sequence(trace);
        assertThat(all.stream().filter(s -> s.endsWith(EARLY_BUS) || s.endsWith(EARLY_CHILD)))
                .containsExactlyElementsOf(ChildDevicesTest.failedWakeEarly(EARLY_BUS, EARLY_CHILD));
        assertThat(all.stream().filter(s -> s.endsWith(LATE_BUS) || s.endsWith(LATE_CHILD)))
                .containsExactlyElementsOf(ChildDevicesTest.failedWakeAfterDescendants(LATE_BUS, LATE_CHILD));
    }
}
