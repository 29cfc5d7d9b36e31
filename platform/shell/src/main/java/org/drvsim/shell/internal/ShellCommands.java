package org.drvsim.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code shell:} commands: {@code exit} and {@code shutdown} stop the platform the orderly way (every driver halted
 * and unloaded, the trace exported) with an exit code, and {@code help} lists drvsim's commands with their
 * descriptions first.
 */
@Component(service = ShellCommands.class, property = {
        "osgi.command.scope=shell",
        "osgi.command.function=exit", "osgi.command.function=shutdown", "osgi.command.function=help",
        "osgi.command.function=completion", "osgi.command.function=repl",
        "osgi.command.function=sleep"})
public final class ShellCommands {
    /**
     * Where a command name without a scope is looked up: drvsim's shell and bundle commands (so {@code start NAME} is
     * {@code bundle:start}), Felix's commands, then any scope.
     */
    static final String SCOPE_PATH = "shell:bundle:felix:*";
    /** The scopes of drvsim's own commands, listed first by {@code help}. */
    static final List<String> DRVSIM_SCOPES = List.of("shell", "bundle", "hw", "pnp", "power", "driver", "ndis", "storport",
            "wdf", "ramdisk", "trace", "verifier", "config", "log");
    /** Scopes {@code help} does not list: Gogo's reflection helpers. */
    static final List<String> HIDDEN_SCOPES = List.of("system", "context");
    private static final String EXIT_VARIABLE = "drvsim.exit";
    /** The exit code {@code exit} or {@code shutdown} asked for at the interactive prompt; the launcher returns it. */
    static final AtomicInteger INTERACTIVE_EXIT = new AtomicInteger();

    private final BundleContext context;
    private final CommandProcessor processor;

    @Activate
    public ShellCommands(BundleContext context, @Reference CommandProcessor processor) {
        this.context = context;
        this.processor = processor;
    }

    /** @return the exit code {@code exit} asked for in this script session, or null */
    static Integer exitRequested(CommandSession session) {
        return session.get(EXIT_VARIABLE) instanceof Integer code ? code : null;
    }

    @Descriptor("stops the platform the orderly way (every driver halted and unloaded, the trace exported) and exits "
            + "with code 0; in a script, ends the script there")
    public String exit(CommandSession session) throws BundleException {
        return exit(session, 0);
    }

    @Descriptor("stops the platform the orderly way and exits with the given code; in a script, ends the script there")
    public String exit(CommandSession session, @Descriptor("exit code, 0 to 255") int code) throws BundleException {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit: the exit code must be 0 to 255, not " + code);
        }
        return requestExit(context, session, code);
    }

    /**
     * Ends a script with {@code code} (the launcher then stops the platform), or at the prompt stops the platform and
     * makes the launcher exit with {@code code}.
     *
     * @return what to print, or null
     */
    static String requestExit(BundleContext context, CommandSession session, int code) throws BundleException {
        if (session.get(ScriptMain.SCRIPT_VARIABLE) != null) {
            session.put(EXIT_VARIABLE, code); // the script runner returns it; the launcher then stops the platform
            return null;
        }
        if (!ConsoleActivator.requestInteractiveExit(code)) {
            INTERACTIVE_EXIT.set(code);
            context.getBundle(0).stop(); // asynchronous: halts and unloads run while this command returns
        } // else the launcher's main thread returns the code and stops the framework the orderly way
        return "stopping the platform";
    }

    @Descriptor("the same as exit")
    public String shutdown(CommandSession session) throws BundleException {
        return exit(session, 0);
    }

    @Descriptor("the same as exit CODE")
    public String shutdown(CommandSession session, @Descriptor("exit code, 0 to 255") int code) throws BundleException {
        return exit(session, code);
    }

    @Descriptor("turns on Tab completion of drvsim's arguments (devices, adapters, LUNs, OIDs, packet filters, hardware "
            + "IDs, faults, bundles) at the interactive prompt; drvsim's profile does it")
    public String completion(CommandSession session) {
        Object reader = session.get(".reader");
        if (reader == null) {
            throw new IllegalStateException("completion: this session has no line editor (a script or piped input)");
        }
        try {
            if (!CompletionInstaller.install(reader, context)) {
                throw new IllegalStateException("completion: the line editor is not JLine's");
            }
        } catch (NoClassDefFoundError noJLine) {
            throw new IllegalStateException("completion: JLine is not installed");
        }
        return null;
    }

    @Descriptor("waits the given number of seconds (milliseconds with -m); Ctrl-C at the prompt interrupts it")
    public void sleep(
            @Parameter(names = {"-m", "--millis"}, presentValue = "true", absentValue = "false")
            @Descriptor("the time is in milliseconds") boolean millis,
            @Descriptor("how long, 0 or more") long time) throws InterruptedException {
        if (time < 0) {
            throw new IllegalArgumentException("sleep: the time must be 0 or more, not " + time);
        }
        Thread.sleep(millis ? time : java.util.concurrent.TimeUnit.SECONDS.toMillis(time));
    }

    @Descriptor("runs the interactive prompt (drvsim's profile starts it): failures print one line without Java class "
            + "names, Ctrl-C interrupts the running command, end of input stops the platform")
    public String repl(CommandSession session) throws InterruptedException {
        try {
            if (!Repl.available(session)) {
                throw new IllegalStateException("repl: this session has no line editor (a script or piped input)");
            }
        } catch (NoClassDefFoundError noJLine) {
            throw new IllegalStateException("repl: JLine or gogo.jline is not installed");
        }
        new Repl(session, context, processor).run();
        return null;
    }

    @Descriptor("lists drvsim's commands by scope with their descriptions, then the framework's commands")
    public String help(CommandSession session) {
        @SuppressWarnings("unchecked")
        java.util.Set<String> all = session.get(".commands") instanceof java.util.Set<?> s
                ? (java.util.Set<String>) s : java.util.Set.of();
        Map<String, List<String>> byScope = new TreeMap<>();
        for (String c : all) {
            int colon = c.indexOf(':');
            if (colon > 0) {
                byScope.computeIfAbsent(c.substring(0, colon), k -> new ArrayList<>()).add(c.substring(colon + 1));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String scope : DRVSIM_SCOPES) {
            List<String> names = byScope.remove(scope);
            if (names == null) {
                continue;
            }
            sb.append(scope).append(":\n");
            for (String name : names.stream().sorted().distinct().toList()) {
                String d = description(scope + ":" + name);
                sb.append(String.format("  %-22s %s%n", name, d));
            }
        }
        sb.append("\nframework commands (help NAME shows one):\n");
        for (var e : byScope.entrySet()) {
            if (HIDDEN_SCOPES.contains(e.getKey())) {
                continue;
            }
            sb.append(wrap("  " + e.getKey() + ": ", e.getValue().stream().sorted().distinct().toList()));
        }
        return sb.toString().stripTrailing();
    }

    @Descriptor("shows a command's usage: its parameters, options and description")
    public String help(@Descriptor("command name, with or without its scope") String command) {
        String usage = usage(processor, command);
        if (usage.isEmpty()) {
            usage = keywordUsage(context, command);
        }
        if (usage.isEmpty()) {
            throw new IllegalArgumentException("help: no drvsim or Felix command '" + command + "'; gogo's own commands "
                    + "(echo, grep, sleep, cat, ...) show their usage with '" + command + " --help'");
        }
        return usage;
    }

    /** Gogo's help for a command (its overloads, parameters and options), or empty when there is no such command. */
    static String usage(CommandProcessor processor, String command) {
        if (command.equals("pnp:wait") || command.equals("wait")) {
            return "pnp:wait - " + PnpWaitCommand.DESCRIPTION;
        }
        String usage = ScriptMain.capture(processor, "felix:help " + command).strip();
        return usage.startsWith("No methods found") ? "" : usage;
    }

    /**
     * The usage of a command named with a Java keyword, in felix:help's format: Gogo runs {@code storport:import} as the
     * method {@code _import}, which felix:help does not find. Read from the method's {@link Descriptor}s.
     *
     * @param command {@code SCOPE:NAME}
     * @return the usage, or empty when no command service of that scope has a method {@code _NAME}
     */
    static String keywordUsage(BundleContext context, String command) {
        int colon = command.indexOf(':');
        if (colon <= 0 || !command.matches("[\\w.-]+:\\w+")) {
            return "";
        }
        String scope = command.substring(0, colon);
        String name = command.substring(colon + 1);
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(null, "(&(osgi.command.scope=" + scope + ")(osgi.command.function="
                    + name + "))");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            return "";
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object service = context.getService(ref);
            try {
                for (java.lang.reflect.Method m : service == null ? new java.lang.reflect.Method[0]
                        : service.getClass().getMethods()) {
                    if (!m.getName().equals("_" + name)) {
                        continue;
                    }
                    Descriptor d = m.getAnnotation(Descriptor.class);
                    StringBuilder sb = new StringBuilder(name).append(" - ").append(d == null ? "" : d.value())
                            .append("\n   scope: ").append(scope).append("\n   parameters:");
                    for (java.lang.reflect.Parameter p : m.getParameters()) {
                        if (CommandSession.class.isAssignableFrom(p.getType())) {
                            continue;
                        }
                        Descriptor pd = p.getAnnotation(Descriptor.class);
                        sb.append("\n      ").append(p.getType().getSimpleName()).append("   ")
                                .append(pd == null ? "" : pd.value());
                    }
                    return sb.toString();
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return "";
    }

    /** The first line of the command's description from Gogo's help, or empty. */
    private String description(String command) {
        if (command.equals("pnp:wait")) {
            return PnpWaitCommand.DESCRIPTION; // a Function: Gogo's help cannot read its description
        }
        String help = ScriptMain.capture(processor, "felix:help " + command);
        if (help.strip().startsWith("No methods found")) {
            help = keywordUsage(context, command);
        }
        for (String line : help.split("\n")) {
            String l = line.strip();
            int dash = l.indexOf(" - ");
            if (dash > 0) {
                String d = l.substring(dash + 3).strip();
                return d.length() > 95 ? d.substring(0, 94) + "…" : d;
            }
        }
        return "";
    }

    private static String wrap(String head, List<String> names) {
        StringBuilder sb = new StringBuilder(head);
        int col = head.length();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i) + (i < names.size() - 1 ? "," : "");
            if (col + n.length() + 1 > 118) {
                sb.append('\n').append(" ".repeat(head.length()));
                col = head.length();
            }
            sb.append(n).append(' ');
            col += n.length() + 1;
        }
        return sb.toString().stripTrailing() + "\n";
    }
}
