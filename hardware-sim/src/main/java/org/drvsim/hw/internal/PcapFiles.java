package org.drvsim.hw.internal;

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
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Classic pcap files (Ethernet link type) for the wire, read and written with the pkts library (io.pkts:pkts-core,
 * embedded in this bundle by bnd). pcapng is refused: pkts does not read it.
 */
final class PcapFiles {
    private static final Logger LOG = Logger.getLogger(PcapFiles.class.getName());
    private static final int LINKTYPE_ETHERNET = 1;

    private PcapFiles() {
    }

    /**
     * Reads every frame of a classic pcap file.
     *
     * @throws IOException naming the file when it does not exist, is not a regular file, is not a pcap file, is
     *                     pcapng, is not Ethernet, or is truncated
     */
    static List<byte[]> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot read pcap file " + file + ": " + (Files.isDirectory(file) ? "it is a folder"
                    : Files.exists(file) ? "it is not a regular file" : "it does not exist"));
        }
        long size = Files.size(file);
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) < 4) {
                throw new IOException("pcap file " + file + " is truncated: " + size + " bytes, no pcap header");
            }
        }
        if (magic[0] == 0x0A && magic[1] == 0x0D && magic[2] == 0x0D && magic[3] == 0x0A) {
            throw new IOException("pcap file " + file + " is pcapng, which the pkts library does not read; convert it "
                    + "with 'editcap -F pcap in.pcapng out.pcap'");
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
            if (pcap.getPcapHeader().getDataLinkType() != LINKTYPE_ETHERNET) {
                throw new IOException("pcap file " + file + " has link type " + pcap.getPcapHeader().getDataLinkType()
                        + "; only Ethernet (1) is supported");
            }
            pcap.loop(packet -> {
                PCapPacket p = (PCapPacket) packet;
                byte[] frame = p.getPayload() == null ? new byte[0] : p.getPayload().getArray();
                if (frame.length != p.getCapturedLength()) {
                    throw new IOException("pcap file " + file + " is truncated in frame " + (frames.size() + 1) + ": "
                            + frame.length + " of " + p.getCapturedLength() + " bytes");
                }
                consumed[0] += PcapRecordHeader.SIZE + frame.length;
                frames.add(frame);
                return true;
            });
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("pcap file ")) {
                throw e;
            }
            throw unreadable(file, frames.size(), e);
        } catch (Exception e) {
            throw unreadable(file, frames.size(), e);
        }
        if (consumed[0] != size) {
            throw new IOException("pcap file " + file + " is truncated: " + (size - consumed[0])
                    + " byte(s) after frame " + frames.size() + " do not form a whole frame");
        }
        return frames;
    }

    private static IOException unreadable(Path file, int framesRead, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        if (why.contains("Not enough bytes")) {
            return new IOException("pcap file " + file + " is truncated after frame " + framesRead + " (" + why + ")", e);
        }
        return new IOException("pcap file " + file + " cannot be read after frame " + framesRead + ": " + why, e);
    }

    /**
     * A pcap file being written, one frame at a time (thread-safe): into a temporary file beside the target, renamed
     * onto it by {@link #close()}, so that an unfinished recording leaves no partial file and the target as it was.
     * A frame that cannot be written is logged and the recording goes on (a port's transmit path never fails for
     * it); {@link #close()} then reports the failure.
     */
    static final class Recorder implements AutoCloseable {
        private final Path target;
        private final Path temporary;
        private final PcapOutputStream out;
        private long frames;
        private IOException failure;
        private boolean closed;

        /**
         * @throws IllegalArgumentException naming the file when its folder does not exist or it is a folder
         * @throws IOException              if the temporary file cannot be created
         */
        Recorder(Path file) throws IOException {
            Path absolute = file.toAbsolutePath().normalize();
            Path folder = absolute.getParent();
            if (folder == null || !Files.isDirectory(folder)) {
                throw new IllegalArgumentException("cannot write " + file + ": folder " + folder + " does not exist");
            }
            if (Files.isDirectory(absolute)) {
                throw new IllegalArgumentException("cannot write " + file + ": it is a folder");
            }
            if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
                throw new IllegalArgumentException("cannot write " + file + ": it is not a regular file");
            }
            this.target = absolute;
            this.temporary = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".partial");
            OutputStream stream = new BufferedOutputStream(Files.newOutputStream(temporary));
            this.out = PcapOutputStream.create(PcapGlobalHeader.createDefaultHeader(Protocol.ETHERNET_II), stream);
        }

        Path target() {
            return target;
        }

        synchronized void write(byte[] frame) {
            if (closed || failure != null) {
                return;
            }
            try {
                out.write(new PCapPacketImpl(PcapRecordHeader.createDefaultHeader(System.currentTimeMillis()),
                        Buffers.wrap(frame.clone())));
                frames++;
            } catch (IOException e) {
                failure = e;
                LOG.log(Level.WARNING, "drvsim: cannot record a frame into " + target, e);
            }
        }

        synchronized long frames() {
            return frames;
        }

        /** Completes the file: renamed onto the target; closing twice does nothing. */
        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
                if (failure != null) {
                    throw new IOException("recording into " + target + " failed: " + failure.getMessage(), failure);
                }
                try { // a temporary file is private (rw-------): the recording gets the target's permissions, or rw-r--r--
                    Files.setPosixFilePermissions(temporary, Files.exists(target) ? Files.getPosixFilePermissions(target)
                            : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException notPosix) {
                    // the file system has no POSIX permissions
                }
                try {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
