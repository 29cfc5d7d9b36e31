package org.drvsim.drivers.ramdisk;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link BackingStore} on a raw disk image file (no header: byte {@code lba * blockSize} of the file is byte 0
 * of block {@code lba}). The capacity is the file's size when it is opened, in blocks of 512 or 4096 bytes;
 * the file is neither grown nor truncated.
 *
 * <p>Threads: any thread, concurrently; every transfer is a positional {@link FileChannel} read or write, so
 * transfers do not share a file position. Concurrent transfers to the same block are not ordered with respect
 * to each other (a reader may see part of a concurrent write), as on a disk without atomic-write support.
 * Caution: {@link FileChannel} is interruptible: a thread interrupted during a transfer closes the channel, and
 * every later transfer then fails with an {@link UncheckedIOException} (MEDIUM ERROR at the SCSI level).
 *
 * <p>Failures: {@link #open} reports an unusable image as {@link IllegalArgumentException} naming the file and
 * the problem, and an I/O failure while opening (for example no permission to write) as {@link IOException}.
 * An I/O failure during {@link #read} or {@link #write} throws {@link UncheckedIOException}; the rest is as
 * {@link BackingStore}.
 */
final class FileBackingStore implements BackingStore {
    private final Path image;
    private final FileChannel channel;
    private final int blockSize;
    private final long blockCount;
    private final boolean readOnly;
    /** Set by {@link #close()}; a channel closed by an interrupt is not "closed" but failed. */
    private volatile boolean closed;

    private FileBackingStore(Path image, FileChannel channel, int blockSize, long blockCount, boolean readOnly) {
        this.image = image;
        this.channel = channel;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.readOnly = readOnly;
    }

    /**
     * Opens an existing image file; the file is opened for reading only when {@code readOnly}.
     *
     * @param blockSize bytes per logical block, 512 or 4096
     * @throws IllegalArgumentException if the block size is not supported, or the image does not exist, is not
     *         a regular file, is empty, or its size is not a multiple of the block size
     * @throws IOException if the file cannot be opened as asked
     */
    static FileBackingStore open(Path image, int blockSize, boolean readOnly) throws IOException {
        BackingStore.requireBlockSize(blockSize);
        if (!Files.exists(image)) {
            throw new IllegalArgumentException("disk image " + image + " does not exist");
        }
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("disk image " + image + " is not a regular file");
        }
        FileChannel channel = readOnly
                ? FileChannel.open(image, StandardOpenOption.READ)
                : FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            // The size of the open file, not of the path checked above.
            long size = channel.size();
            if (size == 0) {
                throw new IllegalArgumentException("disk image " + image + " is empty");
            }
            if (size % blockSize != 0) {
                throw new IllegalArgumentException("disk image " + image + " is " + size
                        + " bytes, not a multiple of " + blockSize + "-byte blocks");
            }
            return new FileBackingStore(image, channel, blockSize, size / blockSize, readOnly);
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return blockCount;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long lba, int blocks, byte[] dst, int dstOffset) {
        int bytes = BackingStore.checkTransfer(this, lba, blocks, dst, dstOffset);
        ensureOpen();
        ByteBuffer buffer = ByteBuffer.wrap(dst, dstOffset, bytes);
        long position = lba * blockSize;
        try {
            // A positional read may return fewer bytes than asked; loop until the blocks are in.
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new EOFException(image + " ended at byte " + position + " (truncated while open?)");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + blocks + " blocks at LBA " + lba + " of " + image, e);
        }
    }

    @Override
    public void write(long lba, int blocks, byte[] src, int srcOffset) {
        int bytes = BackingStore.checkTransfer(this, lba, blocks, src, srcOffset);
        if (readOnly) {
            throw new IllegalStateException(image + " is open read-only");
        }
        ensureOpen();
        ByteBuffer buffer = ByteBuffer.wrap(src, srcOffset, bytes);
        long position = lba * blockSize;
        try {
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + blocks + " blocks at LBA " + lba + " of " + image, e);
        }
    }

    /** Forces written data (not metadata) to the device: {@code FileChannel.force(false)}. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** @return the image path */
    @Override
    public String describe() {
        return image.toString();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(image + " is closed");
        }
    }
}
