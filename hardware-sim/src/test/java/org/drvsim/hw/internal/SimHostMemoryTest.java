package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.drvsim.hw.HostMemory;
import org.junit.Test;

/** {@link SimHostMemory}: page-aligned blocks, and every access outside a live block refused with nothing copied. */
public class SimHostMemoryTest {
    private final SimHostMemory memory = new SimHostMemory();

    @Test
    public void anAllocationIsPageAlignedAboveFourGibZeroedAndCounted() {
        long a = memory.allocate(10);
        long b = memory.allocate(HostMemory.PAGE_BYTES + 1);

        assertThat(a % HostMemory.PAGE_BYTES).isZero();
        assertThat(b % HostMemory.PAGE_BYTES).isZero();
        assertThat(a).isGreaterThanOrEqualTo(1L << 32);
        assertThat(memory.allocatedBytes()).isEqualTo(10 + HostMemory.PAGE_BYTES + 1);
        byte[] read = new byte[10];
        Arrays.fill(read, (byte) 7);
        memory.read(a, read, 0, 10);
        assertThat(read).containsOnly(0);

        memory.free(a);
        assertThat(memory.allocatedBytes()).isEqualTo(HostMemory.PAGE_BYTES + 1);
        memory.free(b);
        assertThat(memory.allocatedBytes()).isZero();
    }

    @Test
    public void whatIsWrittenIsReadBackAtAnyOffsetInsideTheBlock() {
        long a = memory.allocate(100);
        memory.write(a + 90, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 10);
        byte[] dst = new byte[12];
        memory.read(a + 88, dst, 1, 12 - 1);
        assertThat(dst).containsExactly(0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    public void anAllocationOfNothingNegativeOrMoreThanSixtyFourMibIsRefusedAndNothingIsAllocated() {
        assertThatThrownBy(() -> memory.allocate(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 67108864");
        assertThatThrownBy(() -> memory.allocate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.allocate(HostMemory.MAX_ALLOCATION_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(memory.allocatedBytes()).isZero();

        long max = memory.allocate(HostMemory.MAX_ALLOCATION_BYTES);
        assertThat(memory.allocatedBytes()).isEqualTo(HostMemory.MAX_ALLOCATION_BYTES);
        memory.free(max);
    }

    @Test
    public void anAccessOutsideOneLiveBlockIsRefusedAndCopiesNothing() {
        long a = memory.allocate(HostMemory.PAGE_BYTES);
        long b = memory.allocate(HostMemory.PAGE_BYTES);
        assertThat(b - a).as("a guard page between blocks").isGreaterThan(HostMemory.PAGE_BYTES);
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 1);
        memory.write(a + HostMemory.PAGE_BYTES - 16, ones, 0, 16);

        byte[] dst = new byte[32];
        Arrays.fill(dst, (byte) 9);
        assertRefused(() -> memory.read(a + HostMemory.PAGE_BYTES - 16, dst, 0, 17)); // one byte past the end
        assertRefused(() -> memory.read(a - 1, dst, 0, 1)); // before the first block
        assertRefused(() -> memory.read(a + HostMemory.PAGE_BYTES, dst, 0, 1)); // the guard page
        assertRefused(() -> memory.read(0xF000_0000L, dst, 0, 4)); // below every block
        assertRefused(() -> memory.read(-4, dst, 0, 4));
        assertThat(dst).as("nothing was copied").containsOnly(9);

        assertRefused(() -> memory.write(a + HostMemory.PAGE_BYTES - 8, new byte[32], 0, 32));
        byte[] tail = new byte[16];
        memory.read(a + HostMemory.PAGE_BYTES - 16, tail, 0, 16);
        assertThat(tail).as("nothing was written").containsOnly(1);

        memory.free(a);
        assertRefused(() -> memory.read(a, dst, 0, 1)); // use after free
        assertRefused(() -> memory.write(a, dst, 0, 1));
        memory.read(b, dst, 0, 1); // the other block is still live
    }

    @Test
    public void anUnmappedBlockKeepsItsBytesButRefusesEveryAccessUntilMappedAgain() {
        long a = memory.allocate(8192, "PCI\\VEN_8086&DEV_100E\\0000");
        memory.write(a + 4096, new byte[] {7, 7}, 0, 2);
        memory.setMapped(a, false);

        byte[] dst = {9, 9};
        for (Runnable access : List.<Runnable>of(() -> memory.read(a + 4096, dst, 0, 2),
                () -> memory.write(a, new byte[] {1}, 0, 1))) {
            assertThatThrownBy(access::run).isInstanceOf(IllegalArgumentException.class)
                    .isInstanceOf(SimHostMemory.Refused.class).hasMessageContaining("lies in block " + SimHostMemory.hex(a)
                            + " (8192 bytes), not mapped for DMA");
        }
        assertThat(dst).as("nothing was copied").containsOnly(9);
        assertThat(memory.contains(a, 1)).isFalse();
        assertThat(memory.describe(a + 4097)).contains("not mapped for DMA").contains("8192 bytes");
        assertThat(memory.allocatedBytes()).as("still allocated").isEqualTo(8192);
        assertThat(memory.owner(a)).contains("PCI\\VEN_8086&DEV_100E\\0000");

        memory.setMapped(a, true);
        memory.read(a + 4096, dst, 0, 2);
        assertThat(dst).as("the bytes were kept").containsOnly(7);
        memory.write(a, new byte[] {1}, 0, 1);
        assertThat(memory.contains(a, 8192)).isTrue();

        memory.setMapped(a, false);
        assertThatThrownBy(() -> memory.read(a + 8000, new byte[400], 0, 400)).as("an overrun of an unmapped block")
                .hasMessageContaining("not mapped for DMA");
        memory.free(a); // an unmapped block is freed as any other
        assertThat(memory.allocatedBytes()).isZero();
        assertThatThrownBy(() -> memory.setMapped(a, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("freed already");
        long b = memory.allocate(8192);
        assertThatThrownBy(() -> memory.setMapped(b + 4096, false)).as("not where a block starts")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host memory block starts at");
        memory.read(b + 4096, dst, 0, 1); // nothing changed
    }

    @Test
    public void freeingAnAddressThatStartsNoLiveBlockIsRefused() {
        long a = memory.allocate(8192);
        assertThatThrownBy(() -> memory.free(a + 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host memory block starts at 0x");
        memory.free(a);
        assertThatThrownBy(() -> memory.free(a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("freed already");
        assertThat(memory.allocatedBytes()).isZero();
    }

    @Test
    public void anArrayRangeThatDoesNotFitIsAnIndexError() {
        long a = memory.allocate(64);
        assertThatThrownBy(() -> memory.read(a, new byte[4], 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.write(a, new byte[4], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> memory.write(a, new byte[4], 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    public void stoppingTheServiceReleasesEveryBlock() {
        long a = memory.allocate(64);
        memory.deactivate();
        assertThat(memory.allocatedBytes()).isZero();
        assertRefused(() -> memory.read(a, new byte[1], 0, 1));
    }

    private static void assertRefused(Runnable access) {
        assertThatThrownBy(access::run).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not inside one allocated block");
    }
}
