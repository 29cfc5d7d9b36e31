package org.drvsim.drivers.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;

/** The ramdisk's in-memory medium: chunked, lazily allocated, safe for concurrent transfers. */
public class MemoryBackingStoreTest {
    private static final long MIB = 1L << 20;

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    @Test
    public void aStoreOf64MiBIn512ByteBlocksHas131072Blocks() {
        MemoryBackingStore store = new MemoryBackingStore(64 * MIB, 512);

        assertThat(store.blockSize()).isEqualTo(512);
        assertThat(store.blockCount()).isEqualTo(131_072);
        assertThat(store.readOnly()).isFalse();
        assertThat(store.describe()).isEqualTo("memory 64 MiB");
    }

    @Test
    public void theBlockSizeMustBe512Or4096() {
        assertThatThrownBy(() -> new MemoryBackingStore(64 * MIB, 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1024").hasMessageContaining("512 or 4096");
    }

    @Test
    public void theSizeMustBeAPositiveMultipleOfTheBlockSize() {
        assertThatThrownBy(() -> new MemoryBackingStore(64 * MIB + 512, 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(64 * MIB + 512)).hasMessageContaining("4096");
        assertThatThrownBy(() -> new MemoryBackingStore(0, 512))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> new MemoryBackingStore(-512, 512))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void aFourGiBStoreAllocatesMemoryOnlyForTheChunksWritten() {
        MemoryBackingStore store = new MemoryBackingStore(4096 * MIB, 4096);
        byte[] data = pattern(4096, 1);

        store.write(store.blockCount() - 1, 1, data, 0);

        assertThat(store.describe()).isEqualTo("memory 4 GiB");
        assertThat(store.allocatedChunks()).isEqualTo(1);
        byte[] back = new byte[4096];
        store.read(store.blockCount() - 1, 1, back, 0);
        assertThat(back).isEqualTo(data);
    }

    @Test
    public void blocksNeverWrittenReadAsZeros() {
        MemoryBackingStore store = new MemoryBackingStore(64 * MIB, 512);
        byte[] buffer = filled(4096, 0xEE);

        store.read(1000, 8, buffer, 0);

        assertThat(buffer).isEqualTo(new byte[4096]);
        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aTransferAcrossAChunkBoundaryRoundTrips() {
        MemoryBackingStore store = new MemoryBackingStore(64 * MIB, 512);
        long lba = MemoryBackingStore.CHUNK_SIZE / 512 - 3; // 3 blocks before the first boundary
        byte[] data = pattern(8 * 512, 2);

        store.write(lba, 8, data, 0);

        assertThat(store.allocatedChunks()).isEqualTo(2);
        byte[] back = new byte[8 * 512];
        store.read(lba, 8, back, 0);
        assertThat(back).isEqualTo(data);
    }

    @Test
    public void transfersUseTheGivenBufferOffset() {
        MemoryBackingStore store = new MemoryBackingStore(MIB, 512);
        byte[] src = pattern(3 * 512, 3);

        store.write(10, 2, src, 512);

        byte[] dst = filled(4 * 512, 0xEE);
        store.read(10, 2, dst, 1024);
        assertThat(Arrays.copyOfRange(dst, 1024, 3 * 512 + 512))
                .isEqualTo(Arrays.copyOfRange(src, 512, 3 * 512));
        assertThat(Arrays.copyOf(dst, 1024)).isEqualTo(filled(1024, 0xEE));
    }

    @Test
    public void aSizeThatIsNotAWholeNumberOfChunksKeepsItsLastBlocks() {
        MemoryBackingStore store = new MemoryBackingStore(MIB + 512, 512);
        byte[] data = pattern(1024, 4);

        store.write(store.blockCount() - 2, 2, data, 0);

        byte[] back = new byte[1024];
        store.read(store.blockCount() - 2, 2, back, 0);
        assertThat(back).isEqualTo(data);
        assertThat(store.describe()).isEqualTo("memory 1049088 bytes");
    }

    @Test
    public void aTransferOutsideTheStoreOrTheBufferThrowsAndMovesNothing() {
        MemoryBackingStore store = new MemoryBackingStore(MIB, 512);

        assertThatThrownBy(() -> store.write(store.blockCount() - 1, 2, new byte[1024], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> store.read(-1, 1, new byte[512], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> store.write(0, 2, new byte[1024], 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(store.allocatedChunks()).isZero();
    }

    @Test
    public void aReadOnlyStoreRefusesWritesAndKeepsItsData() {
        MemoryBackingStore store = new MemoryBackingStore(MIB, 512);
        byte[] data = pattern(512, 5);
        store.write(7, 1, data, 0);

        store.setReadOnly(true);

        assertThat(store.readOnly()).isTrue();
        assertThatThrownBy(() -> store.write(7, 1, new byte[512], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        byte[] back = new byte[512];
        store.read(7, 1, back, 0);
        assertThat(back).isEqualTo(data);
    }

    @Test
    public void aClosedStoreRefusesTransfers() {
        MemoryBackingStore store = new MemoryBackingStore(MIB, 512);
        store.write(0, 1, pattern(512, 6), 0);

        store.close();

        assertThat(store.allocatedChunks()).isZero();
        assertThatThrownBy(() -> store.read(0, 1, new byte[512], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.write(0, 1, new byte[512], 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void aReaderNeverSeesAHalfWrittenBlockWhileWritersRewriteIt() throws Exception {
        MemoryBackingStore store = new MemoryBackingStore(MIB, 4096);
        int writers = 3;
        int readers = 3;
        int rounds = 2_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        try {
            List<Callable<Integer>> writerJobs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte[] block = filled(4096, w + 1);
                writerJobs.add(() -> {
                    for (int i = 0; i < rounds; i++) {
                        store.write(5, 1, block, 0);
                    }
                    return rounds;
                });
            }
            List<Future<Integer>> readerResults = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                readerResults.add(pool.submit(() -> {
                    byte[] back = new byte[4096];
                    int reads = 0;
                    // Read at least once after the writers finish, so every reader checks a block.
                    boolean more = true;
                    while (more) {
                        more = writing.get();
                        store.read(5, 1, back, 0);
                        reads++;
                        for (byte b : back) {
                            if (b != back[0]) {
                                throw new AssertionError("a block mixes bytes " + back[0] + " and " + b);
                            }
                        }
                    }
                    return reads;
                }));
            }
            for (Future<Integer> f : pool.invokeAll(writerJobs)) {
                assertThat(f.get()).isEqualTo(rounds);
            }
            writing.set(false);
            for (Future<Integer> f : readerResults) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            writing.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
