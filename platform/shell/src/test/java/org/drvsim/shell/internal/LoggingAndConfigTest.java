package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.drvsim.shell.internal.LogFormat.Severity;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/** The JUL bridge, the log line, drvsim.home's location and the editing of etc/ files, without a framework. */
public class LoggingAndConfigTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** What a fake OSGi logger was called with: logger name, method (level), format and arguments. */
    record Call(String logger, String level, String format, List<Object> args) {
    }

    private static LoggerFactory recording(List<Call> calls) {
        return (LoggerFactory) Proxy.newProxyInstance(LoggerFactory.class.getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getLogger") || args.length != 1 || !(args[0] instanceof String)) {
                        throw new UnsupportedOperationException(method.toString());
                    }
                    String name = (String) args[0];
                    return Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                            (p, m, a) -> {
                                if (m.getName().equals("getName")) {
                                    return name;
                                }
                                calls.add(new Call(name, m.getName(), (String) a[0], List.of((Object[]) a[1])));
                                return null;
                            });
                });
    }

    @Test
    public void theBridgeKeepsTheLoggerNameTheLevelTheMessageAndTheException() {
        List<Call> calls = new ArrayList<>();
        JulLogBridge.Bridge bridge = new JulLogBridge.Bridge(recording(calls));
        LogRecord warning = new LogRecord(Level.WARNING, "drvsim: device {0} cannot start {1}");
        warning.setLoggerName("org.drvsim.kernel.internal.PnpManagerImpl");
        warning.setParameters(new Object[] {"ROOT\\X\\0000", "{}"});
        bridge.publish(warning);
        LogRecord severe = new LogRecord(Level.SEVERE, "drvsim: unloading failed");
        severe.setLoggerName("org.drvsim.kernel.internal.PnpManagerImpl");
        IllegalStateException thrown = new IllegalStateException("boom");
        severe.setThrown(thrown);
        bridge.publish(severe);
        LogRecord fine = new LogRecord(Level.FINE, "detail");
        bridge.publish(fine); // no logger name
        assertThat(calls).containsExactly(
                new Call("org.drvsim.kernel.internal.PnpManagerImpl", "warn", "{}",
                        List.of("drvsim: device ROOT\\X\\0000 cannot start {}")),
                new Call("org.drvsim.kernel.internal.PnpManagerImpl", "error", "{}",
                        List.of("drvsim: unloading failed", thrown)),
                new Call("java.util.logging", "debug", "{}", List.of("detail")));
        bridge.close();
        bridge.publish(warning);
        assertThat(calls).hasSize(3);
    }

    @Test
    public void julLevelsMapToTheLogServicesAndALineIsReadable() {
        assertThat(LogFormat.severity(Level.SEVERE)).isEqualTo(Severity.ERROR);
        assertThat(LogFormat.severity(Level.WARNING)).isEqualTo(Severity.WARN);
        assertThat(LogFormat.severity(Level.INFO)).isEqualTo(Severity.INFO);
        assertThat(LogFormat.severity(Level.CONFIG)).isEqualTo(Severity.DEBUG);
        assertThat(LogFormat.severity(Level.FINE)).isEqualTo(Severity.DEBUG);
        assertThat(LogFormat.severity(Level.FINEST)).isEqualTo(Severity.TRACE);
        assertThat(LogFormat.shortName("org.drvsim.kernel.internal.PnpManagerImpl")).isEqualTo("PnpManagerImpl");
        assertThat(LogFormat.shortName("org.drvsim.verifier")).isEqualTo("org.drvsim.verifier");
        String line = LogFormat.line(0, Severity.WARN, "org.drvsim.ndis.internal.NdisPort", "drvsim: hello",
                new IllegalStateException("why"));
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\| WARN  \\| NdisPort \\| "
                + "drvsim: hello \\(why\\)");
        assertThat(Severity.parse("warning", "log:display")).isEqualTo(Severity.WARN);
        assertThatThrownBy(() -> Severity.parse("LOUD", "log:display")).hasMessage(
                "log:display: no log level 'LOUD'; the levels are ERROR, WARN, INFO, DEBUG and TRACE");
    }

    @Test
    public void theFrameworksOwnBundleAndServiceEventsAreShownFromWarnUp() {
        assertThat(LogCommands.shown(Severity.INFO, "Events.Service.org.drvsim.kernel", Severity.TRACE)).isFalse();
        assertThat(LogCommands.shown(Severity.ERROR, "Events.Framework.org.apache.felix.framework", Severity.TRACE))
                .isTrue();
        assertThat(LogCommands.shown(Severity.INFO, "org.drvsim.kernel.internal.PnpManagerImpl", Severity.TRACE))
                .isTrue();
        assertThat(LogCommands.shown(Severity.INFO, "org.drvsim.kernel.internal.PnpManagerImpl", Severity.WARN))
                .isFalse();
    }

    @Test
    public void theHomeIsThePropertyElseTheEnvironmentElseAFolderOfTheUsersHome() {
        Map<String, String> env = Map.of(DrvsimHome.ENV, "/from/env");
        assertThat(DrvsimHome.locate("/from/property", env::get, "/home/u")).isEqualTo(Path.of("/from/property"));
        assertThat(DrvsimHome.locate(null, env::get, "/home/u")).isEqualTo(Path.of("/from/env"));
        assertThat(DrvsimHome.locate(" ", k -> null, "/home/u")).isEqualTo(Path.of("/home/u/.drvsim"));
        DrvsimHome home = new DrvsimHome(Path.of("/h/./x"));
        assertThat(home.deploy).isEqualTo(Path.of("/h/x/deploy"));
        assertThat(home.historyFile()).isEqualTo(Path.of("/h/x/data/history"));
        assertThat(home.logFile()).isEqualTo(Path.of("/h/x/log/drvsim.log"));
    }

    @Test
    public void anEtcFileIsEditedOnePropertyAtATimeKeepingItsOtherLines() throws Exception {
        List<String> lines = List.of("# my driver", "greeting = hello", "path = /a\\", "   /b", "count: 3");
        assertThat(EtcFile.edit(lines, "greeting", "bonjour"))
                .containsExactly("# my driver", "greeting=bonjour", "path = /a\\", "   /b", "count: 3");
        assertThat(EtcFile.edit(lines, "path", null)).containsExactly("# my driver", "greeting = hello", "count: 3");
        assertThat(EtcFile.edit(lines, "new key", "a=b ü")).endsWith("new\\ key=a\\=b \\u00FC");
        assertThat(EtcFile.edit(lines, "my", "x")).as("a comment is not an entry").endsWith("my=x").hasSize(6);
        Path file = tmp.getRoot().toPath().resolve("org.example.cfg");
        EtcFile.edit(file, "colour", "blue");
        EtcFile.edit(file, "size", "2");
        EtcFile.edit(file, "colour", null);
        assertThat(Files.readAllLines(file)).containsExactly("size=2");
        try (var files = Files.list(tmp.getRoot().toPath())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("org.example.cfg");
        }
    }

    @Test
    public void aConfigValueKeepsTheTypeOfTheOneItReplaces() {
        assertThat(ConfigCommands.typed(3, "4", "config:set")).isEqualTo(4);
        assertThat(ConfigCommands.typed(3L, " 5 ", "config:set")).isEqualTo(5L);
        assertThat(ConfigCommands.typed(true, "FALSE", "config:set")).isEqualTo(false);
        assertThat(ConfigCommands.typed("a", "b", "config:set")).isEqualTo("b");
        assertThat(ConfigCommands.typed(null, "b", "config:set")).isEqualTo("b");
        assertThatThrownBy(() -> ConfigCommands.typed(3, "many", "config:set"))
                .hasMessage("config:set: 'many' is not a number, as the value it replaces (3) is");
        assertThat(ConfigCommands.text(new String[] {"a", "b"})).isEqualTo("[a, b]");
        assertThat(ConfigCommands.escape("a*(b)\\")).isEqualTo("a\\*\\(b\\)\\\\");
    }
}
