package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** The gosh.home the console hands gogo.jline: drvsim's profile when interactive, a profile that runs nothing else. */
public class ConsoleActivatorTest {
    @Test
    public void onlyTheInteractiveShellSourcesDrvsimsProfileAScriptsProfileRunsNoCommand() throws Exception {
        String interactive = profile(ConsoleActivator.goshHome(true));
        assertThat(interactive).contains("SCOPE = 'shell:bundle:gogo:*'").contains("prompt = 'drvsim> '")
                .contains("shell:repl");
        List<String> script = profile(ConsoleActivator.goshHome(false)).lines().toList();
        assertThat(script).as("comments only: nothing for gogo.jline's thread to run while the script ends")
                .isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("#"));
    }

    private static String profile(Path goshHome) throws Exception {
        return Files.readString(goshHome.resolve("etc/gosh_profile"), StandardCharsets.UTF_8);
    }
}
