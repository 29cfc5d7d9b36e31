package org.drvsim.hw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.drvsim.hw.E1kRegisters.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.drvsim.hw.DeviceSpec;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.HwResource.InterruptResource;
import org.drvsim.hw.HwResource.MemoryResource;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The Ethernet controller through its registers, rings and interrupt, programmed as a driver would, two ports cabled
 * together. Nothing sleeps: each step drains the device threads it involves, and interrupts are awaited on a latch.
 */
public class E1kControllerTest {
    private static final String ID0 = "PCI\\VEN_8086&DEV_100E\\0000";
    private static final String ID1 = "PCI\\VEN_8086&DEV_100E\\0001";
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private SimHostMemory memory;
    private SimHardwareBus bus;
    private SimEthernetWires wires;
    private final List<String> errors = new ArrayList<>();
    private E1kPort a;
    private E1kPort b;

    @Before
    public void plugTwoCabledPorts() throws Exception {
        memory = new SimHostMemory();
        bus = new SimHardwareBus(memory);
        wires = new SimEthernetWires(bus);
        bus.addDeviceErrorListener((device, error, detail) -> {
            synchronized (errors) {
                errors.add(device.instanceId() + " " + error + ": " + detail);
            }
        });
        a = new E1kPort(plug(ID0, Map.of()), memory);
        b = new E1kPort(plug(ID1, Map.of()), memory);
        wires.cable(ID0, ID1);
    }

    @After
    public void stop() {
        bus.deactivate();
    }

    private SimDeviceImpl plug(String id, Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(extra);
        p.put(DeviceSpec.DEVICE_TYPE, DEVICE_TYPE);
        return (SimDeviceImpl) bus.plug(new DeviceSpec(id, List.of(HARDWARE_ID), "e1k", p));
    }

    private List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** A sends, then both device threads have run what the send queued. */
    private void flush() throws Exception {
        a.drain();
        b.drain();
        b.drain(); // an interrupt B's receive queued
    }

    // ---- identity and registers after plug

    @Test
    public void aControllerDecodesA64KibBarAndALineInterruptOrAMessageWithTheMsiProperty() {
        assertThat(a.device.resources()).containsExactly(new MemoryResource(0, 0xF000_0000L, 0x1_0000),
                new InterruptResource(0x50, false));
        SimDeviceImpl msi = plug("PCI\\VEN_8086&DEV_100E\\0002", Map.of(MSI_PROPERTY, "true"));
        assertThat(msi.resources().get(1)).isEqualTo(new InterruptResource(0x52, true));
        assertThatThrownBy(() -> plug("PCI\\VEN_8086&DEV_100E\\0003", Map.of(MSI_PROPERTY, "yes")))
                .hasMessageContaining("e1k.msi='yes' is not true or false");
        assertThat(a.device.faults().supported()).containsExactlyInAnyOrder("failDma", "dropInterrupts",
                "interruptStorm", "hangDevice", "delayCompletion", "failRegisterRead", "failRegisterWrite", "vanish");
    }

    @Test
    public void afterPlugTheLinkIsUpAtAGigabitAndEntryZeroOfTheReceiveAddressesHoldsTheMacAddress() {
        assertThat(a.regs.read32(STATUS)).isEqualTo(STATUS_FD | STATUS_LU | STATUS_SPEED_1000);
        assertThat(a.regs.read32(RAH) & RAH_AV).isEqualTo(RAH_AV);
        assertThat(E1kFrames.format(a.mac())).isEqualTo(wires.port(ID0).macAddress()).startsWith("02-E1-");
        assertThat(a.mac()).isNotEqualTo(b.mac());
        for (int offset : new int[] {CTRL + 4, ICR, IMS, RCTL, TCTL, RDLEN, TDT, MTA, RAL + 8, GPRC, 0x6000, 0xFFFC}) {
            assertThat(a.regs.read32(offset)).as("offset 0x%X", offset).isZero();
        }
    }

    @Test
    public void theMacAddressPropertyIsLoadedAndAMalformedOrMulticastOneIsRefused() {
        SimDeviceImpl d = plug("PCI\\VEN_8086&DEV_100E\\0002", Map.of(MAC_ADDRESS_PROPERTY, "02:11:22:33:44:55"));
        assertThat(d.mmio(BAR).orElseThrow().read32(RAL)).isEqualTo(0x3322_1102);
        assertThat(d.mmio(BAR).orElseThrow().read32(RAH)).isEqualTo(RAH_AV | 0x5544);
        assertThatThrownBy(() -> plug("PCI\\VEN_8086&DEV_100E\\0003", Map.of(MAC_ADDRESS_PROPERTY, "02-11-22")))
                .hasMessageContaining("is not a MAC address");
        assertThatThrownBy(() -> plug("PCI\\VEN_8086&DEV_100E\\0003", Map.of(MAC_ADDRESS_PROPERTY, "01-00-5E-00-00-01")))
                .hasMessageContaining("is a multicast address");
        assertThat(bus.device("PCI\\VEN_8086&DEV_100E\\0003")).isEmpty();
    }

    @Test
    public void theEepromHoldsTheMacAddressInWordsZeroToTwoAndAChecksumOfBaba() {
        byte[] mac = a.mac();
        int sum = 0;
        for (int word = 0; word < 64; word++) {
            a.regs.write32(EERD, word << 8 | EERD_START);
            int eerd = a.regs.read32(EERD);
            assertThat(eerd & EERD_DONE).isEqualTo(EERD_DONE);
            int value = eerd >>> 16;
            if (word < 3) {
                assertThat(value).isEqualTo((mac[2 * word] & 0xFF) | (mac[2 * word + 1] & 0xFF) << 8);
            }
            sum += value;
        }
        assertThat(sum & 0xFFFF).isEqualTo(0xBABA);
    }

    @Test
    public void resetSelfClearsAndReturnsEveryRegisterToItsPowerOnValue() {
        byte[] mac = a.mac();
        a.regs.write32(IMS, ICR_ALL);
        a.regs.write32(RCTL, RCTL_EN | RCTL_UPE);
        a.regs.write32(RAL, 0x1234);
        a.regs.write32(MTA + 4, -1);
        a.regs.write32(ITR, 100);
        a.regs.write32(CTRL, CTRL_RST | CTRL_SLU);
        assertThat(a.regs.read32(CTRL)).isEqualTo(CTRL_FD);
        for (int offset : new int[] {IMS, RCTL, MTA + 4, ITR, TCTL}) {
            assertThat(a.regs.read32(offset)).as("offset 0x%X", offset).isZero();
        }
        assertThat(a.mac()).isEqualTo(mac);
    }

    // ---- transmit and receive across the cable

    @Test
    public void aFrameTransmittedByOnePortArrivesByteForByteAtTheOtherWithItsFcsAndDescriptorsWrittenBack()
            throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, 0); // the FCS stays in the buffer (no SECRC), as on the 8254x by default
        byte[] frame = E1kPort.frame(b.mac(), a.mac(), 200, 1);
        a.regs.write32(IMS, ICR_TXDW);
        b.regs.write32(IMS, ICR_RXT0);
        CountDownLatch txDone = a.expectInterrupt();
        CountDownLatch rxDone = b.expectInterrupt();

        int first = a.send(Arrays.copyOf(frame, 50), Arrays.copyOfRange(frame, 50, 200)); // two descriptors
        E1kPort.await(txDone);
        E1kPort.await(rxDone);

        assertThat(a.txStatus(first)).as("no RS on the first descriptor: nothing written back").isZero();
        assertThat(a.txStatus(first + 1)).isEqualTo(TDESC_STA_DD);
        assertThat(a.regs.read32(TDH)).isEqualTo(2);
        assertThat(a.regs.read32(ICR)).isEqualTo(ICR_TXDW | ICR_TXQE);
        E1kPort.Received r = b.received(0);
        assertThat(r.status()).isEqualTo(RDESC_STA_DD | RDESC_STA_EOP);
        assertThat(r.errors()).isZero();
        assertThat(r.length()).isEqualTo(204);
        assertThat(Arrays.copyOf(r.data(), 200)).isEqualTo(frame);
        assertThat(r.data()).isEqualTo(E1kFrames.withFcs(frame));
        assertThat(b.regs.read32(RDH)).isEqualTo(1);
        assertThat(b.regs.read32(ICR)).isEqualTo(ICR_RXT0);
        assertThat(a.regs.read32(GPTC)).isEqualTo(1);
        assertThat(a.regs.read32(GOTCL)).isEqualTo(204);
        assertThat(a.regs.read32(GOTCH)).isZero();
        assertThat(a.regs.read32(GOTCL)).as("reading the high half cleared the counter").isZero();
        assertThat(b.regs.read32(GPRC)).isEqualTo(1);
        assertThat(b.regs.read32(GPRC)).as("statistics clear when read").isZero();
        assertThat(b.regs.read32(TPR)).isEqualTo(1);
    }

    @Test
    public void withSecrcTheFcsIsStrippedAndAFrameLongerThanOneBufferSpansDescriptorsWithEopOnTheLast()
            throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC | 1 << 16); // BSIZE 01: 1024-byte buffers
        byte[] frame = E1kPort.frame(b.mac(), a.mac(), 1514, 2);
        a.send(frame);
        flush();
        E1kPort.Received first = b.received(0);
        E1kPort.Received second = b.received(1);
        assertThat(first.status()).isEqualTo(RDESC_STA_DD);
        assertThat(first.length()).isEqualTo(1024);
        assertThat(second.status()).isEqualTo(RDESC_STA_DD | RDESC_STA_EOP);
        assertThat(second.length()).isEqualTo(490);
        byte[] joined = Arrays.copyOf(first.data(), 1514);
        System.arraycopy(second.data(), 0, joined, 1024, 490);
        assertThat(joined).isEqualTo(frame);
        assertThat(b.regs.read32(RDH)).isEqualTo(2);
    }

    @Test
    public void aDescriptorWithoutRsIsNotWrittenBackAndShortFramesArePaddedOnlyWithPsp() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        byte[] arp = E1kPort.frame(BROADCAST, a.mac(), 42, 3);
        b.regs.write32(RCTL, b.regs.read32(RCTL) | RCTL_BAM);
        a.send(arp);
        flush();
        assertThat(b.received(0).data()).isEqualTo(arp);
        a.regs.write32(TCTL, TCTL_EN | TCTL_PSP);
        a.send(arp);
        flush();
        assertThat(b.received(1).data()).isEqualTo(Arrays.copyOf(arp, 60));
        assertThat(b.regs.read32(BPRC)).isEqualTo(2);
        assertThat(a.regs.read32(BPTC)).isEqualTo(2);
    }

    @Test
    public void theTransmitterWaitsForTheEopDescriptorBeforeSendingAFrame() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        byte[] frame = E1kPort.frame(b.mac(), a.mac(), 100, 4);
        long first = memory.allocate(60);
        memory.write(first, frame, 0, 60);
        a.writeTxDescriptor(0, first, 60, TDESC_CMD_RS);
        a.regs.write32(TDT, 1);
        flush();
        assertThat(a.regs.read32(TDH)).isZero();
        assertThat(b.regs.read32(RDH)).isZero();

        long rest = memory.allocate(40);
        memory.write(rest, frame, 60, 40);
        a.writeTxDescriptor(1, rest, 40, TDESC_CMD_EOP | TDESC_CMD_RS);
        a.regs.write32(TDT, 2);
        flush();
        assertThat(a.regs.read32(TDH)).isEqualTo(2);
        assertThat(b.received(0).data()).isEqualTo(frame);
    }

    @Test
    public void insertChecksumStoresTheOnesComplementSumFromCssAtCso() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        byte[] frame = E1kPort.frame(b.mac(), a.mac(), 64, 5);
        frame[20] = 0;
        frame[21] = 0;
        long buffer = memory.allocate(64);
        memory.write(buffer, frame, 0, 64);
        a.writeTxDescriptor(0, buffer, 64, TDESC_CMD_EOP | TDESC_CMD_RS | TDESC_CMD_IC);
        byte[] offsets = {20, 0, 14}; // CSO, STA, CSS
        memory.write(a.txRing + TDESC_CSO, offsets, 0, 1);
        memory.write(a.txRing + TDESC_CSS, offsets, 2, 1);
        a.regs.write32(TDT, 1);
        flush();
        byte[] got = b.received(0).data();
        long sum = 0;
        for (int i = 14; i < 64; i += 2) {
            sum += (got[i] & 0xFF) << 8 | (got[i + 1] & 0xFF);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        assertThat(sum).as("the sum over the data with its checksum is all ones").isEqualTo(0xFFFF);
        assertThat(Arrays.copyOfRange(got, 22, 64)).isEqualTo(Arrays.copyOfRange(frame, 22, 64));
    }

    // ---- the receive filter and the size limit

    @Test
    public void theReceiveFilterPassesItsOwnAddressAndWhatUpeMpeBamAndTheMulticastTableAllow() throws Exception {
        a.setUpTransmit(64);
        b.setUpReceive(64, 63, RCTL_SECRC);
        byte[] other = {0x02, 0x33, 0x33, 0x33, 0x33, 0x33};
        byte[] multicast = {0x01, 0x00, 0x5E, 0x00, 0x00, (byte) 0xFB};
        a.send(E1kPort.frame(other, a.mac(), 64, 0));
        a.send(E1kPort.frame(multicast, a.mac(), 64, 0));
        a.send(E1kPort.frame(BROADCAST, a.mac(), 64, 0));
        a.send(E1kPort.frame(b.mac(), a.mac(), 64, 0));
        flush();
        assertThat(b.regs.read32(RDH)).as("only its own address").isEqualTo(1);
        assertThat(b.regs.read32(TPR)).isEqualTo(4);

        // 01-00-5E-00-00-FB with MO 00: hash 0xFB0 (bits 47:36), register 0x7D, bit 0x10, as e1000_hash_mc_addr
        b.regs.write32(MTA + 4 * 0x7D, 1 << 0x10);
        b.regs.write32(RCTL, RCTL_EN | RCTL_SECRC | RCTL_BAM);
        a.send(E1kPort.frame(other, a.mac(), 64, 0));
        a.send(E1kPort.frame(multicast, a.mac(), 64, 0));
        a.send(E1kPort.frame(BROADCAST, a.mac(), 64, 0));
        flush();
        assertThat(b.regs.read32(RDH)).as("the multicast in the table and the broadcast").isEqualTo(3);
        assertThat(b.regs.read32(MPRC)).isEqualTo(1);

        b.regs.write32(MTA + 4 * 0x7D, 0);
        b.regs.write32(RCTL, RCTL_EN | RCTL_SECRC | RCTL_UPE | RCTL_MPE);
        a.send(E1kPort.frame(other, a.mac(), 64, 0));
        a.send(E1kPort.frame(multicast, a.mac(), 64, 0));
        a.send(E1kPort.frame(BROADCAST, a.mac(), 64, 0));
        flush();
        assertThat(b.regs.read32(RDH)).as("promiscuous, but no broadcast without BAM").isEqualTo(5);

        b.regs.write32(RAL + 8, E1kFrames.ral(other));
        b.regs.write32(RAH + 8, E1kFrames.rah(other) | RAH_AV);
        b.regs.write32(RCTL, RCTL_EN | RCTL_SECRC);
        a.send(E1kPort.frame(other, a.mac(), 64, 0));
        flush();
        assertThat(b.regs.read32(RDH)).as("a second valid receive address").isEqualTo(6);
    }

    @Test
    public void theMulticastOffsetChoosesWhichTwelveAddressBitsIndexTheTable() {
        byte[] address = {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB};
        assertThat(E1kFrames.multicastHash(address, 0)).isEqualTo(0xAB8);
        assertThat(E1kFrames.multicastHash(address, 1)).isEqualTo(0x571);
        assertThat(E1kFrames.multicastHash(address, 2)).isEqualTo(0xAE2);
        assertThat(E1kFrames.multicastHash(address, 3)).isEqualTo(0xB89);
    }

    @Test
    public void aFrameOverTheMaximumIsDroppedAndCountedUnlessLongPacketsAreEnabled() throws Exception {
        a.setUpTransmit(8);
        b.rxBufferBytes = 2048;
        b.setUpReceive(8, 7, RCTL_SECRC);
        a.send(E1kPort.frame(b.mac(), a.mac(), 1518, 6)); // 1522 with its FCS: the largest accepted
        a.send(E1kPort.frame(b.mac(), a.mac(), 1519, 7));
        flush();
        assertThat(b.regs.read32(RDH)).isEqualTo(1);
        assertThat(b.received(0).length()).isEqualTo(1518);
        assertThat(b.regs.read32(ROC)).isEqualTo(1);
        assertThat(b.regs.read32(RLEC)).isEqualTo(1);
        assertThat(b.regs.read32(GPRC)).isEqualTo(1);

        b.regs.write32(RCTL, RCTL_EN | RCTL_SECRC | RCTL_LPE);
        byte[] jumbo = E1kPort.frame(b.mac(), a.mac(), 3000, 8);
        a.send(jumbo);
        flush();
        assertThat(b.regs.read32(ROC)).isZero();
        assertThat(b.regs.read32(RDH)).isEqualTo(3);
        byte[] joined = Arrays.copyOf(b.received(1).data(), 3000);
        System.arraycopy(b.received(2).data(), 0, joined, 2048, 952);
        assertThat(joined).isEqualTo(jumbo);
    }

    @Test
    public void framesFindingNoFreeDescriptorAreMissedAndCountedAndRaiseRxo() throws Exception {
        a.setUpTransmit(16);
        b.setUpReceive(8, 2, RCTL_SECRC);
        b.regs.write32(IMS, ICR_RXO);
        CountDownLatch overrun = b.expectInterrupt();
        for (int i = 0; i < 5; i++) {
            a.send(E1kPort.frame(b.mac(), a.mac(), 100, i));
        }
        flush();
        E1kPort.await(overrun);
        assertThat(b.regs.read32(RDH)).isEqualTo(2);
        assertThat(b.received(1).data()).isEqualTo(E1kPort.frame(b.mac(), a.mac(), 100, 1));
        assertThat(b.regs.read32(ICR) & (ICR_RXO | ICR_RXT0)).isEqualTo(ICR_RXO | ICR_RXT0);
        assertThat(b.regs.read32(MPC)).isEqualTo(3);
        assertThat(b.regs.read32(RNBC)).isEqualTo(3);
        assertThat(b.regs.read32(GPRC)).isEqualTo(2);
        assertThat(a.regs.read32(GPTC)).as("the sender does not know").isEqualTo(5);

        b.regs.write32(RDT, 6); // the driver returns buffers: reception goes on
        a.send(E1kPort.frame(b.mac(), a.mac(), 100, 9));
        flush();
        assertThat(b.regs.read32(RDH)).isEqualTo(3);
    }

    @Test
    public void rxdmt0IsRaisedWhenFreeDescriptorsFallToTheThreshold() throws Exception {
        a.setUpTransmit(16);
        b.setUpReceive(8, 7, RCTL_SECRC | 1 << 8); // RDMTS 01: a quarter of 8 = 2
        for (int i = 0; i < 4; i++) {
            a.send(E1kPort.frame(b.mac(), a.mac(), 80, i));
        }
        flush();
        assertThat(b.regs.read32(ICR) & ICR_RXDMT0).isZero(); // 3 left
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 5));
        flush();
        assertThat(b.regs.read32(ICR) & ICR_RXDMT0).isEqualTo(ICR_RXDMT0); // 2 left
    }

    // ---- interrupts: cause, mask, coalescing

    @Test
    public void icrIsReadToClearAndTheInterruptFollowsTheMask() throws Exception {
        a.regs.write32(ICS, ICR_LSC); // pending, masked: nothing raised
        a.drain();
        assertThat(a.interrupts()).isZero();
        CountDownLatch raised = a.expectInterrupt();
        a.regs.write32(IMS, ICR_LSC | ICR_RXT0);
        E1kPort.await(raised);
        assertThat(a.regs.read32(IMS)).isEqualTo(ICR_LSC | ICR_RXT0);
        assertThat(a.regs.read32(ICR)).isEqualTo(ICR_LSC);
        assertThat(a.regs.read32(ICR)).isZero();

        a.regs.write32(IMC, ICR_LSC);
        assertThat(a.regs.read32(IMS)).isEqualTo(ICR_RXT0);
        a.regs.write32(ICS, ICR_LSC);
        a.drain();
        assertThat(a.interrupts()).isEqualTo(1);
        a.regs.write32(ICR, ICR_LSC); // write 1 to clear
        assertThat(a.regs.read32(ICR)).isZero();
    }

    @Test
    public void aCauseArrivingWhileTheLineIsAssertedRaisesNothingNewUntilIcrIsRead() throws Exception {
        a.regs.write32(IMS, ICR_ALL);
        CountDownLatch first = a.expectInterrupt();
        a.regs.write32(ICS, ICR_TXDW);
        E1kPort.await(first);
        a.regs.write32(ICS, ICR_RXT0);
        a.drain();
        assertThat(a.interrupts()).isEqualTo(1);
        CountDownLatch second = a.expectInterrupt();
        assertThat(a.regs.read32(ICR)).isEqualTo(ICR_TXDW | ICR_RXT0);
        a.regs.write32(ICS, ICR_RXT0);
        E1kPort.await(second);
        assertThat(a.interrupts()).isEqualTo(2);
    }

    /** A clock the test advances; its timers run when it passes them. */
    private static final class ManualClock implements E1kController.DeviceClock {
        private long now = 1_000_000;
        private final List<long[]> times = new ArrayList<>();
        private final List<Runnable> timers = new ArrayList<>();

        @Override
        public synchronized long nanoTime() {
            return now;
        }

        @Override
        public synchronized void at(long nanos, Runnable r) {
            times.add(new long[] {nanos});
            timers.add(r);
        }

        void advance(long nanos) {
            List<Runnable> due = new ArrayList<>();
            synchronized (this) {
                now += nanos;
                for (int i = times.size() - 1; i >= 0; i--) {
                    if (times.get(i)[0] <= now) {
                        due.add(timers.remove(i));
                        times.remove(i);
                    }
                }
            }
            due.forEach(Runnable::run);
        }
    }

    @Test
    public void withItrTheInterruptIsAssertedAtMostOncePerIntervalAndCausesWaitForTheIntervalToEnd() throws Exception {
        ManualClock clock = new ManualClock();
        b.hw.useClock(clock);
        a.setUpTransmit(16);
        b.setUpReceive(16, 15, RCTL_SECRC);
        b.regs.write32(ITR, 1000); // 256 µs
        b.regs.write32(IMS, ICR_RXT0);
        CountDownLatch first = b.expectInterrupt();
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        flush();
        E1kPort.await(first);
        assertThat(b.regs.read32(ICR)).isEqualTo(ICR_RXT0);

        clock.advance(100_000); // 100 µs into the interval
        for (int i = 0; i < 3; i++) {
            a.send(E1kPort.frame(b.mac(), a.mac(), 80, 2 + i));
        }
        flush();
        assertThat(b.interrupts()).as("three frames inside the interval: no assertion yet").isEqualTo(1);
        clock.advance(155_000); // 255 µs: still inside
        flush();
        assertThat(b.interrupts()).isEqualTo(1);
        CountDownLatch second = b.expectInterrupt();
        clock.advance(1_000); // 256 µs: the interval ends
        E1kPort.await(second);
        assertThat(b.interrupts()).as("one assertion for the three").isEqualTo(2);
        assertThat(b.regs.read32(ICR)).isEqualTo(ICR_RXT0);
        assertThat(b.regs.read32(RDH)).isEqualTo(4);

        b.regs.write32(ITR, 0); // no throttling: at once
        clock.advance(1);
        CountDownLatch third = b.expectInterrupt();
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 9));
        flush();
        E1kPort.await(third);
    }

    // ---- link

    @Test
    public void settingTheLinkDownClearsLuRaisesLscAndStopsFramesBothWays() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        b.regs.write32(IMS, ICR_LSC);
        CountDownLatch lsc = b.expectInterrupt();
        assertThat(wires.setLink(ID1, false)).isTrue();
        assertThat(wires.setLink(ID1, false)).isFalse();
        E1kPort.await(lsc);
        assertThat(b.regs.read32(STATUS) & STATUS_LU).isZero();
        assertThat(a.regs.read32(STATUS) & STATUS_LU).as("a link is down at both ends").isZero();
        assertThat(b.regs.read32(ICR)).isEqualTo(ICR_LSC);
        assertThat(a.regs.read32(ICR)).as("each end gets its LSC").isEqualTo(ICR_LSC);
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        flush();
        assertThat(b.regs.read32(RDH)).isZero();
        assertThat(b.regs.read32(TPR)).isZero();
        assertThat(a.txStatus(0)).as("the sender's descriptor completes anyway").isEqualTo(TDESC_STA_DD);
        assertThat(a.regs.read32(GPTC)).as("nothing left a port whose link is down").isZero();

        wires.setLink(ID0, true);
        assertThat(b.regs.read32(STATUS) & STATUS_LU).isEqualTo(STATUS_LU);
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 2));
        flush();
        assertThat(b.regs.read32(RDH)).as("the link is back: frames cross").isEqualTo(1);
        assertThat(wires.uncable(ID0)).isTrue();
        assertThat(a.regs.read32(STATUS) & STATUS_LU).as("the cable pulled").isZero();
        assertThat(b.regs.read32(STATUS) & STATUS_LU).isZero();
    }

    @Test
    public void theDeviceIsQuietOnlyOnceSoftwareHasReadEveryUnmaskedCauseItRaised() throws Exception {
        b.regs.write32(IMS, ICR_LSC);
        CountDownLatch lsc = b.expectInterrupt();
        assertThat(b.device.awaitQuiet(java.time.Duration.ofMillis(20))).as("nothing raised yet").isTrue();
        wires.setLink(ID1, false);
        E1kPort.await(lsc);
        assertThat(b.device.awaitQuiet(java.time.Duration.ofMillis(50))).as("LSC not yet read from ICR").isFalse();
        assertThat(b.regs.read32(ICR)).isEqualTo(ICR_LSC);
        assertThat(b.device.awaitQuiet(java.time.Duration.ofMillis(50))).as("ICR read: software was told").isTrue();
        b.regs.write32(IMC, ICR_ALL);
        wires.setLink(ID1, true);
        assertThat(b.device.awaitQuiet(java.time.Duration.ofMillis(50))).as("a masked cause is nobody's news").isTrue();
    }

    // ---- removal

    @Test
    public void afterSurpriseRemovalRegistersReadAllOnesWritesAreIgnoredNothingIsRaisedAndDmaStops() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        b.regs.write32(IMS, ICR_ALL);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        b.hw.onDeviceThread(() -> {
            held.countDown();
            try {
                release.await(E1kPort.WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(E1kPort.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1)); // queued behind the held task on B's thread
        a.drain();

        bus.surpriseRemove(ID1);
        release.countDown();
        assertThat(b.hw.awaitStopped(java.time.Duration.ofSeconds(E1kPort.WAIT_SECONDS))).isTrue();

        for (int offset : new int[] {CTRL, STATUS, ICR, IMS, RDH, GPRC, RAL, 0x6000}) {
            assertThat(b.regs.read32(offset)).as("offset 0x%X", offset).isEqualTo(0xFFFF_FFFF);
        }
        b.regs.write32(ICS, ICR_ALL);
        b.regs.write32(CTRL, CTRL_RST);
        assertThat(b.regs.read32(CTRL)).isEqualTo(0xFFFF_FFFF);
        assertThat(b.interrupts()).isZero();
        assertThat(b.received(0).status()).as("the frame that arrived was not stored").isZero();
        assertThat(wires.port(ID0).peer()).as("the cable went with the device").isEmpty();
        assertThatThrownBy(() -> wires.port(ID1)).hasMessage("no device " + ID1 + " is present");
    }

    // ---- bad input

    @Test
    public void aRingOutsideHostMemoryIsReportedAndItsQueueDoesNotRun() throws Exception {
        long block = memory.allocate(4096);
        a.regs.write32(TDBAL, (int) (block + 4096 - 64));
        a.regs.write32(TDBAH, (int) ((block + 4096 - 64) >>> 32));
        a.regs.write32(TDLEN, 128); // runs 64 bytes past the block
        a.regs.write32(TCTL, TCTL_EN);
        a.regs.write32(TDT, 1);
        a.drain();
        assertThat(errors()).singleElement().asString().startsWith(ID0 + " RingOutsideHostMemory: transmit ring TDBA=")
                .contains("does not lie inside one allocated block");
        assertThat(a.regs.read32(TDH)).isZero();

        a.regs.write32(TDBAL, (int) block + 8);
        a.regs.write32(TDBAH, (int) (block >>> 32));
        a.regs.write32(TDT, 2);
        assertThat(errors()).hasSize(2).last().asString().contains("BadRing")
                .contains("the base must be 16-byte aligned");
        a.regs.write32(TDLEN, 100);
        a.regs.write32(TDT, 3);
        assertThat(errors()).hasSize(3).last().asString().contains("TDT=3 but TDLEN=100 holds 0 descriptors");
        a.regs.write32(TDBAL, (int) block);
        a.regs.write32(TDLEN, 128);
        a.regs.write32(TDT, 1);
        a.drain();
        assertThat(errors()).as("programmed inside its block, the ring is accepted").hasSize(3);
    }

    @Test
    public void aRingInHostMemoryAllocatedForAnotherDeviceIsReportedAndItsQueueDoesNotRun() throws Exception {
        long theirs = memory.allocate(4096, ID1);
        a.regs.write32(TDBAL, (int) theirs);
        a.regs.write32(TDBAH, (int) (theirs >>> 32));
        a.regs.write32(TDLEN, 128);
        a.regs.write32(TCTL, TCTL_EN);
        a.regs.write32(TDT, 1);
        a.drain();
        assertThat(errors()).singleElement().asString().startsWith(ID0 + " RingOutsideHostMemory: transmit ring TDBA=")
                .contains("lies in host memory allocated for another device, " + ID1);
        assertThat(a.regs.read32(TDH)).isZero();

        long ours = memory.allocate(4096, ID0.toLowerCase()); // instance IDs compare without regard to case
        a.regs.write32(TDBAL, (int) ours);
        a.regs.write32(TDBAH, (int) (ours >>> 32));
        a.regs.write32(TDT, 1);
        a.drain();
        assertThat(errors()).as("a ring in its own memory is accepted").hasSize(1);
        assertThat(memory.owner(ours + 100)).contains(ID0.toLowerCase());
        assertThat(memory.owner(ours + 4096)).as("the guard page after a block is nobody's").isEmpty();
    }

    @Test
    public void aTailPastTheRingIsReportedAndIgnored() {
        a.setUpTransmit(8);
        a.regs.write32(TDT, 8);
        a.regs.write32(RDT, 1); // no receive ring programmed: RDLEN 0 holds none
        assertThat(a.regs.read32(TDT)).isZero();
        assertThat(a.regs.read32(RDT)).isZero();
        assertThat(errors()).containsExactly(
                ID0 + " TailPastRing: TDT=8 but TDLEN=128 holds 8 descriptors; the write is ignored",
                ID0 + " TailPastRing: RDT=1 but RDLEN=0 holds 0 descriptors; the write is ignored");
    }

    /** Hands A's transmitter one frame: a descriptor at {@code index} for {@code bytes} at {@code address}; waits. */
    private void transmitOne(int index, long address, int bytes) throws Exception {
        a.writeTxDescriptor(index, address, bytes, TDESC_CMD_EOP | TDESC_CMD_RS);
        a.regs.write32(TDT, index + 1);
        a.txTail = index + 1;
        flush();
    }

    @Test
    public void dmaToFreedMemoryIsReportedTheTransmitDescriptorGetsTuAndTheReceiveDescriptorRxe() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        long freed = memory.allocate(100);
        memory.free(freed);
        transmitOne(0, freed, 100);
        assertThat(a.txStatus(0)).isEqualTo(TDESC_STA_DD | TDESC_STA_TU);
        assertThat(errors()).singleElement().asString().isEqualTo(ID0 + " DmaOutsideHostMemory: transmit descriptor 0 "
                + "points at " + SimHostMemory.hex(freed) + " + 100 bytes: freed block " + SimHostMemory.hex(freed)
                + " (100 bytes); the frame is not sent");
        assertThat(b.regs.read32(TPR)).isZero();

        memory.free(b.rxBuffers[0]);
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        flush();
        E1kPort.Received r = b.received(0);
        assertThat(r.status()).isEqualTo(RDESC_STA_DD | RDESC_STA_EOP);
        assertThat(r.errors()).isEqualTo(RDESC_ERR_RXE);
        assertThat(r.length()).isZero();
        assertThat(b.regs.read32(RXERRC)).isEqualTo(1);
        assertThat(b.regs.read32(RDH)).isEqualTo(1);
        assertThat(errors()).hasSize(2).last().asString().startsWith(ID1 + " DmaOutsideHostMemory: receive descriptor 0");
    }

    @Test
    public void dmaThroughAnUnmappedBlockIsReportedAsNotMappedAndGoesOnceItIsMappedAgain() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        long buffer = memory.allocate(100);
        memory.setMapped(buffer, false); // a freed scatter/gather list's page, kept for the next list
        transmitOne(0, buffer, 100);
        assertThat(a.txStatus(0)).isEqualTo(TDESC_STA_DD | TDESC_STA_TU);
        assertThat(errors()).singleElement().asString().isEqualTo(ID0 + " DmaOutsideHostMemory: transmit descriptor 0 "
                + "points at " + SimHostMemory.hex(buffer) + " + 100 bytes: block " + SimHostMemory.hex(buffer)
                + " (100 bytes), not mapped for DMA (its map registers were released, as when its scatter/gather list is "
                + "freed); the frame is not sent");
        assertThat(a.regs.read32(GPTC)).isZero();

        memory.setMapped(buffer, true); // a later list maps it
        transmitOne(1, buffer, 100);
        assertThat(a.txStatus(1)).isEqualTo(TDESC_STA_DD);
        assertThat(a.regs.read32(GPTC)).isEqualTo(1);
        assertThat(errors()).hasSize(1);
    }

    @Test
    public void aTransmitDescriptorOfLengthZeroOrOverTheMaximumIsReportedAndItsFrameNotSent() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        long buffer = memory.allocate(MAX_TX_BUFFER_BYTES + 1);
        a.writeTxDescriptor(0, buffer, 0, TDESC_CMD_EOP | TDESC_CMD_RS);
        a.writeTxDescriptor(1, buffer, MAX_TX_BUFFER_BYTES + 1, TDESC_CMD_EOP | TDESC_CMD_RS);
        a.regs.write32(TDT, 2);
        flush();
        assertThat(a.txStatus(0)).isEqualTo(TDESC_STA_DD | TDESC_STA_TU);
        assertThat(a.txStatus(1)).isEqualTo(TDESC_STA_DD | TDESC_STA_TU);
        assertThat(errors()).containsExactly(
                ID0 + " BadDescriptor: transmit descriptor 0 has length 0; the frame is not sent",
                ID0 + " BadDescriptor: transmit descriptor 1 has length 16289, over 16288; the frame is not sent");
        assertThat(a.regs.read32(GPTC)).isZero();
        assertThat(a.regs.read32(TDH)).isEqualTo(2);
    }

    // ---- faults

    @Test
    public void anArmedInterruptStormCallsTheSinksWithNothingPendingUntilItsRuleIsUsedUp() throws Exception {
        a.device.faults().arm(FaultRule.always(INTERRUPT_STORM).times(5));
        a.hw.stormEnded().get(E1kPort.WAIT_SECONDS, TimeUnit.SECONDS);
        a.drain();
        assertThat(a.interrupts()).isEqualTo(5);
        assertThat(a.regs.read32(ICR)).isZero();
        assertThat(a.device.faults().armed()).isEmpty();
    }

    @Test
    public void theStormsIntervalIsTheRulesDelay() throws Exception {
        long start = System.nanoTime();
        a.device.faults().arm(FaultRule.always(INTERRUPT_STORM).delayMicros(100_000).times(3));
        a.hw.stormEnded().get(E1kPort.WAIT_SECONDS, TimeUnit.SECONDS);
        // three ticks, each at least 100 ms after the one before (a timer never fires early)
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
        a.drain();
        assertThat(a.interrupts()).isEqualTo(3);
        assertThatThrownBy(() -> FaultRule.parse(List.of("failDma", "--delay-us", "5")))
                .hasMessageContaining("--delay-us is the delay of delayCompletion and the interval of interruptStorm only");
        assertThat(FaultRule.parse(List.of(INTERRUPT_STORM, "--delay-us", "50")).delayMicros()).isEqualTo(50);
    }

    @Test
    public void failDmaLosesTheFrameButCompletesItsDescriptorsWithTu() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        a.device.faults().arm(FaultRule.nth(FAIL_DMA, 1));
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 2));
        flush();
        assertThat(a.txStatus(0)).isEqualTo(TDESC_STA_DD | TDESC_STA_TU);
        assertThat(a.txStatus(1)).isEqualTo(TDESC_STA_DD);
        assertThat(b.regs.read32(RDH)).isEqualTo(1);
        assertThat(b.received(0).data()).isEqualTo(E1kPort.frame(b.mac(), a.mac(), 80, 2));
    }

    @Test
    public void aHungDeviceMovesNothingUntilReset() throws Exception {
        a.setUpTransmit(8);
        b.setUpReceive(8, 7, RCTL_SECRC);
        a.device.faults().arm(FaultRule.nth(HANG_DEVICE, 1));
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 1));
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 2));
        flush();
        assertThat(a.regs.read32(TDH)).isZero();
        assertThat(b.regs.read32(TPR)).isZero();
        a.regs.write32(CTRL, CTRL_RST);
        a.setUpTransmit(8);
        a.send(E1kPort.frame(b.mac(), a.mac(), 80, 3));
        flush();
        assertThat(a.regs.read32(TDH)).isEqualTo(1);
        assertThat(b.regs.read32(RDH)).isEqualTo(1);
    }

    @Test
    public void droppedInterruptsRaiseNothingWhileTheCauseStaysInIcr() throws Exception {
        a.device.faults().arm(DROP_INTERRUPTS);
        a.regs.write32(IMS, ICR_LSC);
        a.regs.write32(ICS, ICR_LSC);
        a.drain();
        assertThat(a.interrupts()).isZero();
        assertThat(a.regs.read32(ICR)).isEqualTo(ICR_LSC);
    }

    @Test
    public void registerFaultsApplyAsOnEveryDevice() {
        a.device.faults().arm(FaultRule.nth("failRegisterRead", 1));
        assertThat(a.regs.read32(STATUS)).isEqualTo(0xFFFF_FFFF);
        assertThat(a.regs.read32(STATUS) & STATUS_LU).isEqualTo(STATUS_LU);
    }
}
