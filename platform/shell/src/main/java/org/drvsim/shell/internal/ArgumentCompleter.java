package org.drvsim.shell.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.drvsim.hw.DeviceKind;
import org.drvsim.hw.HardwareBus;
import org.drvsim.hw.SimDevice;
import org.drvsim.kernel.DeviceNode;
import org.drvsim.kernel.PnpManager;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Tab completion of the arguments drvsim knows, at the interactive prompt: device instance IDs and short names,
 * adapters, LUN addresses, OID names, packet filter flags, hardware IDs the machine models, fault names and bundle
 * names, by command and argument position. Everything else (command names, files, gogo's own completions) is left to
 * gogo.jline's completer, which this one wraps. Instance IDs are offered single-quoted, as Gogo needs them.
 *
 * <p>Called by JLine on the shell's thread while a line is edited; reads the platform's current state each time.
 */
final class ArgumentCompleter implements Completer {
    private final Completer gogo;
    private final BundleContext context;

    ArgumentCompleter(Completer gogo, BundleContext context) {
        this.gogo = gogo;
        this.context = context;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int index = line.wordIndex();
        List<String> values = index <= 0 || words.isEmpty() ? List.of() : values(command(words.get(0)), arguments(words,
                index), index - 1 - options(words, index));
        if (values.isEmpty()) {
            if (gogo != null) {
                gogo.complete(reader, line, candidates);
            }
            return;
        }
        boolean quoted = rawWord(line).startsWith("'");
        for (String v : values) {
            boolean needsQuotes = v.contains("\\") || v.contains("&") || v.contains("|");
            String value = quoted || !needsQuotes ? v : "'" + v + "'";
            candidates.add(new Candidate(value, v, null, null, null, null, true));
        }
    }

    /** The command without its scope for the scopes whose commands run unscoped (bundle:start is start). */
    static String command(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return switch (w) {
            case "start", "stop", "update", "uninstall", "refresh", "install" -> "bundle:" + w;
            default -> w;
        };
    }

    /** The arguments before the one being completed, options left out. */
    private static List<String> arguments(List<String> words, int index) {
        List<String> args = new ArrayList<>();
        for (int i = 1; i < index && i < words.size(); i++) {
            if (!words.get(i).startsWith("-")) {
                args.add(words.get(i));
            }
        }
        return args;
    }

    private static int options(List<String> words, int index) {
        int n = 0;
        for (int i = 1; i < index && i < words.size(); i++) {
            if (words.get(i).startsWith("-")) {
                n++;
            }
        }
        return n;
    }

    private static String rawWord(ParsedLine line) {
        String text = line.line().substring(0, Math.min(line.cursor(), line.line().length()));
        int start = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\t')) + 1;
        return text.substring(start);
    }

    /**
     * The values argument {@code position} (0-based, options left out) of {@code command} takes.
     *
     * @param before the arguments before it
     */
    List<String> values(String command, List<String> before, int position) {
        try {
            return switch (command) {
                case "hw:unplug", "hw:surprise", "pnp:disable", "pnp:enable", "pnp:rebalance" -> position == 0 ? devices() : List.of();
                case "hw:fault" -> position == 0 ? devices() : position == 1 ? faultsOrClear(before.get(0))
                        : List.of("on", "off", "--nth", "--every", "--probability", "--times", "--seed", "--delay-us");
                case "hw:plug" -> position == 1 ? kinds() : List.of();
                case "hw:cable" -> position <= 1 ? devices() : List.of();
                case "hw:uncable" -> position == 0 ? devices() : List.of();
                case "hw:link" -> position == 0 ? devices() : position == 1 ? List.of("up", "down") : List.of();
                case "hw:wire" -> position == 0 ? devices() : position == 1 ? List.of("replay", "record", "stop")
                        : List.of();
                case "bundle:start", "bundle:stop", "bundle:update", "bundle:uninstall", "bundle:refresh" -> bundles();
                case "help", "shell:help" -> position == 0 ? commands() : List.of();
                case "ndis:adapters" -> List.of();
                case "ndis:oid" -> position == 0 ? optional(Models::ndisAdapters) : position == 1
                        ? optional(Models::oids) : position == 2 ? optional(Models::packetFilters) : List.of();
                case "ndis:send", "ndis:capture", "ndis:cancel" -> position == 0 ? optional(Models::ndisAdapters) : List.of();
                case "storport:inquiry", "storport:read", "storport:write", "storport:export", "ramdisk:detach" ->
                        position == 0 ? optional(Models::storportAdapters) : position == 1
                                ? optional(() -> Models.luns(before.get(0))) : List.of();
                case "storport:import" -> position == 1 ? optional(Models::storportAdapters) : position == 2
                        ? optional(() -> Models.luns(before.get(1))) : List.of();
                case "ramdisk:attach" -> position == 0 ? optional(Models::storportAdapters) : List.of();
                case "wdf:objects", "wdf:queues", "wdf:read", "wdf:write" ->
                        position == 0 ? optional(Models::wdfDevices) : List.of();
                default -> List.of();
            };
        } catch (RuntimeException | LinkageError e) {
            return List.of(); // a model that is not there, or a device that just went: nothing to offer
        }
    }

    private <S> S service(Class<S> type) {
        ServiceReference<S> ref = context.getServiceReference(type);
        return ref == null ? null : context.getService(ref);
    }

    private List<String> devices() {
        PnpManager pnp = service(PnpManager.class);
        return pnp == null ? List.of() : pnp.deviceTree().stream().map(DeviceNode::instanceId).toList();
    }

    private List<String> faults(String device) {
        HardwareBus bus = service(HardwareBus.class);
        String id = device.replace("'", "");
        return bus == null ? List.of() : bus.device(id).map(SimDevice::faults).map(f -> f.supported().stream()
                .sorted().toList()).orElse(List.of());
    }

    private List<String> faultsOrClear(String device) {
        List<String> values = new java.util.ArrayList<>(faults(device));
        values.add("--clear");
        return values;
    }

    private List<String> kinds() {
        HardwareBus bus = service(HardwareBus.class);
        return bus == null ? List.of() : bus.kinds().stream().map(DeviceKind::hardwareId).toList();
    }

    private List<String> bundles() {
        Set<String> names = new LinkedHashSet<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0 && b.getSymbolicName() != null) {
                names.add(b.getSymbolicName());
            }
        }
        return List.copyOf(names);
    }

    private List<String> commands() {
        List<String> out = new ArrayList<>();
        for (ServiceReference<?> ref : refs("(osgi.command.scope=*)")) {
            Object scope = ref.getProperty("osgi.command.scope");
            Object functions = ref.getProperty("osgi.command.function");
            for (String f : functions instanceof String[] a ? a : new String[] {String.valueOf(functions)}) {
                out.add(scope + ":" + f);
            }
        }
        return out.stream().filter(c -> !c.startsWith("system:") && !c.startsWith("context:")).sorted().toList();
    }

    private List<ServiceReference<?>> refs(String filter) {
        try {
            ServiceReference<?>[] r = context.getServiceReferences((String) null, filter);
            return r == null ? List.of() : List.of(r);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            return List.of();
        }
    }

    private List<String> optional(Supplier<List<String>> values) {
        Models.context = context;
        return values.get();
    }

    /**
     * What the models know, through their harness services and public constants. Kept apart so that the shell
     * loads the models' classes (imported optionally) only when a model command is completed.
     */
    static final class Models {
        static volatile BundleContext context;

        private static <S> S service(Class<S> type) {
            ServiceReference<S> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        }

        static List<String> ndisAdapters() {
            var h = service(org.drvsim.ndis.harness.ProtocolHarness.class);
            List<String> out = new ArrayList<>();
            if (h != null) {
                h.adapters().forEach(a -> out.add(a.name()));
                h.adapters().forEach(a -> out.add(a.instanceId()));
            }
            return out;
        }

        static List<String> oids() {
            return constants(org.drvsim.ndis.NdisOid.class, "OID_");
        }

        static List<String> packetFilters() {
            return constants(org.drvsim.ndis.NdisPacketType.class, "NDIS_PACKET_TYPE_");
        }

        static List<String> storportAdapters() {
            var h = service(org.drvsim.storport.harness.ClassDriverHarness.class);
            List<String> out = new ArrayList<>();
            if (h != null) {
                h.adapters().forEach(a -> out.add(a.name()));
                h.adapters().forEach(a -> out.add(a.instanceId()));
            }
            return out;
        }

        static List<String> luns(String adapter) {
            var h = service(org.drvsim.storport.harness.ClassDriverHarness.class);
            String a = adapter.replace("'", "");
            List<String> out = new ArrayList<>();
            if (h != null) {
                List<String> ids = h.adapters().stream().filter(x -> x.name().equalsIgnoreCase(a)
                        || x.instanceId().equalsIgnoreCase(a)).map(x -> x.instanceId()).toList();
                h.luns().stream().filter(l -> ids.stream().anyMatch(id -> id.equalsIgnoreCase(l.adapter())))
                        .forEach(l -> out.add(l.address()));
            }
            return out;
        }

        static List<String> wdfDevices() {
            var h = service(org.drvsim.wdf.harness.IoManagerHarness.class);
            List<String> out = new ArrayList<>();
            if (h != null) {
                h.devices().forEach(d -> out.add(d.name()));
                h.devices().forEach(d -> out.add(d.instanceId()));
            }
            return out;
        }

        private static List<String> constants(Class<?> type, String prefix) {
            List<String> out = new ArrayList<>();
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class && f.getName().startsWith(prefix)) {
                    out.add(f.getName());
                }
            }
            return out;
        }
    }
}
