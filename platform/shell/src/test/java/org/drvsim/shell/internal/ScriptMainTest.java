package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class ScriptMainTest {
    @Test
    public void aLineThatOpensABlockGoesOnUntilTheBlockIsClosedQuotesAndEscapesAside() {
        assertThat(ScriptMain.complete("echo hello")).isTrue();
        assertThat(ScriptMain.complete("each [1 2] {")).isFalse();
        assertThat(ScriptMain.complete("each [1 2] {\n echo $it\n}")).isTrue();
        assertThat(ScriptMain.complete("echo '{'")).isTrue();
        assertThat(ScriptMain.complete("echo \"a \\\" {\"")).isTrue();
        assertThat(ScriptMain.complete("echo \\{")).isTrue();
        assertThat(ScriptMain.complete("echo 'unclosed")).isFalse();
    }

    @Test
    public void theStderrTapPassesEverythingOnAndKeepsTheFirstNonBlankLine() {
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        ScriptMain.StderrTap tap = new ScriptMain.StderrTap(new PrintStream(passed, true, StandardCharsets.UTF_8));
        assertThat(tap.firstLine()).isNull();
        PrintStream err = new PrintStream(tap, true, StandardCharsets.UTF_8);
        err.println();
        err.println("sleep: invalid option 'm'");
        err.println("usage: sleep seconds");
        assertThat(tap.firstLine()).isEqualTo("sleep: invalid option 'm'");
        assertThat(passed.toString(StandardCharsets.UTF_8)).isEqualTo("\nsleep: invalid option 'm'\nusage: sleep seconds\n");
        tap.reset();
        assertThat(tap.firstLine()).isNull();
    }

    @Test
    public void errorsAreTheCommandsOwnWordsWithoutWrappersOrClassNames() {
        Exception wrapped = new java.lang.reflect.InvocationTargetException(
                new IllegalArgumentException("stop: no bundle with ID 4242"));
        assertThat(ShellErrors.describe(null, wrapped, "stop 4242")).isEqualTo("stop: no bundle with ID 4242");
        assertThat(ShellErrors.describe(new NullPointerException()))
                .isEqualTo("internal error NullPointerException (a bug; the log has the stack)");
        assertThat(ShellErrors.describe(null, new IllegalArgumentException("Cannot coerce plug(String) to any of "
                + "[(String, String)]"), "hw:plug x")).isEqualTo("wrong arguments for hw:plug");
    }
}
