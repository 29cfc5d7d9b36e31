package org.drvsim.drivers.ramdisk;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link BackingStore} on a raw disk image file (no header: byte {@code lba * blockSize} of the file is byte 0
 * of block {@code lba}). The capacity is the file's size when it is opened, in blocks of 512 or 4096 bytes;
 * the file is neither grown nor truncated.
 *
 * <p>While open, the store holds a lock on the whole file (shared when read-only, exclusive otherwise): another
 * store of this platform cannot open the same image (an image is attached once), and a command that would
 * overwrite it (an export onto it) sees it in use and refuses.
 *
 * <p>Threads: any thread; transfers are serialised. The I/O goes through {@link RandomAccessFile}, whose reads
 * and writes are not interruptible: a thread interrupted during a transfer finishes it and keeps its interrupt
 * status, and the image stays usable (an interruptible {@code FileChannel} would close itself for good).
 *
 * <p>Failures: {@link #open} reports an unusable image as {@link IllegalArgumentException} naming the file and
 * the problem, and an I/O failure while opening (for example no permission to write) as {@link IOException}.
 * An I/O failure during {@link #read} or {@link #write} throws {@link UncheckedIOException}; the rest is as
 * {@link BackingStore}.
 */
final class FileBackingStore implements BackingStore {
    private final Path image;
    private final RandomAccessFile file;
    private final FileLock lock;
    private final int blockSize;
    private final long blockCount;
    private final boolean readOnly;
    private volatile boolean closed;

    private FileBackingStore(Path image, RandomAccessFile file, FileLock lock, int blockSize, long blockCount,
                             boolean readOnly) {
        this.image = image;
        this.file = file;
        this.lock = lock;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.readOnly = readOnly;
    }

    /**
     * Opens an existing image file; the file is opened for reading only when {@code readOnly}.
     *
     * @param blockSize bytes per logical block, 512 or 4096
     * @throws IllegalArgumentException if the block size is not supported, or the image does not exist, is not
     *         a regular file, is empty, its size is not a multiple of the block size, or it is already open (attached)
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
        RandomAccessFile file = new RandomAccessFile(image.toFile(), readOnly ? "r" : "rw");
        try {
            FileLock lock;
            try {
                lock = file.getChannel().tryLock(0, Long.MAX_VALUE, readOnly);
            } catch (OverlappingFileLockException e) {
                throw new IllegalArgumentException("disk image " + image + " is already attached; an image backs one "
                        + "logical unit at a time");
            }
            if (lock == null) {
                throw new IllegalArgumentException("disk image " + image + " is locked by another program");
            }
            // The size of the open file, not of the path checked above.
            long size = file.length();
            if (size == 0) {
                throw new IllegalArgumentException("disk image " + image + " is empty");
            }
            if (size % blockSize != 0) {
                throw new IllegalArgumentException("disk image " + image + " is " + size
                        + " bytes, not a multiple of " + blockSize + "-byte blocks");
            }
            return new FileBackingStore(image, file, lock, blockSize, size / blockSize, readOnly);
        } catch (RuntimeException | IOException e) {
            file.close(); // releases the lock too
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
        synchronized (file) {
            ensureOpen();
            try {
                file.seek(lba * blockSize);
                file.readFully(dst, dstOffset, bytes);
            } catch (EOFException e) {
                throw new UncheckedIOException(image + " ended before block " + (lba + blocks) + " (truncated while open?)", e);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + blocks + " blocks at LBA " + lba + " of " + image, e);
            }
        }
    }

    @Override
    public void write(long lba, int blocks, byte[] src, int srcOffset) {
        int bytes = BackingStore.checkTransfer(this, lba, blocks, src, srcOffset);
        if (readOnly) {
            throw new IllegalStateException(image + " is open read-only");
        }
        synchronized (file) {
            ensureOpen();
            try {
                file.seek(lba * blockSize);
                file.write(src, srcOffset, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + blocks + " blocks at LBA " + lba + " of " + image, e);
            }
        }
    }

    /** Forces written data (not metadata) to the device: {@code FileDescriptor.sync()}. */
    @Override
    public void flush() throws IOException {
        synchronized (file) {
            ensureOpen();
            file.getFD().sync();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (file) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                lock.release();
            } finally {
                file.close();
            }
        }
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
