package org.drvsim.drivers.ramdisk;

import java.util.Arrays;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link BackingStore} held in the Java heap: the ramdisk's RAM. The medium is cut into chunks of
 * {@link #CHUNK_SIZE} bytes (1 MiB; the last chunk may be shorter), each allocated on its first write, so a
 * multi-GiB disk costs only the chunk table (8 bytes per MiB) until it is written, and blocks never written
 * read as zeros. A block never straddles two chunks (1 MiB is a multiple of both block sizes), so a 4 KiB read
 * is one lock and one array copy.
 *
 * <p>Threads: any thread, concurrently. Chunks are guarded by a fixed set of read-write locks (chunk index
 * modulo {@value #STRIPES}); the part of a transfer that falls in one chunk is atomic with respect to every
 * other transfer, so a reader never sees a half-written block. A transfer spanning chunks is not atomic as a
 * whole, which SCSI does not promise either.
 *
 * <p>Failures: as {@link BackingStore}; memory is never returned before {@link #close()}, and writing more data
 * than the heap holds ends in {@link OutOfMemoryError}.
 */
final class MemoryBackingStore implements BackingStore {
    static final int CHUNK_SHIFT = 20;
    /** Bytes per chunk: 1 MiB. */
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int STRIPES = 64;

    private final long sizeBytes;
    private final int blockSize;
    private final byte[][] chunks;
    private final ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[STRIPES];
    private volatile boolean readOnly;
    private volatile boolean closed;

    /**
     * @param sizeBytes capacity in bytes, a positive multiple of {@code blockSize}
     * @param blockSize bytes per logical block, 512 or 4096
     * @throws IllegalArgumentException if the block size or the capacity is not acceptable
     */
    MemoryBackingStore(long sizeBytes, int blockSize) {
        this.blockSize = BackingStore.requireBlockSize(blockSize);
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new IllegalArgumentException("memory disk size " + sizeBytes
                    + " bytes is not a positive multiple of the " + blockSize + "-byte block size");
        }
        long chunkCount = (sizeBytes + CHUNK_SIZE - 1) >>> CHUNK_SHIFT;
        if (chunkCount > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("memory disk size " + sizeBytes + " bytes is too large");
        }
        this.sizeBytes = sizeBytes;
        this.chunks = new byte[(int) chunkCount][];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantReadWriteLock();
        }
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blockCount() {
        return sizeBytes / blockSize;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Models the medium's write-protect switch; takes effect for the next {@link #write}. A memory disk starts
     * writable.
     */
    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    @Override
    public void read(long lba, int blocks, byte[] dst, int dstOffset) {
        int remaining = BackingStore.checkTransfer(this, lba, blocks, dst, dstOffset);
        long pos = lba * blockSize;
        int off = dstOffset;
        while (remaining > 0) {
            int c = (int) (pos >>> CHUNK_SHIFT);
            int inChunk = (int) (pos & (CHUNK_SIZE - 1));
            int n = Math.min(remaining, CHUNK_SIZE - inChunk);
            Lock lock = locks[c % STRIPES].readLock();
            lock.lock();
            try {
                ensureOpen();
                byte[] chunk = chunks[c];
                if (chunk == null) {
                    Arrays.fill(dst, off, off + n, (byte) 0);
                } else {
                    System.arraycopy(chunk, inChunk, dst, off, n);
                }
            } finally {
                lock.unlock();
            }
            pos += n;
            off += n;
            remaining -= n;
        }
    }

    @Override
    public void write(long lba, int blocks, byte[] src, int srcOffset) {
        int remaining = BackingStore.checkTransfer(this, lba, blocks, src, srcOffset);
        if (readOnly) {
            throw new IllegalStateException(describe() + " is read-only");
        }
        long pos = lba * blockSize;
        int off = srcOffset;
        while (remaining > 0) {
            int c = (int) (pos >>> CHUNK_SHIFT);
            int inChunk = (int) (pos & (CHUNK_SIZE - 1));
            int n = Math.min(remaining, CHUNK_SIZE - inChunk);
            Lock lock = locks[c % STRIPES].writeLock();
            lock.lock();
            try {
                ensureOpen();
                byte[] chunk = chunks[c];
                if (chunk == null) {
                    // The last chunk holds only what is left of the medium.
                    chunk = new byte[(int) Math.min(CHUNK_SIZE, sizeBytes - ((long) c << CHUNK_SHIFT))];
                    chunks[c] = chunk;
                }
                System.arraycopy(src, off, chunk, inChunk, n);
            } finally {
                lock.unlock();
            }
            pos += n;
            off += n;
            remaining -= n;
        }
    }

    /** Nothing to do: memory has no cache in front of it. */
    @Override
    public void flush() {
        ensureOpen();
    }

    /** Drops every chunk; transfers that already hold a chunk's lock finish first. */
    @Override
    public void close() {
        closed = true;
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            Lock lock = locks[stripe].writeLock();
            lock.lock();
            try {
                for (int c = stripe; c < chunks.length; c += STRIPES) {
                    chunks[c] = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return {@code memory} and the capacity, e.g. {@code memory 64 MiB} */
    @Override
    public String describe() {
        return "memory " + BackingStore.formatSize(sizeBytes);
    }

    /** @return how many 1 MiB chunks have been allocated (written at least once); for tests and the shell */
    int allocatedChunks() {
        int n = 0;
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            Lock lock = locks[stripe].readLock();
            lock.lock();
            try {
                for (int c = stripe; c < chunks.length; c += STRIPES) {
                    if (chunks[c] != null) {
                        n++;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        return n;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }
}
