package org.drvsim.drivers.ramdisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ramdisk's image-file medium: a raw image opened read-write or read-only. */
public class FileBackingStoreTest {
    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    private Path image(byte[] content) throws IOException {
        Path p = folder.newFile().toPath();
        Files.write(p, content);
        return p;
    }

    @Test
    public void anImageOpensWithOneBlockPerBlockSizeBytesOfTheFile() throws IOException {
        Path p = image(new byte[16 * 4096]);

        try (FileBackingStore store = FileBackingStore.open(p, 4096, false)) {
            assertThat(store.blockSize()).isEqualTo(4096);
            assertThat(store.blockCount()).isEqualTo(16);
            assertThat(store.readOnly()).isFalse();
            assertThat(store.describe()).isEqualTo(p.toString());
        }
    }

    @Test
    public void aMissingImageIsRejectedNamingTheFile() {
        Path p = folder.getRoot().toPath().resolve("missing.img");

        assertThatThrownBy(() -> FileBackingStore.open(p, 512, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("does not exist");
    }

    @Test
    public void aDirectoryIsNotAnImage() throws IOException {
        Path p = folder.newFolder("dir").toPath();

        assertThatThrownBy(() -> FileBackingStore.open(p, 512, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("is not a regular file");
    }

    @Test
    public void anEmptyImageIsRejected() throws IOException {
        Path p = image(new byte[0]);

        assertThatThrownBy(() -> FileBackingStore.open(p, 512, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("is empty");
    }

    @Test
    public void anImageWhoseSizeIsNotAMultipleOfTheBlockSizeIsRejected() throws IOException {
        Path p = image(new byte[4096 + 512]);

        assertThatThrownBy(() -> FileBackingStore.open(p, 4096, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContaining("is 4608 bytes, not a multiple of 4096-byte blocks");
    }

    @Test
    public void theBlockSizeMustBe512Or4096() throws IOException {
        Path p = image(new byte[4096]);

        assertThatThrownBy(() -> FileBackingStore.open(p, 2048, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
    }

    @Test
    public void readsReturnTheImageContent() throws IOException {
        byte[] content = pattern(8 * 512, 1);
        Path p = image(content);

        try (FileBackingStore store = FileBackingStore.open(p, 512, true)) {
            byte[] back = new byte[3 * 512 + 10];
            store.read(4, 3, back, 10);

            assertThat(Arrays.copyOfRange(back, 10, back.length)).isEqualTo(Arrays.copyOfRange(content, 2048, 3584));
        }
    }

    @Test
    public void writtenDataIsPersistedInTheImageAtBlockTimesBlockSize() throws IOException {
        Path p = image(new byte[8 * 512]);
        byte[] data = pattern(2 * 512, 2);

        try (FileBackingStore store = FileBackingStore.open(p, 512, false)) {
            store.write(5, 2, data, 0);
            store.flush();
        }

        byte[] file = Files.readAllBytes(p);
        assertThat(file).hasSize(8 * 512);
        assertThat(Arrays.copyOfRange(file, 5 * 512, 7 * 512)).isEqualTo(data);
        assertThat(Arrays.copyOf(file, 5 * 512)).isEqualTo(new byte[5 * 512]);
        try (FileBackingStore reopened = FileBackingStore.open(p, 512, true)) {
            byte[] back = new byte[2 * 512];
            reopened.read(5, 2, back, 0);
            assertThat(back).isEqualTo(data);
        }
    }

    @Test
    public void aReadOnlyImageRefusesWritesAndIsLeftUnchanged() throws IOException {
        byte[] content = pattern(4 * 4096, 3);
        Path p = image(content);

        try (FileBackingStore store = FileBackingStore.open(p, 4096, true)) {
            assertThat(store.readOnly()).isTrue();
            assertThatThrownBy(() -> store.write(0, 1, new byte[4096], 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        }

        assertThat(Files.readAllBytes(p)).isEqualTo(content);
    }

    @Test
    public void aTransferOutsideTheImageThrowsIndexOutOfBounds() throws IOException {
        Path p = image(new byte[4 * 512]);

        try (FileBackingStore store = FileBackingStore.open(p, 512, false)) {
            assertThatThrownBy(() -> store.read(3, 2, new byte[1024], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> store.write(4, 1, new byte[512], 0))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(Files.size(p)).isEqualTo(4 * 512);
    }

    @Test
    public void aClosedImageRefusesTransfers() throws IOException {
        FileBackingStore store = FileBackingStore.open(image(new byte[512]), 512, false);

        store.close();

        assertThatThrownBy(() -> store.read(0, 1, new byte[512], 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    public void aScsiDiskOnAReadOnlyImageAnswersWritesWithDataProtect() throws IOException {
        byte[] content = pattern(4 * 512, 4);
        Path p = image(content);

        try (FileBackingStore store = FileBackingStore.open(p, 512, true)) {
            ScsiDisk disk = new ScsiDisk(store, "DRVSIM", "RAMDISK", "IMG1", 0);
            byte[] cdb = {0x2A, 0, 0, 0, 0, 1, 0, 0, 1, 0};

            ScsiResult r = disk.execute(cdb, new byte[512], 512);

            assertThat(r.srbStatus()).isEqualTo(0x84);
            assertThat(r.sense()[2]).isEqualTo((byte) 0x07);
            assertThat(r.sense()[12]).isEqualTo((byte) 0x27);
        }
        assertThat(Files.readAllBytes(p)).isEqualTo(content);
    }

    @Test
    public void anInterruptedTransferFinishesAndTheImageStaysUsable() throws Exception {
        Path p = image(pattern(8 * 512, 7));
        try (FileBackingStore store = FileBackingStore.open(p, 512, false)) {
            byte[] block = new byte[512];
            Thread.currentThread().interrupt();
            try {
                store.read(1, 1, block, 0);
                store.write(2, 1, pattern(512, 9), 0);
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt status is kept").isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(block).isEqualTo(java.util.Arrays.copyOfRange(pattern(8 * 512, 7), 512, 1024));
            store.read(2, 1, block, 0);
            assertThat(block).isEqualTo(pattern(512, 9));
        }
    }

    @Test
    public void anImageIsOpenedOnceUntilItsStoreIsClosed() throws Exception {
        Path p = image(new byte[4 * 512]);
        FileBackingStore first = FileBackingStore.open(p, 512, false);
        assertThatThrownBy(() -> FileBackingStore.open(p, 512, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is already attached");
        assertThatThrownBy(() -> FileBackingStore.open(p, 512, true)).hasMessageContaining("is already attached");
        first.close();
        FileBackingStore.open(p, 512, true).close();
    }
}
