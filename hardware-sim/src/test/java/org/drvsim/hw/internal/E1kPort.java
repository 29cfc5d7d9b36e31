package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.drvsim.hw.E1kRegisters.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drvsim.hw.InterruptSink;
import org.drvsim.hw.MmioRegion;

/**
 * One Ethernet controller programmed as a driver programs it: rings and buffers allocated in host memory, base,
 * length, head and tail registers written, frames queued by filling transmit descriptors and writing TDT, received
 * frames read from the receive descriptors the device wrote back. Nothing sleeps: {@link #drain()} waits until the
 * device thread has run everything queued before.
 */
final class E1kPort implements InterruptSink {
    static final long WAIT_SECONDS = 5;
    final SimDeviceImpl device;
    final E1kController hw;
    final MmioRegion regs;
    private final SimHostMemory memory;
    private final List<Integer> vectors = new ArrayList<>();
    private CountDownLatch next = new CountDownLatch(1);
    long txRing;
    int txCount;
    int txTail;
    long rxRing;
    int rxCount;
    int rxBufferBytes = 2048;
    long[] rxBuffers;

    E1kPort(SimDeviceImpl device, SimHostMemory memory) throws Exception {
        this.device = device;
        this.hw = (E1kController) device.hardware();
        this.regs = device.mmio(BAR).orElseThrow();
        this.memory = memory;
        device.connectInterrupt(this);
    }

    // ---- interrupts

    @Override
    public synchronized void interrupt(int vector) {
        vectors.add(vector);
        next.countDown();
    }

    synchronized int interrupts() {
        return vectors.size();
    }

    synchronized CountDownLatch expectInterrupt() {
        next = new CountDownLatch(1);
        return next;
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("interrupt within " + WAIT_SECONDS + " s").isTrue();
    }

    /** Waits until the device thread has run everything queued so far. */
    void drain() throws Exception {
        hw.onDeviceThread(() -> { }).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- transmit

    /** Allocates a transmit ring of {@code count} descriptors and enables the transmitter. */
    void setUpTransmit(int count) {
        txRing = memory.allocate(count * DESCRIPTOR_BYTES);
        txCount = count;
        txTail = 0;
        writeRing(TDBAL, txRing, count);
        regs.write32(TDH, 0);
        regs.write32(TDT, 0);
        regs.write32(TCTL, TCTL_EN);
    }

    /**
     * Fills one descriptor per segment (EOP and RS on the last, IFCS on all) and hands them over with TDT.
     *
     * @return the ring index of the frame's first descriptor
     */
    int send(byte[]... segments) {
        int first = txTail;
        for (int i = 0; i < segments.length; i++) {
            long buffer = memory.allocate(Math.max(1, segments[i].length));
            memory.write(buffer, segments[i], 0, segments[i].length);
            int cmd = TDESC_CMD_IFCS | (i == segments.length - 1 ? TDESC_CMD_EOP | TDESC_CMD_RS : 0);
            writeTxDescriptor(txTail, buffer, segments[i].length, cmd);
            txTail = (txTail + 1) % txCount;
        }
        regs.write32(TDT, txTail);
        return first;
    }

    void writeTxDescriptor(int index, long buffer, int length, int cmd) {
        byte[] d = new byte[DESCRIPTOR_BYTES];
        putLe64(d, TDESC_BUFFER_ADDRESS, buffer);
        E1kFrames.putLe16(d, TDESC_LENGTH, length);
        d[TDESC_CMD] = (byte) cmd;
        memory.write(txRing + (long) index * DESCRIPTOR_BYTES, d, 0, d.length);
    }

    /** @return the STA byte the device wrote back into a transmit descriptor */
    int txStatus(int index) {
        byte[] sta = new byte[1];
        memory.read(txRing + (long) index * DESCRIPTOR_BYTES + TDESC_STA, sta, 0, 1);
        return sta[0] & 0xFF;
    }

    // ---- receive

    /**
     * Allocates a receive ring of {@code count} descriptors, each with a buffer of {@link #rxBufferBytes}, gives the
     * device the first {@code given} of them (RDT), and writes RCTL = EN | {@code rctl}.
     */
    void setUpReceive(int count, int given, int rctl) {
        rxRing = memory.allocate(count * DESCRIPTOR_BYTES);
        rxCount = count;
        rxBuffers = new long[count];
        for (int i = 0; i < count; i++) {
            rxBuffers[i] = memory.allocate(rxBufferBytes);
            byte[] d = new byte[DESCRIPTOR_BYTES];
            putLe64(d, RDESC_BUFFER_ADDRESS, rxBuffers[i]);
            memory.write(rxRing + (long) i * DESCRIPTOR_BYTES, d, 0, d.length);
        }
        writeRing(RDBAL, rxRing, count);
        regs.write32(RDH, 0);
        regs.write32(RDT, given);
        regs.write32(RCTL, RCTL_EN | rctl);
    }

    /** A receive descriptor as the device wrote it back, with its buffer's first {@code length} bytes. */
    record Received(int length, int status, int errors, byte[] data) {
    }

    Received received(int index) {
        byte[] d = new byte[DESCRIPTOR_BYTES];
        memory.read(rxRing + (long) index * DESCRIPTOR_BYTES, d, 0, d.length);
        int length = E1kFrames.le16(d, RDESC_LENGTH);
        byte[] data = new byte[length];
        if (length > 0) {
            memory.read(rxBuffers[index], data, 0, length);
        }
        return new Received(length, d[RDESC_STATUS] & 0xFF, d[RDESC_ERRORS] & 0xFF, data);
    }

    private void writeRing(int bal, long base, int count) {
        regs.write32(bal, (int) base);
        regs.write32(bal + 4, (int) (base >>> 32));
        regs.write32(bal + 8, count * DESCRIPTOR_BYTES);
    }

    static void putLe64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /** @return the port's MAC address as RAL/RAH entry 0 hold it */
    byte[] mac() {
        int low = regs.read32(RAL);
        int high = regs.read32(RAH);
        return new byte[] {(byte) low, (byte) (low >>> 8), (byte) (low >>> 16), (byte) (low >>> 24), (byte) high,
                (byte) (high >>> 8)};
    }

    /** An Ethernet frame: destination, source, EtherType 0x88B5 (local experimental), then a patterned payload. */
    static byte[] frame(byte[] destination, byte[] source, int length, int seed) {
        byte[] f = new byte[length];
        System.arraycopy(destination, 0, f, 0, 6);
        System.arraycopy(source, 0, f, 6, 6);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        for (int i = 14; i < length; i++) {
            f[i] = (byte) (seed + i);
        }
        return f;
    }
}
