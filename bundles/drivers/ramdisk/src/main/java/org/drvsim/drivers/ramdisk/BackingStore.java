package org.drvsim.drivers.ramdisk;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;

/**
 * The medium behind one ramdisk logical unit: a fixed number of fixed-size logical blocks. This is the
 * "hardware" layer of the ramdisk sample (what a real miniport reaches through its registers or DMA); the
 * SCSI command set on top of it is {@link ScsiDisk}.
 *
 * <p>Units: a logical block address (LBA) and a block count are in logical blocks of {@link #blockSize()}
 * bytes; buffer offsets are in bytes.
 *
 * <p>Threads: {@link #read} and {@link #write} may be called concurrently from any number of threads (Storport
 * calls HwStartIo concurrently, spec/storport-lifecycle.md section 5), for the same or different blocks.
 * Implementations say how much of a transfer is atomic with respect to a concurrent one.
 *
 * <p>Failures: a range outside the medium or the buffer is a caller bug and throws
 * {@link IndexOutOfBoundsException}; a write to a read-only store throws {@link IllegalStateException} (the
 * caller is expected to check {@link #readOnly()} first and answer DATA PROTECT); an I/O failure of the medium
 * during {@code read} or {@code write} throws {@link java.io.UncheckedIOException}; any use after
 * {@link #close()} throws {@link IllegalStateException}.
 */
interface BackingStore extends Closeable {

    /** @return bytes per logical block: 512 or 4096 */
    int blockSize();

    /** @return the number of logical blocks; the last LBA is {@code blockCount() - 1} */
    long blockCount();

    /** @return true if {@link #write} is refused (the medium is write protected) */
    boolean readOnly();

    /**
     * Copies {@code blocks} logical blocks starting at {@code lba} into {@code dst[dstOffset ..]}.
     *
     * @throws IndexOutOfBoundsException if the blocks lie outside the medium or do not fit in {@code dst}
     */
    void read(long lba, int blocks, byte[] dst, int dstOffset);

    /**
     * Copies {@code blocks} logical blocks from {@code src[srcOffset ..]} to the medium starting at
     * {@code lba}. The data may sit in a volatile cache until {@link #flush()}.
     *
     * @throws IllegalStateException if the store is read-only (nothing is written)
     * @throws IndexOutOfBoundsException if the blocks lie outside the medium or do not fit in {@code src}
     */
    void write(long lba, int blocks, byte[] src, int srcOffset);

    /** Makes every completed {@link #write} durable (models the medium's cache flush). */
    void flush() throws IOException;

    /** Releases the medium; the store refuses any further use. Closing twice is harmless. */
    @Override
    void close() throws IOException;

    /** @return a short human-readable description for the shell and the trace, e.g. {@code memory 64 MiB} */
    String describe();

    /**
     * Checks a block size for a new store.
     *
     * @return {@code blockSize}
     * @throws IllegalArgumentException unless it is 512 or 4096 bytes
     */
    static int requireBlockSize(int blockSize) {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size " + blockSize + " bytes is not supported; use 512 or 4096");
        }
        return blockSize;
    }

    /**
     * Checks the arguments of {@link #read} or {@link #write} against a store's size and the buffer.
     *
     * @return the transfer length in bytes
     * @throws IndexOutOfBoundsException if the blocks lie outside the store or do not fit in {@code buffer}
     */
    static int checkTransfer(BackingStore store, long lba, int blocks, byte[] buffer, int offset) {
        if (lba < 0 || blocks < 0 || lba > store.blockCount() - blocks) {
            throw new IndexOutOfBoundsException("blocks " + lba + " + " + blocks + " lie outside the store's "
                    + store.blockCount() + " blocks");
        }
        long bytes = (long) blocks * store.blockSize();
        Objects.checkFromIndexSize(offset, bytes, buffer.length);
        return (int) bytes;
    }

    /** @return {@code bytes} as {@code 4 GiB}, {@code 64 MiB}, {@code 12 KiB} or {@code 1536 bytes}, exactly */
    static String formatSize(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
