package org.drvsim.ndis.internal;

import io.pkts.PcapOutputStream;
import io.pkts.buffer.Buffers;
import io.pkts.frame.PcapGlobalHeader;
import io.pkts.frame.PcapRecordHeader;
import io.pkts.packet.PCapPacket;
import io.pkts.packet.impl.PCapPacketImpl;
import io.pkts.protocol.Protocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.drvsim.kernel.TargetFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes classic pcap files (Ethernet link type) with the pkts library. pcapng is not read:
 * pkts does not read it, and the simulation uses no native library that would.
 */
final class PcapFiles {
    private PcapFiles() {
    }

    /**
     * Reads every frame of a classic pcap file.
     *
     * @throws IllegalArgumentException naming the file when it does not exist, is a folder, a FIFO or a device
     *                                  ({@link org.drvsim.kernel.SourceFile#check})
     * @throws IOException with a message naming the file when it is not a pcap file, is pcapng, is not Ethernet,
     *                     or is truncated
     */
    static List<byte[]> read(Path file) throws IOException {
        org.drvsim.kernel.SourceFile.check(file, "pcap file");
        long size = Files.size(file);
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) < 4) {
                throw new IOException("pcap file " + file + " is truncated: " + size + " bytes, no pcap header");
            }
        }
        if (magic[0] == 0x0A && magic[1] == 0x0D && magic[2] == 0x0D && magic[3] == 0x0A) {
            throw new IOException("pcap file " + file + " is pcapng, which the pkts library does not read; convert it with "
                    + "'editcap -F pcap in.pcapng out.pcap'");
        }
        int m = (magic[0] & 0xFF) << 24 | (magic[1] & 0xFF) << 16 | (magic[2] & 0xFF) << 8 | (magic[3] & 0xFF);
        if (m != 0xA1B2C3D4 && m != 0xD4C3B2A1 && m != 0xA1B23C4D && m != 0x4D3CB2A1) {
            throw new IOException("pcap file " + file + " is not a pcap file: it starts with " + String.format("%08x", m)
                    + ", not a pcap magic number (a1b2c3d4 or a1b23c4d, in either byte order)");
        }
        List<byte[]> frames = new ArrayList<>();
        long[] consumed = {PcapGlobalHeader.SIZE};
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            io.pkts.Pcap pcap = io.pkts.Pcap.openStream(in);
            if (pcap.getPcapHeader().getDataLinkType() != 1) {
                throw new IOException("pcap file " + file + " has link type " + pcap.getPcapHeader().getDataLinkType()
                        + "; only Ethernet (1) is supported");
            }
            pcap.loop(packet -> {
                PCapPacket p = (PCapPacket) packet;
                byte[] frame = p.getPayload() == null ? new byte[0] : p.getPayload().getArray();
                if (frame.length != p.getCapturedLength()) {
                    throw new IOException("pcap file " + file + " is truncated in frame " + (frames.size() + 1)
                            + ": " + frame.length + " of " + p.getCapturedLength() + " bytes");
                }
                consumed[0] += PcapRecordHeader.SIZE + frame.length;
                frames.add(frame);
                return true;
            });
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("pcap file ")) {
                throw e;
            }
            throw truncatedOrCorrupt(file, frames.size(), e);
        } catch (Exception e) {
            throw truncatedOrCorrupt(file, frames.size(), e);
        }
        if (consumed[0] != size) {
            throw new IOException("pcap file " + file + " is truncated: " + (size - consumed[0])
                    + " byte(s) after frame " + frames.size() + " do not form a whole frame");
        }
        return frames;
    }

    private static IOException truncatedOrCorrupt(Path file, int framesRead, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        if (why.contains("Not enough bytes")) {
            return new IOException("pcap file " + file + " is truncated after frame " + framesRead + " (" + why + ")", e);
        }
        return new IOException("pcap file " + file + " cannot be read after frame " + framesRead + ": " + why, e);
    }

    /**
     * A pcap file being written, one frame at a time (thread-safe). The frames go to a temporary file beside the
     * target, renamed onto it by {@link #close()}: a capture that is never closed (the platform killed) leaves no
     * half-written file and the target as it was.
     */
    static final class Writer implements AutoCloseable {
        private final TargetFile target;
        private final PcapOutputStream out;
        private long frames;

        /** @throws IllegalArgumentException if {@code file} cannot be written (see {@link TargetFile#check}) */
        Writer(Path file) throws IOException {
            target = TargetFile.open(file);
            out = PcapOutputStream.create(PcapGlobalHeader.createDefaultHeader(Protocol.ETHERNET_II),
                    new BufferedOutputStream(target.out()) {
                        @Override
                        public void close() throws IOException {
                            flush(); // the TargetFile closes its stream when it commits
                        }
                    });
        }

        synchronized void write(byte[] frame) throws IOException {
            PCapPacketImpl packet = new PCapPacketImpl(PcapRecordHeader.createDefaultHeader(System.currentTimeMillis()),
                    Buffers.wrap(frame));
            out.write(packet);
            frames++;
        }

        synchronized long frames() {
            return frames;
        }

        /** Completes the file: renamed onto the target. */
        @Override
        public synchronized void close() throws IOException {
            try {
                out.close();
                target.commit();
            } finally {
                target.close();
            }
        }
    }
}
