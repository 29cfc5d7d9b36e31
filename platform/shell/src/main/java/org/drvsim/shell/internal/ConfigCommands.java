package org.drvsim.shell.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code config:} commands over ConfigAdmin, close to Karaf's: {@code list}, {@code get}, {@code set} and
 * {@code delete}. A configuration read from {@code etc/PID.cfg} (FileInstall) is saved there too when a property is set
 * or deleted ({@link EtcFile}), and its file is removed with it; {@code config:set} of a new PID writes
 * {@code etc/PID.cfg}, so that it is there again at the next start.
 */
@Component(service = ConfigCommands.class, property = {
        "osgi.command.scope=config",
        "osgi.command.function=list",
        "osgi.command.function=get",
        "osgi.command.function=set",
        "osgi.command.function=delete"})
public final class ConfigCommands {
    /** The property FileInstall keeps the source file's URI in. */
    static final String FILENAME = "felix.fileinstall.filename";
    private static final Set<String> BOOKKEEPING = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            FILENAME);
    private final ConfigurationAdmin admin;
    private final BundleContext context;

    @Activate
    public ConfigCommands(BundleContext context, @Reference ConfigurationAdmin admin) {
        this.context = context;
        this.admin = admin;
    }

    @Descriptor("lists every configuration: its PID, the file it was read from, and its properties")
    public String list() throws IOException {
        return describe(configurations(null, "config:list"));
    }

    @Descriptor("lists the configurations with this PID, or that match an LDAP filter such as '(felix.fileinstall.dir=*)'")
    public String list(@Descriptor("PID, or an LDAP filter in parentheses") String pidOrFilter) throws IOException {
        String filter = pidOrFilter.startsWith("(") ? pidOrFilter : "(" + Constants.SERVICE_PID + "=" + escape(pidOrFilter) + ")";
        List<Configuration> found = configurations(filter, "config:list");
        if (found.isEmpty()) {
            throw new IllegalArgumentException("config:list: no configuration " + (pidOrFilter.startsWith("(")
                    ? "matches " + pidOrFilter : "with PID '" + pidOrFilter + "'") + " (config:list lists them all)");
        }
        return describe(found);
    }

    @Descriptor("shows a configuration's properties")
    public String get(@Descriptor("PID") String pid) throws IOException {
        return describe(List.of(existing(pid, "config:get")));
    }

    @Descriptor("shows one property of a configuration")
    public String get(@Descriptor("PID") String pid, @Descriptor("property name") String key) throws IOException {
        Object value = existing(pid, "config:get").getProperties().get(key);
        if (value == null) {
            throw new IllegalArgumentException("config:get: configuration '" + pid + "' has no property '" + key + "'");
        }
        return text(value);
    }

    @Descriptor("sets a property of a configuration, creating the configuration if there is none (a new one is saved as "
            + "etc/PID.cfg); a value replaces one of the same type, else it is a string")
    public String set(@Descriptor("PID; FACTORY~NAME for a factory configuration") String pid,
                      @Descriptor("property name") String key,
                      @Descriptor("value") String value) throws IOException {
        checkKey(key, "config:set");
        Configuration c = find(pid);
        Path file;
        Hashtable<String, Object> props = new Hashtable<>();
        String saved;
        if (c == null) {
            c = create(pid);
            file = newFile(pid);
            if (file != null) {
                if (Files.exists(file)) {
                    throw new IllegalStateException("config:set: " + file + " exists but ConfigAdmin has not read it "
                            + "yet; try again in a second");
                }
                props.put(FILENAME, file.toFile().getAbsoluteFile().toURI().toString()); // as FileInstall writes it
            }
            saved = file != null ? " (saved in " + file + ")"
                    : " (until the platform stops: a PID with '-' or '~' is not saved in etc/)";
        } else {
            copy(c.getProperties(), props);
            file = fileOf(c);
            saved = file != null ? " (saved in " + file + ")" : "";
        }
        props.put(key, typed(props.get(key), value, "config:set"));
        if (file != null) {
            EtcFile.edit(file, key, value);
        }
        c.update(props);
        return pid + ": " + key + " = " + text(props.get(key)) + saved;
    }

    @Descriptor("deletes a configuration (and the etc/ file it was read from)")
    public String delete(@Descriptor("PID") String pid) throws IOException {
        Configuration c = existing(pid, "config:delete");
        Path file = fileOf(c);
        c.delete();
        if (file != null) {
            Files.deleteIfExists(file);
        }
        return "deleted configuration " + pid + (file != null ? " (and " + file + ")" : "");
    }

    @Descriptor("deletes one property of a configuration")
    public String delete(@Descriptor("PID") String pid, @Descriptor("property name") String key) throws IOException {
        checkKey(key, "config:delete");
        Configuration c = existing(pid, "config:delete");
        Hashtable<String, Object> props = new Hashtable<>();
        copy(c.getProperties(), props);
        if (props.remove(key) == null) {
            throw new IllegalArgumentException("config:delete: configuration '" + pid + "' has no property '" + key + "'");
        }
        Path file = fileOf(c);
        if (file != null && Files.exists(file)) {
            EtcFile.edit(file, key, null);
        }
        c.update(props);
        return pid + ": deleted " + key;
    }

    private static void checkKey(String key, String command) {
        if (key.isBlank() || BOOKKEEPING.contains(key)) {
            throw new IllegalArgumentException(command + ": '" + key + "' is not a property that can be changed");
        }
    }

    private List<Configuration> configurations(String filter, String command) throws IOException {
        Configuration[] all;
        try {
            all = admin.listConfigurations(filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(command + ": '" + filter + "' is not an LDAP filter: " + e.getMessage());
        }
        List<Configuration> out = new ArrayList<>(all == null ? List.of() : Arrays.asList(all));
        out.sort(Comparator.comparing(Configuration::getPid));
        return out;
    }

    /** The configuration with this PID that has properties, or null. */
    private Configuration find(String pid) throws IOException {
        List<Configuration> found = configurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")", "config");
        return found.isEmpty() ? null : found.get(0);
    }

    private Configuration existing(String pid, String command) throws IOException {
        Configuration c = find(pid);
        if (c == null) {
            throw new IllegalArgumentException(command + ": no configuration with PID '" + pid
                    + "' (config:list lists them)");
        }
        return c;
    }

    /** A new configuration, bound to whichever bundle consumes it first. */
    private Configuration create(String pid) throws IOException {
        if (pid.isBlank() || pid.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '(' || ch == ')'
                || ch == '*' || ch == '=' || ch == '/' || ch == '\\')) {
            throw new IllegalArgumentException("config:set: '" + pid + "' is not a PID (a name such as org.example.mydriver)");
        }
        int tilde = pid.indexOf('~');
        if (tilde > 0 && tilde < pid.length() - 1) {
            return admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), null);
        }
        return admin.getConfiguration(pid, null);
    }

    /**
     * {@code etc/PID.cfg} for a new configuration, or null when there is no etc/ folder or FileInstall would read
     * the name otherwise ({@code A-B.cfg} is the factory configuration A~B).
     */
    private Path newFile(String pid) {
        String home = context.getProperty(DrvsimHome.PROPERTY);
        if (home == null || pid.contains("-") || pid.contains("~")) {
            return null;
        }
        Path etc = new DrvsimHome(Path.of(home)).etc;
        return Files.isDirectory(etc) ? etc.resolve(pid + ".cfg") : null;
    }

    private static Path fileOf(Configuration c) {
        Object f = c.getProperties() == null ? null : c.getProperties().get(FILENAME);
        if (f == null) {
            return null;
        }
        try {
            return Path.of(URI.create(f.toString()));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Path.of(f.toString());
        }
    }

    private static void copy(Dictionary<String, Object> from, Hashtable<String, Object> to) {
        if (from == null) {
            return;
        }
        for (Enumeration<String> keys = from.keys(); keys.hasMoreElements(); ) {
            String k = keys.nextElement();
            to.put(k, from.get(k));
        }
    }

    /** The value as the type of the one it replaces (a number or a boolean), else a string. */
    static Object typed(Object old, String value, String command) {
        try {
            if (old instanceof Integer) {
                return Integer.valueOf(value.strip());
            } else if (old instanceof Long) {
                return Long.valueOf(value.strip());
            } else if (old instanceof Double) {
                return Double.valueOf(value.strip());
            } else if (old instanceof Float) {
                return Float.valueOf(value.strip());
            } else if (old instanceof Short) {
                return Short.valueOf(value.strip());
            } else if (old instanceof Byte) {
                return Byte.valueOf(value.strip());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": '" + value + "' is not a number, as the value it replaces ("
                    + old + ") is");
        }
        if (old instanceof Boolean) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(command + ": '" + value + "' is not true or false, as the value it "
                        + "replaces is");
            }
            return Boolean.valueOf(value);
        }
        return value;
    }

    /** A value as text: arrays and collections as [a, b]. */
    static String text(Object value) {
        if (value != null && value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return items.toString();
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList().toString();
        }
        return String.valueOf(value);
    }

    private String describe(List<Configuration> configurations) {
        if (configurations.isEmpty()) {
            return "no configurations";
        }
        StringBuilder sb = new StringBuilder();
        for (Configuration c : configurations) {
            Dictionary<String, Object> props = c.getProperties();
            sb.append(c.getPid());
            if (c.getFactoryPid() != null) {
                sb.append("  (factory ").append(c.getFactoryPid()).append(')');
            }
            Path file = fileOf(c);
            if (file != null) {
                sb.append("  (from ").append(file).append(')');
            }
            sb.append('\n');
            TreeMap<String, Object> sorted = new TreeMap<>();
            if (props != null) {
                for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    if (!BOOKKEEPING.contains(k)) {
                        sorted.put(k, props.get(k));
                    }
                }
            }
            sorted.forEach((k, v) -> sb.append("    ").append(k).append(" = ").append(text(v)).append('\n'));
        }
        return sb.toString().stripTrailing();
    }

    /** An LDAP filter value: {@code \ * ( )} escaped. */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '\\' || ch == '*' || ch == '(' || ch == ')') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.toString();
    }
}
