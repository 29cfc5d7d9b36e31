package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The tables of drvsim's list commands, as {@code drvsim.jar --script} prints them: each has a header row and fits
 * 120 columns, values too long for their column end in {@code …}, and {@code --wide} (or {@code -v}) shows them whole.
 */
public class ShellTablesTest extends DrvsimJarTestSupport {
    static final String LONG_HWID = "ROOT\\A_HARDWARE_ID_LONGER_THAN_ANY_COLUMN_OF_THE_DEVICE_TABLES_CAN_SHOW";
    static final String ALL_FLAGS = "NDIS_PACKET_TYPE_DIRECTED|NDIS_PACKET_TYPE_BROADCAST|NDIS_PACKET_TYPE_MULTICAST"
            + "|NDIS_PACKET_TYPE_ALL_MULTICAST";

    /** Each table command with the headers of its default form. */
    static final Map<String, List<String>> HEADERS = new LinkedHashMap<>();

    static {
        HEADERS.put("pnp:tree", List.of("INSTANCE ID", "HARDWARE IDS", "STATE", "DRIVER", "PROBLEM"));
        HEADERS.put("driver:list", List.of("ID", "SYMBOLIC NAME", "MODEL", "BUNDLE STATE", "DRIVER STATE", "DEVICES"));
        HEADERS.put("hw:devices", List.of("INSTANCE ID", "HARDWARE IDS", "DESCRIPTION", "FAULTS ARMED"));
        HEADERS.put("hw:faults", List.of("INSTANCE ID", "FAULT", "WHEN", "TIMES", "CHECKS", "FIRED"));
        HEADERS.put("ndis:adapters", List.of("NAME", "INSTANCE ID", "STATE", "MAC ADDRESS", "PACKET FILTER", "SENT",
                "COMPLETED", "INDICATED", "RETURNED"));
        HEADERS.put("storport:adapters", List.of("NAME", "INSTANCE ID", "STATE", "BUSES", "TARGETS", "LUNS/TARGET",
                "MAX TRANSFER", "OUTSTANDING", "LOGICAL UNITS"));
        HEADERS.put("storport:luns", List.of("ADAPTER", "ADDRESS", "VENDOR", "PRODUCT", "BLOCKS", "BLOCK SIZE",
                "CAPACITY", "ACCESS"));
        HEADERS.put("wdf:devices", List.of("NAME", "INSTANCE ID", "DRIVER", "STATE", "QUEUES", "INTERRUPTS"));
        HEADERS.put("wdf:queues echo0", List.of("QUEUE", "DISPATCH TYPE", "POWER MANAGED", "DEFAULT", "WAITING",
                "IN DRIVER"));
        HEADERS.put("verifier:violations", List.of("SEQ", "RULE", "BUG CHECK", "DRIVER", "DEVICE", "MESSAGE"));
        HEADERS.put("trace:show", List.of("SEQ", "TIME (MS)", "CPU", "IRQL", "DRIVER", "DEVICE", "EVENT"));
        HEADERS.put("trace:show MiniportInitializeEx", HEADERS.get("trace:show"));
    }

    /** @return each command's output lines, by the command line the script echoed after "drvsim> " */
    static Map<String, List<String>> outputs(String out) {
        Map<String, List<String>> byCommand = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith("drvsim> ")) {
                current = new java.util.ArrayList<>();
                byCommand.put(line.substring("drvsim> ".length()), current);
            } else if (current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return byCommand;
    }

    static List<String> header(List<String> table) {
        return Arrays.asList(table.get(0).trim().split(" {2,}"));
    }

    @Test
    public void everyTableHasAHeaderFits120ColumnsAndItsWideFormShowsWhatTheDefaultCuts() throws Exception {
        StringBuilder script = new StringBuilder("hw:plug 'ROOT\\LONG\\0000' '" + LONG_HWID + "'\n"
                + "ndis:oid " + A1 + " OID_GEN_CURRENT_PACKET_FILTER '" + ALL_FLAGS + "'\n");
        for (String c : HEADERS.keySet()) {
            script.append(c).append('\n');
            int space = c.indexOf(' ');
            // the option goes before or after the arguments; -v is the same as --wide
            script.append(space < 0 ? c + " --wide" : c.substring(0, space) + " --wide" + c.substring(space)).append('\n');
            script.append(c).append(" -v\n");
        }
        Run r = run(script.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        Map<String, List<String>> out = outputs(r.out());

        for (Map.Entry<String, List<String>> e : HEADERS.entrySet()) {
            String c = e.getKey();
            List<String> table = out.get(c);
            assertThat(table).as(c + " in\n" + r.out()).isNotNull().isNotEmpty();
            assertThat(header(table)).as(c).isEqualTo(e.getValue());
            assertThat(table).as(c + ": at most 120 columns")
                    .allSatisfy(l -> assertThat(l.codePointCount(0, l.length())).as(l).isLessThanOrEqualTo(120));
            int space = c.indexOf(' ');
            List<String> wide = out.get(space < 0 ? c + " --wide" : c.substring(0, space) + " --wide" + c.substring(space));
            assertThat(wide).as(c + " --wide").isNotNull().noneMatch(l -> l.contains("…"));
            assertThat(header(wide)).as(c + " --wide").containsAll(e.getValue());
            if (!c.equals("trace:show")) { // (the whole trace may have grown in between)
                assertThat(wide).as(c + " --wide").hasSameSizeAs(table);
                assertThat(out.get(c + " -v")).as(c + " -v").isEqualTo(wide);
            }
        }

        // a hardware ID longer than its column is cut in the default form, whole in the wide one
        for (String c : List.of("pnp:tree", "hw:devices")) {
            String cut = out.get(c).stream().filter(l -> l.startsWith("ROOT\\LONG\\0000 ")).findFirst().orElseThrow();
            assertThat(cut).as(c).contains("ROOT\\A_HARDWARE_ID_LONGER").contains("…").doesNotContain(LONG_HWID);
            assertThat(String.join("\n", out.get(c + " --wide"))).as(c).contains(LONG_HWID);
        }
        // drivers are shown by symbolic name; the wide form adds the version
        assertThat(out.get("pnp:tree")).anyMatch(l -> l.matches("ROOT\\\\NETVMINI\\\\0000 +ROOT\\\\NETVMINI +"
                + "DeviceNodeStarted +org\\.drvsim\\.drivers\\.netvmini"));
        assertThat(out.get("pnp:tree --wide")).anyMatch(l -> l.contains("org.drvsim.drivers.netvmini/0.1.0."));
        assertThat(header(out.get("driver:list --wide"))).contains("VERSION");
        assertThat(out.get("driver:list --wide")).anyMatch(l -> l.matches("\\d+ +org\\.drvsim\\.drivers\\.netvmini +0\\.1\\.0\\.\\S+ +ndis .*"));
        assertThat(out.get("wdf:devices --wide")).anyMatch(l -> l.contains("org.drvsim.drivers.echo/0.1.0."));
        // the packet filter: short flag names, cut when long; the wide form adds the driver, REJECTED and OIDS
        String adapter1 = out.get("ndis:adapters").stream().filter(l -> l.startsWith("netvmini1 ")).findFirst().orElseThrow();
        assertThat(adapter1).contains("  DIRECTED|").contains("…").doesNotContain("NDIS_PACKET_TYPE_");
        assertThat(header(out.get("ndis:adapters --wide"))).containsSubsequence("NAME", "INSTANCE ID", "DRIVER",
                "PACKET FILTER", "SENT", "COMPLETED", "REJECTED", "INDICATED", "RETURNED", "OIDS");
        assertThat(out.get("ndis:adapters --wide")).anyMatch(l -> l.startsWith("netvmini1 ")
                && l.contains("NDIS_PACKET_TYPE_ALL_MULTICAST") && l.contains("org.drvsim.drivers.netvmini/"));
        // the trace: a callback's arguments and return are cut to fit, whole in the wide form with the driver's
        // version and the time to the nanosecond
        // netvmini's two (the e1k adapters' come first or last, as the drivers happen to start)
        List<String> initialize = out.get("trace:show MiniportInitializeEx").stream().filter(l -> l.contains("NETVMINI")).toList();
        assertThat(initialize).hasSize(2).allMatch(l -> l.matches(" *\\d+ +\\d+\\.\\d{3} +\\d+ +PASSIVE_LEVEL +netvmini +"
                + "ROOT\\\\NETVMINI\\\\000[01] +MiniportInitializeEx ndisMiniportHandle: .*…"));
        assertThat(out.get("trace:show --wide MiniportInitializeEx").stream().filter(l -> l.contains("NETVMINI")).toList())
                .hasSize(2).allMatch(l -> l.matches(
                " *\\d+ +\\d+\\.\\d{6} +\\d+ +PASSIVE_LEVEL +org\\.drvsim\\.drivers\\.netvmini/0\\.1\\.0\\.\\S+ +"
                        + "ROOT\\\\NETVMINI\\\\000[01] +MiniportInitializeEx ndisMiniportHandle: ROOT\\\\NETVMINI"
                        + "\\\\000[01], ifIndex: \\d+  -> NDIS_STATUS_SUCCESS"));
        // DDIs are indented under the callback that called them; * marks what the PnP manager did
        List<String> trace = out.get("trace:show");
        int event = trace.get(0).indexOf("EVENT");
        List<String> events = trace.stream().skip(1).map(l -> l.substring(event)).toList();
        assertThat(events).contains("* IRP_MN_START_DEVICE").anyMatch(l -> l.startsWith("  NdisMSetMiniportAttributes "))
                .anyMatch(l -> l.startsWith("MiniportInitializeEx "));
        // a table without rows is its header
        assertThat(out.get("verifier:violations")).hasSize(1);
    }
}
