package org.drvsim.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.drvsim.kernel.internal.E1kLoopbackPlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ethernet frames per second from one e1k controller's protocol, through the e1k miniport, its descriptor rings, DMA
 * and interrupts, across the cable, to the other controller's protocol ({@link E1kLoopbackPlatform}), beside a raw
 * baseline that moves the same frames through a plain ring between two threads. One operation is one frame; an
 * invocation sends {@value #BATCH} frames and keeps at most {@value #WINDOW} frames sent but not yet received, as a
 * protocol with a send window does. Both paths copy a frame once on the way in (the NBL's buffer; the ring slot) and
 * once on the way out (the protocol's copy of the indicated frame; the consumer's copy).
 *
 * <p>Run by hand: {@code java -jar benchmarks/target/benchmarks.jar E1kLoopback} (see benchmarks/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class E1kLoopbackBenchmark {
    /** Frames per invocation. */
    public static final int BATCH = 32;
    /**
     * Frames sent and not yet received at most after an invocation. A frame the protocol has counted may still hold its
     * receive buffer (the NBLs of one indication come back together, after the last one's copy), so up to
     * {@code 2 * (WINDOW + BATCH)} buffers can be in use: that stays below the 255 descriptors the e1k driver keeps
     * posted, and the receiver never runs out (it would drop frames, as the hardware does, and the run would fail).
     */
    public static final int WINDOW = 64;

    /** Bytes per frame, without the FCS: 64 (a minimum-size frame's 60 bytes plus 4) and 1514 (the largest). */
    @Param({"64", "1514"})
    public int frameSize;

    private List<byte[]> e1kFrames;
    private List<byte[]> rawFrames;

    /** The raw baseline: a bounded ring of {@value #WINDOW} + {@value #BATCH} slots and a consumer thread. */
    @State(Scope.Benchmark)
    public static class RawRing {
        final BlockingQueue<byte[]> ring = new ArrayBlockingQueue<>(WINDOW + BATCH);
        final Semaphore received = new Semaphore(0);
        private Thread consumer;
        volatile long checksum;
        /** Frames put and not yet counted as received. */
        private int outstanding;

        @Setup(Level.Trial)
        public void start() {
            consumer = new Thread(() -> {
                long sum = 0;
                try {
                    while (true) {
                        byte[] frame = ring.take();
                        byte[] copy = frame.clone(); // what the receiving protocol gets: its own copy
                        sum += copy[copy.length - 1];
                        checksum = sum;
                        received.release();
                    }
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            }, "raw-ring-consumer");
            consumer.setDaemon(true);
            consumer.start();
        }

        /** Puts {@code frames} (a copy of each) into the ring, then keeps at most {@value #WINDOW} unreceived. */
        void send(List<byte[]> frames) throws InterruptedException {
            for (byte[] frame : frames) {
                ring.put(frame.clone()); // what the sending protocol hands over: a buffer of its own
            }
            outstanding += frames.size();
            if (outstanding > WINDOW) {
                await(outstanding - WINDOW);
                outstanding = WINDOW;
            }
        }

        private void await(int frames) throws InterruptedException {
            if (!received.tryAcquire(frames, 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the raw ring's consumer stopped");
            }
        }

        /** Every frame of the iteration was taken. */
        @TearDown(Level.Iteration)
        public void drain() throws InterruptedException {
            await(outstanding);
            outstanding = 0;
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            consumer.interrupt();
            consumer.join(5000);
        }
    }

    /**
     * Frames from {@code source} to {@code destination} with the local experimental EtherType 0x88B5 and a seeded random
     * payload, each distinct.
     */
    public static List<byte[]> framesFor(int size, byte[] destination, byte[] source) {
        Random random = new Random(0xE1_C0FFEEL);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            byte[] f = new byte[size];
            random.nextBytes(f);
            System.arraycopy(destination, 0, f, 0, 6);
            System.arraycopy(source, 0, f, 6, 6);
            f[12] = (byte) 0x88;
            f[13] = (byte) 0xB5;
            frames.add(f);
        }
        return frames;
    }

    /** {@value #BATCH} frames through the protocol harness, the e1k driver, two controllers and the cable. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void e1kCableLoopback(E1kLoopbackPlatform platform) throws Exception {
        if (e1kFrames == null) {
            e1kFrames = framesFor(frameSize, platform.receiverAddress(), platform.senderAddress());
        }
        platform.send(e1kFrames, WINDOW);
    }

    /** The same {@value #BATCH} frames through a plain ring to another thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawRing(RawRing raw) throws InterruptedException {
        if (rawFrames == null) {
            rawFrames = framesFor(frameSize, new byte[] {2, 0, 0, 0, 0, 2}, new byte[] {2, 0, 0, 0, 0, 1});
        }
        raw.send(rawFrames);
    }
}
