package org.drvsim.ndis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What {@code ndis:send} reads: classic Ethernet pcap files, and a clear refusal of anything else. */
public class PcapFilesTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aClassicPcapFileIsReadFrameByFrame() throws Exception {
        byte[] frame = new byte[60];
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xB5;
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(1).putInt(0).putInt(frame.length).putInt(frame.length).put(frame);
        Path file = folder.getRoot().toPath().resolve("one.pcap");
        Files.write(file, b.array());
        assertThat(PcapFiles.read(file)).singleElement().isEqualTo(frame);
    }

    @Test
    public void aFileThatIsNotPcapIsRefusedNamingItsFirstBytes() throws Exception {
        Path text = folder.getRoot().toPath().resolve("notes.pcap");
        Files.writeString(text, "hello, this is not a capture\n");
        assertThatThrownBy(() -> PcapFiles.read(text)).isInstanceOf(IOException.class).hasMessage("pcap file " + text
                + " is not a pcap file: it starts with 68656c6c, not a pcap magic number (a1b2c3d4 or a1b23c4d, in "
                + "either byte order)");
    }
}
