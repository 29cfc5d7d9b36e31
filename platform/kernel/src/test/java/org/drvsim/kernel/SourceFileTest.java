package org.drvsim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SourceFileTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void eachWayAPathCanBeWrongHasItsOwnMessage() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path file = Files.writeString(dir.resolve("frames.pcap"), "x");
        assertThat(SourceFile.check(file, "pcap file")).isEqualTo(file.toAbsolutePath());
        assertThatThrownBy(() -> SourceFile.check(dir, "pcap file")).hasMessage("cannot read pcap file " + dir
                + ": it is a folder");
        assertThatThrownBy(() -> SourceFile.check(dir.resolve("none.pcap"), "pcap file"))
                .hasMessage("cannot read pcap file " + dir.resolve("none.pcap") + ": it does not exist");
        assertThatThrownBy(() -> SourceFile.check(dir.resolve("no/none.pcap"), "pcap file"))
                .hasMessage("cannot read pcap file " + dir.resolve("no/none.pcap") + ": folder " + dir.resolve("no")
                        + " does not exist");
        assertThatThrownBy(() -> SourceFile.check(Path.of("/dev/zero"), "image"))
                .hasMessage("cannot read image /dev/zero: it is not a regular file (a FIFO or a device)");
    }

    @Test
    public void aShellCommandsCheckAddsItsUsageOnTheNextLine() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Path file = Files.writeString(dir.resolve("data.bin"), "x");
        assertThat(SourceFile.check(file.toString(), "file", "wdf:write DEVICE FILE")).isEqualTo(file.toAbsolutePath());
        assertThatThrownBy(() -> SourceFile.check(dir.toString(), "file", "wdf:write DEVICE FILE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read file " + dir + ": it is a folder\nusage: wdf:write DEVICE FILE");
        assertThatThrownBy(() -> SourceFile.check("a\0b", "file", "wdf:write DEVICE FILE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot read file a\0b: not a valid path\nusage: wdf:write DEVICE FILE");
    }
}
