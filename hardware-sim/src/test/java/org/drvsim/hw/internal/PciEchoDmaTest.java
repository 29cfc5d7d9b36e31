package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.drvsim.hw.EchoDmaRegisters.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;
import org.drvsim.hw.SimDevice;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The PCI echo DMA device through its public surface (registers, interrupt, host memory), as a
 * driver would program it. Nothing sleeps: completions are awaited on the interrupt with a latch,
 * and "nothing happened" is checked after the device thread has run everything queued before.
 */
public class PciEchoDmaTest {
    private static final long WAIT_SECONDS = 5;
    private static final String ID0 = "PCI\\VEN_1414&DEV_EC40\\0000";
    private static final int SMALL_BUFFER = 64 << 10;

    private SimHostMemory memory;
    private SimHardwareBus bus;
    private SimDeviceImpl device;
    private MmioRegion regs;
    private final Recorder interrupts = new Recorder();
    private AutoCloseable connection;

    /** Records each call, on which thread, and releases whoever waits for the next one. */
    private static final class Recorder implements InterruptSink {
        final List<Integer> vectors = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        private CountDownLatch next = new CountDownLatch(1);

        @Override
        public synchronized void interrupt(int vector) {
            vectors.add(vector);
            threads.add(Thread.currentThread().getName());
            next.countDown();
        }

        /** @return a latch released by the next interrupt */
        synchronized CountDownLatch expectOne() {
            next = new CountDownLatch(1);
            return next;
        }

        synchronized int count() {
            return vectors.size();
        }
    }

    @Before
    public void plugTheEchoDevice() throws Exception {
        memory = new SimHostMemory();
        bus = new SimHardwareBus(memory);
        device = plug(ID0, Map.of(BUFFER_BYTES_PROPERTY, String.valueOf(SMALL_BUFFER)));
        regs = device.mmio(BAR).orElseThrow();
        connection = device.connectInterrupt(interrupts);
    }

    @After
    public void stop() throws Exception {
        connection.close();
        bus.deactivate();
    }

    private SimDeviceImpl plug(String id, Map<String, String> extra) {
        Map<String, String> p = new java.util.HashMap<>(extra);
        p.put(DeviceSpec.DEVICE_TYPE, DEVICE_TYPE);
        return (SimDeviceImpl) bus.plug(new DeviceSpec(id, List.of(HARDWARE_ID), "echo", p));
    }

    private PciEchoDma hardware() {
        return (PciEchoDma) ((SimDeviceImpl) device).hardware();
    }

    /** Waits until the device thread has run everything queued so far (transfers and interrupts). */
    private void drain() throws Exception {
        hardware().onDeviceThread(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Holds the device thread until the returned latch is released, so that a transfer stays BUSY. */
    private CountDownLatch holdTheDeviceThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        hardware().onDeviceThread(() -> {
            held.countDown();
            try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("interrupt within " + WAIT_SECONDS + " s").isTrue();
    }

    private void program(long hostAddress, int deviceOffset, int length) {
        regs.write32(HOST_ADDRESS_LOW, (int) hostAddress);
        regs.write32(HOST_ADDRESS_HIGH, (int) (hostAddress >>> 32));
        regs.write32(DEVICE_OFFSET, deviceOffset);
        regs.write32(LENGTH, length);
    }

    /** Runs one transfer with interrupts enabled, waits for its interrupt, clears and returns INTERRUPT_STATUS. */
    private int transfer(int command, long hostAddress, int deviceOffset, int length) throws Exception {
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(hostAddress, deviceOffset, length);
        CountDownLatch done = interrupts.expectOne();
        regs.write32(COMMAND, command);
        await(done);
        int status = regs.read32(INTERRUPT_STATUS);
        regs.write32(INTERRUPT_STATUS, status);
        return status;
    }

    private long hostBlock(byte[] contents) {
        long pa = memory.allocate(contents.length);
        memory.write(pa, contents, 0, contents.length);
        return pa;
    }

    private byte[] hostBytes(long pa, int len) {
        byte[] b = new byte[len];
        memory.read(pa, b, 0, len);
        return b;
    }

    private static byte[] pattern(int len, int value) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) value);
        return b;
    }

    // ---- registers

    @Test
    public void afterPlugTheRegistersHoldTheIdAndBufferSizeAndEverythingElseIsZero() {
        assertThat(regs.length()).isEqualTo(BAR_BYTES);
        assertThat(regs.read32(ID)).isEqualTo(0x1414EC40);
        assertThat(regs.read32(BUFFER_SIZE)).isEqualTo(SMALL_BUFFER);
        for (int offset : new int[] {CONTROL, STATUS, INTERRUPT_STATUS, HOST_ADDRESS_LOW, HOST_ADDRESS_HIGH,
                DEVICE_OFFSET, LENGTH, COMMAND, TRANSFERRED, 0x2C, 0xFFC}) {
            assertThat(regs.read32(offset)).as("offset 0x%X", offset).isZero();
        }
    }

    @Test
    public void theBufferIsSixteenMibUnlessConfigured() {
        MmioRegion other = plug("PCI\\VEN_1414&DEV_EC40\\0001", Map.of()).mmio(BAR).orElseThrow();
        assertThat(other.read32(BUFFER_SIZE)).isEqualTo(16 << 20).isEqualTo(DEFAULT_BUFFER_BYTES);
    }

    @Test
    public void readOnlyRegistersIgnoreWritesAndCommandReadsZero() {
        regs.write32(ID, 0);
        regs.write32(STATUS, -1);
        regs.write32(TRANSFERRED, 123);
        regs.write32(BUFFER_SIZE, 4);
        regs.write32(0x100, -1); // reserved
        assertThat(regs.read32(ID)).isEqualTo(ID_VALUE);
        assertThat(regs.read32(STATUS)).isZero();
        assertThat(regs.read32(TRANSFERRED)).isZero();
        assertThat(regs.read32(BUFFER_SIZE)).isEqualTo(SMALL_BUFFER);
        assertThat(regs.read32(0x100)).isZero();
    }

    @Test
    public void writableRegistersReadBackWhatWasWrittenAndControlKeepsOnlyItsBits() {
        regs.write32(HOST_ADDRESS_LOW, 0x89AB_CDEF);
        regs.write32(HOST_ADDRESS_HIGH, 0x1234_5678);
        regs.write32(DEVICE_OFFSET, 0x10);
        regs.write32(LENGTH, 0xFFFF_FFFF);
        regs.write32(CONTROL, 0x7FFF_FFFF);
        assertThat(regs.read32(HOST_ADDRESS_LOW)).isEqualTo(0x89AB_CDEF);
        assertThat(regs.read32(HOST_ADDRESS_HIGH)).isEqualTo(0x1234_5678);
        assertThat(regs.read32(DEVICE_OFFSET)).isEqualTo(0x10);
        assertThat(regs.read32(LENGTH)).isEqualTo(0xFFFF_FFFF);
        assertThat(regs.read32(CONTROL)).isEqualTo(CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
    }

    @Test
    public void anAccessThatIsNotFourAlignedInsideTheBarIsRefused() {
        for (long bad : new long[] {-4, 2, 0x1F, BAR_BYTES, BAR_BYTES - 2, 1L << 32}) {
            assertThatThrownBy(() -> regs.read32(bad)).as("read 0x%X", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not 4-aligned inside its 4096 bytes");
            assertThatThrownBy(() -> regs.write32(bad, 1)).as("write 0x%X", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(regs.read32(BAR_BYTES - 4)).isZero();
        assertThat(device.mmio(1)).isEmpty();
        assertThat(device.mmio(-1)).isEmpty();
        assertThat(device.mmio(BAR)).containsSame(regs);
    }

    @Test
    public void resetReturnsEveryRegisterToZeroAndSelfClears() throws Exception {
        regs.write32(CONTROL, CONTROL_INTERRUPT_ENABLE); // not enabled: the command below is refused
        program(0x1_2345_6000L, 8, 16);
        CountDownLatch error = interrupts.expectOne();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        await(error);
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_ERROR);

        regs.write32(CONTROL, CONTROL_RESET | CONTROL_ENABLE);

        for (int offset : new int[] {CONTROL, STATUS, INTERRUPT_STATUS, HOST_ADDRESS_LOW, HOST_ADDRESS_HIGH,
                DEVICE_OFFSET, LENGTH, TRANSFERRED}) {
            assertThat(regs.read32(offset)).as("offset 0x%X", offset).isZero();
        }
        assertThat(regs.read32(ID)).isEqualTo(ID_VALUE);
        assertThat(regs.read32(BUFFER_SIZE)).isEqualTo(SMALL_BUFFER);
    }

    @Test
    public void resetAbandonsATransferInFlightAndKeepsTheBuffer() throws Exception {
        long src = hostBlock(pattern(256, 0x11));
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 256)).isEqualTo(INTERRUPT_DMA_DONE);
        long dst = memory.allocate(256);
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(dst, 0, 256);
        CountDownLatch release = holdTheDeviceThread();
        regs.write32(COMMAND, COMMAND_DEVICE_TO_HOST);
        assertThat(regs.read32(STATUS)).isEqualTo(STATUS_BUSY);

        regs.write32(CONTROL, CONTROL_RESET);
        assertThat(regs.read32(STATUS)).isZero();
        release.countDown();
        drain();

        assertThat(regs.read32(INTERRUPT_STATUS)).isZero();
        assertThat(regs.read32(TRANSFERRED)).isZero();
        assertThat(hostBytes(dst, 256)).as("the abandoned transfer copied nothing").containsOnly(0);
        assertThat(interrupts.count()).isEqualTo(1); // the first transfer's only

        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 256)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 256)).as("reset keeps the device buffer").containsOnly(0x11);
    }

    // ---- DMA

    @Test
    public void oneMibOfRandomBytesMakesTheRoundTripHostToDeviceToHost() throws Exception {
        MmioRegion big = plug("PCI\\VEN_1414&DEV_EC40\\0001", Map.of()).mmio(BAR).orElseThrow();
        SimDeviceImpl bigDevice = (SimDeviceImpl) bus.device("PCI\\VEN_1414&DEV_EC40\\0001").orElseThrow();
        Recorder irq = new Recorder();
        try (AutoCloseable c = bigDevice.connectInterrupt(irq)) {
            int len = 1 << 20;
            byte[] data = new byte[len];
            new Random(42).nextBytes(data);
            long src = hostBlock(data);
            long dst = memory.allocate(len);
            int deviceOffset = 3 << 20;

            big.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
            big.write32(HOST_ADDRESS_LOW, (int) src);
            big.write32(HOST_ADDRESS_HIGH, (int) (src >>> 32));
            big.write32(DEVICE_OFFSET, deviceOffset);
            big.write32(LENGTH, len);
            CountDownLatch written = irq.expectOne();
            big.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
            await(written);
            assertThat(big.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE);
            assertThat(big.read32(TRANSFERRED)).isEqualTo(len);
            assertThat(big.read32(STATUS)).isZero();
            big.write32(INTERRUPT_STATUS, INTERRUPT_DMA_DONE);

            big.write32(HOST_ADDRESS_LOW, (int) dst);
            big.write32(HOST_ADDRESS_HIGH, (int) (dst >>> 32));
            CountDownLatch read = irq.expectOne();
            big.write32(COMMAND, COMMAND_DEVICE_TO_HOST);
            await(read);
            assertThat(big.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE);
            assertThat(big.read32(TRANSFERRED)).isEqualTo(len);

            assertThat(hostBytes(dst, len)).isEqualTo(data);
            assertThat(irq.vectors).containsExactly(0x51, 0x51);
            assertThat(irq.threads).allMatch(t -> t.equals("drvsim-hw PCI\\VEN_1414&DEV_EC40\\0001"));
        }
    }

    @Test
    public void aZeroLengthTransferMovesNothingAndCompletes() throws Exception {
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, 0, 0, 0)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(regs.read32(TRANSFERRED)).isZero();
    }

    @Test
    public void aTransferOutsideTheDeviceBufferEndsInDmaErrorAndCopiesNothing() throws Exception {
        long src = hostBlock(pattern(8192, 0x5A));
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, SMALL_BUFFER - 4096, 8192)).isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(regs.read32(TRANSFERRED)).isZero();
        // an offset so large that offset + length wraps 32 bits is outside too
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0xFFFF_F000, 8192)).isEqualTo(INTERRUPT_DMA_ERROR);

        long dst = hostBlock(pattern(8192, 0x77));
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, SMALL_BUFFER - 4096, 8192)).isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(hostBytes(dst, 8192)).as("host memory untouched").containsOnly(0x77);

        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, SMALL_BUFFER - 4096, 4096)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 4096)).as("the refused write left the device buffer as it was").containsOnly(0);
    }

    @Test
    public void aTransferOutsideHostMemoryEndsInDmaErrorAndCopiesNothing() throws Exception {
        long src = hostBlock(pattern(4096, 0x5A));
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 4097)).as("one byte past the block")
                .isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src & 0xFFFF_FFFFL, 0, 16)).as("the high half left out")
                .isEqualTo(INTERRUPT_DMA_ERROR);
        memory.free(src);
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 16)).as("a freed block").isEqualTo(INTERRUPT_DMA_ERROR);

        long small = hostBlock(pattern(16, 0x33));
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, small, 0, 32)).isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(hostBytes(small, 16)).containsOnly(0x33);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, small, 0, 16)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(small, 16)).as("the device buffer was never written").containsOnly(0);
    }

    @Test
    public void aCommandWhileBusyIsRefusedWithDmaErrorAndTheTransferInFlightCompletes() throws Exception {
        long src = hostBlock(pattern(512, 0x42));
        long other = hostBlock(pattern(512, 0x24));
        regs.write32(CONTROL, CONTROL_ENABLE);
        program(src, 0, 512);
        CountDownLatch release = holdTheDeviceThread();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        assertThat(regs.read32(STATUS)).isEqualTo(STATUS_BUSY);

        program(other, 0, 512);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        assertThat(regs.read32(INTERRUPT_STATUS)).as("refused at once").isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(regs.read32(STATUS)).isEqualTo(STATUS_BUSY);
        release.countDown();
        drain();

        assertThat(regs.read32(STATUS)).isZero();
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE | INTERRUPT_DMA_ERROR);
        assertThat(regs.read32(TRANSFERRED)).isEqualTo(512);
        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_DONE | INTERRUPT_DMA_ERROR);
        long dst = memory.allocate(512);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 512)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 512)).as("only the first command copied").containsOnly(0x42);
    }

    @Test
    public void aCommandWhileNotEnabledOrOfAnUnknownValueIsRefusedWithDmaError() throws Exception {
        long src = hostBlock(pattern(64, 0x42));
        regs.write32(CONTROL, CONTROL_INTERRUPT_ENABLE);
        program(src, 0, 64);
        CountDownLatch error = interrupts.expectOne();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        assertThat(regs.read32(STATUS)).as("never busy").isZero();
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_ERROR);
        await(error);
        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_ERROR);

        regs.write32(CONTROL, CONTROL_ENABLE);
        for (int bad : new int[] {0, 3, -1}) {
            regs.write32(COMMAND, bad);
            assertThat(regs.read32(INTERRUPT_STATUS)).as("command %d", bad).isEqualTo(INTERRUPT_DMA_ERROR);
            regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_ERROR);
        }
        long dst = memory.allocate(64);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 64)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 64)).as("nothing was copied to the device").containsOnly(0);
    }

    // ---- interrupt

    @Test
    public void theInterruptIsRaisedOnlyWhileInterruptEnableIsSet() throws Exception {
        long src = hostBlock(pattern(64, 1));
        regs.write32(CONTROL, CONTROL_ENABLE);
        program(src, 0, 64);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        drain();
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(interrupts.count()).isZero();

        // the cause is still pending: enabling the interrupt asserts the line at once (level-triggered)
        CountDownLatch pending = interrupts.expectOne();
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        await(pending);
        assertThat(interrupts.vectors).containsExactly(0x50);
        assertThat(interrupts.threads).containsExactly("drvsim-hw " + ID0);
    }

    @Test
    public void theLineStaysAssertedUntilSoftwareClearsEveryCauseAndEachAssertionCallsTheSinkOnce() throws Exception {
        long src = hostBlock(pattern(64, 1));
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(src, 0, 64);
        CountDownLatch first = interrupts.expectOne();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        await(first);

        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE); // completes while the line is still asserted
        regs.write32(COMMAND, 7); // and a refused command adds DMA_ERROR
        drain();
        assertThat(interrupts.count()).as("no new assertion while asserted").isEqualTo(1);
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE | INTERRUPT_DMA_ERROR);

        regs.write32(INTERRUPT_STATUS, 0); // writing 0 clears nothing
        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_ERROR); // write 1 to clear one cause
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE);
        drain();
        assertThat(interrupts.count()).as("still asserted by DMA_DONE").isEqualTo(1);

        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_DONE);
        assertThat(regs.read32(INTERRUPT_STATUS)).isZero();
        CountDownLatch second = interrupts.expectOne();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        await(second);
        assertThat(interrupts.count()).as("a new assertion after the line dropped").isEqualTo(2);
    }

    @Test
    public void aDisconnectedSinkHearsNothingAndClosingTwiceIsHarmless() throws Exception {
        connection.close();
        connection.close();
        Recorder other = new Recorder();
        try (AutoCloseable c = device.connectInterrupt(other)) {
            CountDownLatch done = other.expectOne();
            regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
            regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE); // zero length
            await(done);
        }
        drain();
        assertThat(interrupts.count()).isZero();
        assertThat(other.count()).isEqualTo(1);
    }

    @Test
    public void aSinkConnectedWhileTheLineIsAssertedIsCalledOnce() throws Exception {
        connection.close();
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        regs.write32(COMMAND, 9); // refused: DMA_ERROR asserts the line with nobody connected
        drain();
        Recorder late = new Recorder();
        CountDownLatch fired = late.expectOne();
        try (AutoCloseable c = device.connectInterrupt(late)) {
            await(fired);
            drain();
            assertThat(late.count()).isEqualTo(1);
        }
    }

    @Test
    public void aSinkThatThrowsDoesNotStopTheDevice() throws Exception {
        Logger log = Logger.getLogger(InterruptLine.class.getName());
        Level level = log.getLevel();
        log.setLevel(Level.OFF);
        try (AutoCloseable c = device.connectInterrupt(v -> {
            throw new IllegalStateException("a broken ISR");
        })) {
            assertThat(transfer(COMMAND_HOST_TO_DEVICE, 0, 0, 0)).isEqualTo(INTERRUPT_DMA_DONE);
            assertThat(transfer(COMMAND_HOST_TO_DEVICE, 0, 0, 0)).isEqualTo(INTERRUPT_DMA_DONE);
        } finally {
            log.setLevel(level);
        }
        assertThat(interrupts.count()).isEqualTo(2);
    }

    // ---- faults

    @Test
    public void theDeviceSupportsItsOwnFaultsAndTheRegisterFaults() {
        assertThat(device.faults().supported()).containsExactlyInAnyOrder(FAIL_DMA, DROP_INTERRUPTS,
                INTERRUPT_STORM, HANG_DEVICE, DELAY_COMPLETION, DeviceFaults.FAIL_REGISTER_READ,
                DeviceFaults.FAIL_REGISTER_WRITE, DeviceFaults.VANISH);
    }

    @Test
    public void failRegisterReadArmedReadsAllOnesAndDisarmedReadsTheRegister() {
        device.faults().arm(DeviceFaults.FAIL_REGISTER_READ);
        assertThat(regs.read32(ID)).isEqualTo(0xFFFF_FFFF);
        assertThat(regs.read32(BUFFER_SIZE)).isEqualTo(0xFFFF_FFFF);
        device.faults().disarm(DeviceFaults.FAIL_REGISTER_READ);
        assertThat(regs.read32(ID)).isEqualTo(ID_VALUE);
        assertThat(regs.read32(BUFFER_SIZE)).isEqualTo(SMALL_BUFFER);
    }

    @Test
    public void failRegisterWriteArmedLosesTheWriteAndDisarmedWritesIt() {
        device.faults().arm(FaultRule.nth(DeviceFaults.FAIL_REGISTER_WRITE, 1));
        regs.write32(LENGTH, 77);
        assertThat(regs.read32(LENGTH)).isZero();
        regs.write32(LENGTH, 78); // the 2nd check: the nth rule does not fire
        assertThat(regs.read32(LENGTH)).isEqualTo(78);
        device.faults().disarm(DeviceFaults.FAIL_REGISTER_WRITE);
        regs.write32(LENGTH, 79);
        assertThat(regs.read32(LENGTH)).isEqualTo(79);
    }

    @Test
    public void vanishArmedSurpriseRemovesTheDeviceAtTheNextRegisterAccessAndDisarmedLeavesItPresent()
            throws Exception {
        List<String> removals = new ArrayList<>();
        bus.addListener(new org.drvsim.hw.HardwareListener() {
            @Override public void deviceArrived(SimDevice d) { }
            @Override public void deviceRemoved(SimDevice d, boolean surprise) {
                removals.add(d.instanceId() + (surprise ? " surprise" : " orderly"));
            }
        });
        device.faults().arm(FaultRule.nth(DeviceFaults.VANISH, 2));
        assertThat(regs.read32(ID)).isEqualTo(ID_VALUE);
        assertThat(device.present()).isTrue();
        device.faults().disarm(DeviceFaults.VANISH);
        assertThat(regs.read32(ID)).as("disarmed").isEqualTo(ID_VALUE);
        assertThat(device.present()).isTrue();

        device.faults().arm(DeviceFaults.VANISH);
        assertThat(regs.read32(ID)).as("the access that vanished it reads a pulled device").isEqualTo(0xFFFF_FFFF);
        assertThat(device.present()).isFalse();
        assertThat(bus.device(ID0)).isEmpty();
        assertThat(removals).containsExactly(ID0 + " surprise");
        assertThat(regs.read32(ID)).isEqualTo(0xFFFF_FFFF);
    }

    @Test
    public void hangDeviceArmedLeavesTheTransferBusyWithoutInterruptUntilResetAndDisarmedCompletes()
            throws Exception {
        long src = hostBlock(pattern(128, 0x6B));
        device.faults().arm(HANG_DEVICE);
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(src, 0, 128);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        drain();
        assertThat(regs.read32(STATUS)).isEqualTo(STATUS_BUSY);
        assertThat(regs.read32(INTERRUPT_STATUS)).isZero();
        assertThat(interrupts.count()).isZero();

        device.faults().disarm(HANG_DEVICE);
        regs.write32(CONTROL, CONTROL_RESET);
        assertThat(regs.read32(STATUS)).isZero();
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
    }

    @Test
    public void delayCompletionArmedHoldsTheCompletionBackAndDisarmedCompletesAtOnce() throws Exception {
        long src = hostBlock(pattern(128, 0x6B));
        device.faults().arm(FaultRule.always(DELAY_COMPLETION).delayMicros(50_000));
        long start = System.nanoTime();
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(System.nanoTime() - start).as("at least the 50 ms delay").isGreaterThanOrEqualTo(50_000_000L);
        assertThat(device.faults().rules()).singleElement()
                .satisfies(r -> assertThat(r.firings()).isEqualTo(1));

        device.faults().disarm(DELAY_COMPLETION);
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
    }

    @Test
    public void interruptStormArmedRaisesSpuriousInterruptsAfterTheRealOneAndDisarmedRaisesOne() throws Exception {
        long src = hostBlock(pattern(128, 0x6B));
        device.faults().arm(FaultRule.always(INTERRUPT_STORM).times(1));
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        drain();
        assertThat(interrupts.count()).isEqualTo(1 + STORM_INTERRUPTS);
        assertThat(device.faults().armed()).as("--times 1 disarmed it").isEmpty();

        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        drain();
        assertThat(interrupts.count()).isEqualTo(2 + STORM_INTERRUPTS);
    }

    @Test
    public void eachFiringIsToldToTheFaultListenersWithItsCount() throws Exception {
        List<String> fired = new ArrayList<>();
        bus.addFaultListener((d, fault, n) -> fired.add(d.instanceId() + " " + fault + " " + n));
        device.faults().arm(FaultRule.every(DeviceFaults.FAIL_REGISTER_READ, 2));
        for (int i = 0; i < 5; i++) {
            regs.read32(ID);
        }
        assertThat(fired).containsExactly(ID0 + " failRegisterRead 1", ID0 + " failRegisterRead 2");
    }

    @Test
    public void failDmaArmedEndsTransfersInDmaErrorWithNothingCopiedAndDisarmedTheySucceed() throws Exception {
        long src = hostBlock(pattern(128, 0x6B));
        long dst = memory.allocate(128);
        device.faults().arm(FAIL_DMA);
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(regs.read32(TRANSFERRED)).isZero();
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).as("the next transfers, not one")
                .isEqualTo(INTERRUPT_DMA_ERROR);

        device.faults().disarm(FAIL_DMA);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 128)).as("the failed transfers copied nothing").containsOnly(0);
        assertThat(transfer(COMMAND_HOST_TO_DEVICE, src, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(hostBytes(dst, 128)).containsOnly(0x6B);
    }

    @Test
    public void dropInterruptsArmedCompletesTheTransferWithoutAnInterruptAndDisarmedRaisesIt() throws Exception {
        long src = hostBlock(pattern(128, 0x6B));
        long dst = memory.allocate(128);
        device.faults().arm(DROP_INTERRUPTS);
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(src, 0, 128);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        drain();
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(regs.read32(TRANSFERRED)).isEqualTo(128);
        assertThat(interrupts.count()).isZero();
        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_DONE);

        device.faults().disarm(DROP_INTERRUPTS);
        assertThat(transfer(COMMAND_DEVICE_TO_HOST, dst, 0, 128)).isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(interrupts.count()).isEqualTo(1);
        assertThat(hostBytes(dst, 128)).containsOnly(0x6B);
    }

    // ---- presence

    @Test
    public void aSurpriseRemovedDeviceReadsAllOnesIgnoresWritesAndRaisesNothing() throws Exception {
        regs.write32(CONTROL, CONTROL_ENABLE);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        drain();
        assertThat(regs.read32(INTERRUPT_STATUS)).as("a cause pending, interrupt disabled").isEqualTo(INTERRUPT_DMA_DONE);

        bus.surpriseRemove(ID0);

        assertThat(device.present()).isFalse();
        for (int offset = 0; offset < BAR_BYTES; offset += 4) {
            assertThat(regs.read32(offset)).isEqualTo(0xFFFF_FFFF);
        }
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE); // would assert the line
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        Recorder late = new Recorder();
        device.connectInterrupt(late).close();
        assertThat(hardware().awaitStopped(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
        assertThat(interrupts.count()).isZero();
        assertThat(late.count()).isZero();
        assertThat(regs.read32(ID)).isEqualTo(0xFFFF_FFFF);
        assertThat(device.resources()).as("resources outlive presence").hasSize(2);
    }

    @Test
    public void aSurpriseRemovalAbandonsTheTransferInFlight() throws Exception {
        long dst = hostBlock(pattern(256, 0x55));
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(dst, 0, 256);
        CountDownLatch release = holdTheDeviceThread();
        regs.write32(COMMAND, COMMAND_DEVICE_TO_HOST);

        bus.surpriseRemove(ID0);
        release.countDown();

        assertThat(hardware().awaitStopped(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
        assertThat(hostBytes(dst, 256)).as("nothing copied").containsOnly(0x55);
        assertThat(interrupts.count()).isZero();
    }

    @Test
    public void anUnpluggedDeviceFinishesAndSignalsTheTransferItAcceptedAnswersItsRegistersAndRefusesCommands()
            throws Exception {
        long src = hostBlock(pattern(64, 1));
        regs.write32(CONTROL, CONTROL_ENABLE | CONTROL_INTERRUPT_ENABLE);
        program(src, 0, 64);
        CountDownLatch release = holdTheDeviceThread();
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);

        bus.unplug(ID0);
        release.countDown();
        assertThat(hardware().awaitStopped(Duration.ofSeconds(WAIT_SECONDS))).isTrue();

        assertThat(device.present()).isFalse();
        assertThat(regs.read32(ID)).isEqualTo(ID_VALUE);
        assertThat(regs.read32(INTERRUPT_STATUS)).as("the accepted transfer finished").isEqualTo(INTERRUPT_DMA_DONE);
        assertThat(regs.read32(TRANSFERRED)).isEqualTo(64);
        regs.write32(INTERRUPT_STATUS, INTERRUPT_DMA_DONE);
        regs.write32(COMMAND, COMMAND_HOST_TO_DEVICE);
        assertThat(regs.read32(INTERRUPT_STATUS)).isEqualTo(INTERRUPT_DMA_ERROR);
        assertThat(regs.read32(STATUS)).isZero();
        assertThat(interrupts.count()).as("the accepted transfer's interrupt, which a driver's teardown may wait for,"
                + " and the refused command's DMA_ERROR (on the caller's thread, the device thread has stopped)")
                .isEqualTo(2);
    }
}
