package org.drvsim.hw;

/**
 * The register interface of the simulated PCI Ethernet controller (hardware ID {@value #HARDWARE_ID}), modelled on
 * the Intel 82540EM of the 8254x family ("PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's
 * Manual", the 8254x SDM): the register offsets and bits below are the SDM's (section 13), as are the legacy
 * descriptor layouts (section 3.2.3 receive, 3.3.3 transmit), so that a driver ported from a real e1000 driver
 * finds them where it expects. Only a subset is modelled; an offset not listed here reads 0 and ignores writes.
 *
 * <p>Plug one with {@link HardwareBus#plug(DeviceSpec)} and the property {@link DeviceSpec#DEVICE_TYPE} =
 * {@value #DEVICE_TYPE}. Its resources are one memory range, {@linkplain #BAR BAR 0} of {@value #BAR_BYTES} bytes
 * (the real part decodes 128 KiB; every register modelled lies in the first 64 KiB, which is what a simulated PCI
 * slot decodes), then one interrupt, line-based unless {@value #MSI_PROPERTY}{@code =true}. Cable it, set its link
 * and attach pcap files to its wire through {@link EthernetWires}. The {@linkplain org.drvsim.hw package overview}
 * describes its behaviour: rings, filters, interrupts and their coalescing, statistics, faults and the bad input it
 * reports.
 *
 * <p>All registers are 32 bits wide and little-endian, as is every multi-byte field of a descriptor.
 *
 * @since 2.2
 */
public final class E1kRegisters {
    // ---- identity and properties

    /** The {@link DeviceSpec#DEVICE_TYPE} value that makes the bus build this device. */
    public static final String DEVICE_TYPE = "e1k";
    /** The hardware ID: Intel's vendor ID 0x8086, device 0x100E (82540EM). */
    public static final String HARDWARE_ID = "PCI\\VEN_8086&DEV_100E";
    /**
     * Property: the MAC address loaded into {@link #RAL}/{@link #RAH} entry 0 and EEPROM words 0 to 2 at reset, six
     * hexadecimal bytes separated by {@code -} or {@code :} (for example {@code 02-E1-00-00-00-01}); a multicast
     * address (lowest bit of the first byte set) is refused. When absent, {@code 02-E1} (a locally administered
     * address) followed by the CRC-32 of the upper-cased instance ID, big-endian: distinct for distinct instance IDs
     * unless their CRCs collide (one chance in 2<sup>32</sup> per pair; set the property when that matters).
     */
    public static final String MAC_ADDRESS_PROPERTY = "e1k.macAddress";
    /** Property: {@code true} gives a message-signalled interrupt (MSI), {@code false} (the default) a line. */
    public static final String MSI_PROPERTY = "e1k.msi";
    /**
     * Property: the instance ID of another Ethernet controller this one is cabled to as soon as both are on the bus
     * (whichever is plugged second makes the cable; a port that is cabled already keeps its cable). The default
     * machine's two controllers name each other. {@link EthernetWires} cables at run time.
     */
    public static final String CABLE_PROPERTY = "e1k.cable";

    // ---- faults, beside the register faults of DeviceFaults

    /**
     * Fault, checked once per frame as the DMA engine moves it: a transmitted frame is not sent (its descriptors are
     * still written back, with {@link #TDESC_STA_TU}); a received frame is dropped and counted in {@link #MPC}.
     */
    public static final String FAIL_DMA = "failDma";
    /** Fault, checked at each rising edge of the interrupt: the assertion is lost (no sink is called). */
    public static final String DROP_INTERRUPTS = "dropInterrupts";
    /**
     * Fault: while a rule for it is armed the device screams: every {@code delayMicros} of the rule (the shell's
     * {@code --delay-us}; {@value #STORM_INTERVAL_MICROS} µs by default, at least {@value #MIN_STORM_INTERVAL_MICROS}
     * µs) it checks the rule and, when it fires, calls every connected interrupt sink once with nothing new in {@link #ICR} and
     * whatever {@link #IMS} says (a stuck interrupt). It stops when the rule is disarmed (by hand or by its
     * {@code --times}), and when the device is removed.
     */
    public static final String INTERRUPT_STORM = "interruptStorm";
    /** How often an armed {@link #INTERRUPT_STORM} checks its rule by default, in microseconds. */
    public static final int STORM_INTERVAL_MICROS = 1000;
    /** The shortest interval of an {@link #INTERRUPT_STORM}, in microseconds, whatever the rule says. */
    public static final int MIN_STORM_INTERVAL_MICROS = 10;
    /**
     * Fault, checked as the DMA engine starts a frame (transmit or receive): the engine hangs: it moves no more
     * frames, {@link #TDH} and {@link #RDH} stop, frames arriving are missed ({@link #MPC}), until a
     * {@link #CTRL_RST}.
     */
    public static final String HANG_DEVICE = "hangDevice";
    /**
     * Fault, checked per transmitted frame: its descriptor write-back and {@link #ICR_TXDW} come
     * {@link FaultRule#delayMicros()} microseconds late (the device thread waits).
     */
    public static final String DELAY_COMPLETION = "delayCompletion";

    // ---- bad input the device reports to DeviceErrorListeners (see the package overview)

    /**
     * Error: a ring ({@code base}, {@code base + length}) does not lie inside one live block of {@link HostMemory}, or
     * lies in a block allocated for another device.
     */
    public static final String ERROR_RING_OUTSIDE_HOST_MEMORY = "RingOutsideHostMemory";
    /** Error: a ring length is 0 or not a multiple of 128 bytes, or a ring base is not 16-byte aligned. */
    public static final String ERROR_BAD_RING = "BadRing";
    /** Error: software wrote a tail ({@link #TDT}, {@link #RDT}) at or past the ring's descriptor count; ignored. */
    public static final String ERROR_TAIL_PAST_RING = "TailPastRing";
    /** Error: a descriptor's buffer does not lie inside one live block of {@link HostMemory} (never allocated or freed). */
    public static final String ERROR_DMA_OUTSIDE_HOST_MEMORY = "DmaOutsideHostMemory";
    /**
     * Error: a transmit descriptor's length is 0 or over {@link #MAX_TX_BUFFER_BYTES}, a frame is longer than that,
     * or a descriptor asks for what the model lacks (extended descriptors, {@link #TDESC_CMD_DEXT}).
     */
    public static final String ERROR_BAD_DESCRIPTOR = "BadDescriptor";

    // ---- sizes

    /** The base address register of the register bank. */
    public static final int BAR = 0;
    /** The size of the register bank in bytes: 64 KiB. */
    public static final int BAR_BYTES = 0x1_0000;
    /** Bytes in one legacy descriptor, receive or transmit. */
    public static final int DESCRIPTOR_BYTES = 16;
    /** A ring's length ({@link #RDLEN}, {@link #TDLEN}) is a multiple of this many bytes (8 descriptors). */
    public static final int RING_LENGTH_ALIGNMENT = 128;
    /** The most bytes one transmit descriptor, and one frame, may carry (the SDM's 16288). */
    public static final int MAX_TX_BUFFER_BYTES = 16288;
    /**
     * The longest frame received without {@link #RCTL_LPE}, counted with its 4-byte FCS: 1522 (a VLAN-tagged
     * 1518-byte frame); 1518 bytes as the wire carries it, without FCS. Longer ones are dropped, counted in
     * {@link #ROC}.
     */
    public static final int MAX_FRAME_BYTES = 1522;
    /** The longest frame received with {@link #RCTL_LPE} (long packets), FCS included. */
    public static final int MAX_LONG_FRAME_BYTES = 16384;
    /** The length of the frame check sequence (CRC-32) the device appends in receive buffers unless {@link #RCTL_SECRC}. */
    public static final int FCS_BYTES = 4;
    /** The receive address registers: entries 0 to 15 of {@link #RAL}/{@link #RAH}. */
    public static final int RECEIVE_ADDRESSES = 16;
    /** The multicast table: 128 registers of 32 bits, 4096 hash bits, from {@link #MTA}. */
    public static final int MTA_REGISTERS = 128;

    // ---- general registers (SDM 13.4)

    /** Device Control, read/write: {@link #CTRL_FD}, {@link #CTRL_SLU}, {@link #CTRL_RST}. */
    public static final int CTRL = 0x0000;
    /** Device Status, read-only: {@link #STATUS_FD}, {@link #STATUS_LU}, {@link #STATUS_SPEED_1000}. */
    public static final int STATUS = 0x0008;
    /**
     * EEPROM Read, read/write: write {@link #EERD_START} with the word address in bits 15:8; the word is in bits
     * 31:16 and {@link #EERD_DONE} set when read back. Words 0 to 2 hold the MAC address (byte 0 in the low byte of
     * word 0), word 0x3F makes the sum of words 0 to 0x3F {@code 0xBABA}, the rest read 0.
     */
    public static final int EERD = 0x0014;

    /** CTRL bit 0: full duplex (kept; the simulated link is always full duplex). */
    public static final int CTRL_FD = 1;
    /** CTRL bit 6: set link up (kept; the link follows {@link EthernetWires#setLink}). */
    public static final int CTRL_SLU = 1 << 6;
    /**
     * CTRL bit 26: device reset, self-clearing: every register returns to its power-on value (RAL/RAH entry 0 to the
     * MAC address), the rings, statistics and a hang are forgotten, and a frame in flight is abandoned.
     */
    public static final int CTRL_RST = 1 << 26;
    /** STATUS bit 0: full duplex. */
    public static final int STATUS_FD = 1;
    /** STATUS bit 1: link up; a change raises {@link #ICR_LSC}. */
    public static final int STATUS_LU = 1 << 1;
    /** STATUS bits 7:6 = 10b: 1000 Mb/s. */
    public static final int STATUS_SPEED_1000 = 2 << 6;
    /** EERD bit 0: start a read. */
    public static final int EERD_START = 1;
    /** EERD bit 4: the read is done and bits 31:16 hold the word. */
    public static final int EERD_DONE = 1 << 4;

    // ---- interrupt registers (SDM 13.4.17 to 13.4.21)

    /**
     * Interrupt Cause Read: reading returns the pending causes and clears them all; writing 1 to a bit clears it. The
     * device asserts its interrupt while {@code ICR & IMS} is not 0, at most once per {@link #ITR} interval.
     */
    public static final int ICR = 0x00C0;
    /**
     * Interrupt Throttling, read/write: bits 15:0 are the minimum interval between two assertions of the interrupt in
     * units of {@value #ITR_UNIT_NANOS} ns; 0 (the default) throttles nothing.
     */
    public static final int ITR = 0x00C4;
    /** Interrupt Cause Set, write-only: each 1 bit sets that cause in {@link #ICR} (software-raised interrupts). */
    public static final int ICS = 0x00C8;
    /** Interrupt Mask Set/Read: reading returns the mask; writing 1 to a bit enables that cause. */
    public static final int IMS = 0x00D0;
    /** Interrupt Mask Clear, write-only: writing 1 to a bit disables that cause. */
    public static final int IMC = 0x00D8;
    /** The unit of {@link #ITR}: 256 ns. */
    public static final int ITR_UNIT_NANOS = 256;

    /** Cause bit 0, TXDW: a transmit descriptor was written back (one with {@link #TDESC_CMD_RS}). */
    public static final int ICR_TXDW = 1;
    /** Cause bit 1, TXQE: the transmit queue ran empty ({@link #TDH} reached {@link #TDT}). */
    public static final int ICR_TXQE = 1 << 1;
    /** Cause bit 2, LSC: the link went up or down. */
    public static final int ICR_LSC = 1 << 2;
    /** Cause bit 4, RXDMT0: free receive descriptors fell to the {@link #RCTL_RDMTS_MASK} threshold. */
    public static final int ICR_RXDMT0 = 1 << 4;
    /** Cause bit 6, RXO: a received frame was dropped because no receive descriptor was free (overrun). */
    public static final int ICR_RXO = 1 << 6;
    /** Cause bit 7, RXT0: a frame was stored in the receive ring (receive timer; no delay is modelled). */
    public static final int ICR_RXT0 = 1 << 7;
    /** The causes the device raises. */
    public static final int ICR_ALL = ICR_TXDW | ICR_TXQE | ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0;

    // ---- receive (SDM 13.4.22, 13.4.26 to 13.4.31)

    /** Receive Control, read/write. */
    public static final int RCTL = 0x0100;
    /** RCTL bit 1: receiver enable. */
    public static final int RCTL_EN = 1 << 1;
    /** RCTL bit 3: unicast promiscuous: accept every unicast frame. */
    public static final int RCTL_UPE = 1 << 3;
    /** RCTL bit 4: multicast promiscuous: accept every multicast frame. */
    public static final int RCTL_MPE = 1 << 4;
    /** RCTL bit 5: long packet enable: accept frames up to {@link #MAX_LONG_FRAME_BYTES}. */
    public static final int RCTL_LPE = 1 << 5;
    /** RCTL bits 9:8: descriptor minimum threshold for {@link #ICR_RXDMT0}: 00 half, 01 a quarter, 10 an eighth of the ring. */
    public static final int RCTL_RDMTS_MASK = 3 << 8;
    /** RCTL bits 13:12: multicast offset, which 12 bits of the destination address index {@link #MTA}. */
    public static final int RCTL_MO_MASK = 3 << 12;
    /** RCTL bit 15: broadcast accept mode. */
    public static final int RCTL_BAM = 1 << 15;
    /** RCTL bits 17:16: receive buffer size: 00 2048, 01 1024, 10 512, 11 256 bytes; with {@link #RCTL_BSEX}: 01 16384, 10 8192, 11 4096. */
    public static final int RCTL_BSIZE_MASK = 3 << 16;
    /** RCTL bit 25: buffer size extension (multiplies {@link #RCTL_BSIZE_MASK} sizes by 16). */
    public static final int RCTL_BSEX = 1 << 25;
    /** RCTL bit 26: strip the Ethernet CRC: buffers and lengths exclude the {@value #FCS_BYTES}-byte FCS. */
    public static final int RCTL_SECRC = 1 << 26;

    /** Receive Descriptor Base Address Low, read/write: bits 31:0 of the ring's physical address (16-byte aligned). */
    public static final int RDBAL = 0x2800;
    /** Receive Descriptor Base Address High, read/write: bits 63:32. */
    public static final int RDBAH = 0x2804;
    /** Receive Descriptor Length, read/write: the ring's size in bytes, a multiple of {@value #RING_LENGTH_ALIGNMENT}. */
    public static final int RDLEN = 0x2808;
    /** Receive Descriptor Head, read/write (software writes it only while the receiver is disabled): the next descriptor the device fills. */
    public static final int RDH = 0x2810;
    /** Receive Descriptor Tail, read/write: one past the last descriptor software gave the device. */
    public static final int RDT = 0x2818;
    /** Receive Delay Timer, read/write; kept, no delay is modelled. */
    public static final int RDTR = 0x2820;

    // ---- transmit (SDM 13.4.33 to 13.4.41)

    /** Transmit Control, read/write. */
    public static final int TCTL = 0x0400;
    /** TCTL bit 1: transmitter enable. */
    public static final int TCTL_EN = 1 << 1;
    /** TCTL bit 3: pad short packets to 60 bytes (64 with FCS) with zeros. */
    public static final int TCTL_PSP = 1 << 3;
    /** Transmit Descriptor Base Address Low, read/write. */
    public static final int TDBAL = 0x3800;
    /** Transmit Descriptor Base Address High, read/write. */
    public static final int TDBAH = 0x3804;
    /** Transmit Descriptor Length, read/write: a multiple of {@value #RING_LENGTH_ALIGNMENT} bytes. */
    public static final int TDLEN = 0x3808;
    /** Transmit Descriptor Head, read/write (software writes it only while the transmitter is disabled). */
    public static final int TDH = 0x3810;
    /** Transmit Descriptor Tail, read/write: writing it hands the descriptors up to it to the device. */
    public static final int TDT = 0x3818;

    // ---- filters (SDM 13.5)

    /** Multicast Table Array: {@value #MTA_REGISTERS} registers from here, 4 bytes apart, read/write. */
    public static final int MTA = 0x5200;
    /** Receive Address Low of entry n at {@code RAL + 8 * n}: bytes 0 to 3 of a MAC address, byte 0 in bits 7:0. */
    public static final int RAL = 0x5400;
    /** Receive Address High of entry n at {@code RAH + 8 * n}: bytes 4 and 5 in bits 15:0, {@link #RAH_AV} bit 31. */
    public static final int RAH = 0x5404;
    /** RAH bit 31: address valid: the entry is matched against destination addresses. */
    public static final int RAH_AV = 1 << 31;

    // ---- statistics (SDM 13.7): read-only, cleared when read

    /** Receive Error Count: frames whose receive buffer could not be written ({@link #RDESC_ERR_RXE}); the wire corrupts nothing. */
    public static final int RXERRC = 0x400C;
    /** Missed Packets Count: frames that passed the filters and were lost (no free descriptor, a hang, a failed DMA). */
    public static final int MPC = 0x4010;
    /** Receive Length Error Count: frames counted in {@link #RUC} or {@link #ROC}. */
    public static final int RLEC = 0x4040;
    /** Good Packets Received Count: frames stored in the receive ring. */
    public static final int GPRC = 0x4074;
    /** Broadcast Packets Received Count (stored). */
    public static final int BPRC = 0x4078;
    /** Multicast Packets Received Count (stored, broadcast excluded). */
    public static final int MPRC = 0x407C;
    /** Good Packets Transmitted Count: frames put on the wire. */
    public static final int GPTC = 0x4080;
    /** Good Octets Received Count, low 32 bits (FCS included, as the hardware counts). */
    public static final int GORCL = 0x4088;
    /** Good Octets Received Count, high 32 bits; reading it clears the 64-bit counter (read the low half first). */
    public static final int GORCH = 0x408C;
    /** Good Octets Transmitted Count, low 32 bits (FCS included). */
    public static final int GOTCL = 0x4090;
    /** Good Octets Transmitted Count, high 32 bits; reading it clears the counter. */
    public static final int GOTCH = 0x4094;
    /** Receive No Buffers Count: frames that found no free receive descriptor (also counted in {@link #MPC}). */
    public static final int RNBC = 0x40A0;
    /** Receive Undersize Count: frames shorter than an Ethernet header (14 bytes), dropped. */
    public static final int RUC = 0x40A4;
    /** Receive Oversize Count: frames that passed the filters and were longer than the maximum, dropped. */
    public static final int ROC = 0x40AC;
    /** Total Octets Received, low 32 bits: every frame the receiver saw. */
    public static final int TORL = 0x40C0;
    /** Total Octets Received, high 32 bits; reading it clears the counter. */
    public static final int TORH = 0x40C4;
    /** Total Octets Transmitted, low 32 bits. */
    public static final int TOTL = 0x40C8;
    /** Total Octets Transmitted, high 32 bits; reading it clears the counter. */
    public static final int TOTH = 0x40CC;
    /** Total Packets Received: every frame the receiver saw, filtered, dropped or stored. */
    public static final int TPR = 0x40D0;
    /** Total Packets Transmitted. */
    public static final int TPT = 0x40D4;
    /** Multicast Packets Transmitted Count. */
    public static final int MPTC = 0x40F0;
    /** Broadcast Packets Transmitted Count. */
    public static final int BPTC = 0x40F4;

    // ---- legacy transmit descriptor (SDM 3.3.3): 16 bytes

    /** Bytes 0 to 7: the buffer's physical address. */
    public static final int TDESC_BUFFER_ADDRESS = 0;
    /** Bytes 8 and 9: the buffer's length in bytes, 1 to {@link #MAX_TX_BUFFER_BYTES}. */
    public static final int TDESC_LENGTH = 8;
    /** Byte 10: checksum offset: where {@link #TDESC_CMD_IC} stores the checksum. */
    public static final int TDESC_CSO = 10;
    /** Byte 11: command. */
    public static final int TDESC_CMD = 11;
    /** Byte 12: status, written back by the device. */
    public static final int TDESC_STA = 12;
    /** Byte 13: checksum start: where {@link #TDESC_CMD_IC}'s sum begins. */
    public static final int TDESC_CSS = 13;
    /** Bytes 14 and 15: special (VLAN); ignored. */
    public static final int TDESC_SPECIAL = 14;
    /** CMD bit 0, EOP: end of packet: this descriptor's buffer ends the frame. */
    public static final int TDESC_CMD_EOP = 1;
    /** CMD bit 1, IFCS: insert FCS; accepted (the wire carries frames without their FCS). */
    public static final int TDESC_CMD_IFCS = 1 << 1;
    /**
     * CMD bit 2, IC: insert checksum: the 16-bit ones'-complement sum of the frame from byte {@link #TDESC_CSS} to
     * its end, complemented, is stored big-endian at byte {@link #TDESC_CSO} (from the frame's EOP descriptor).
     */
    public static final int TDESC_CMD_IC = 1 << 2;
    /** CMD bit 3, RS: report status: the device writes {@link #TDESC_STA_DD} back into this descriptor. */
    public static final int TDESC_CMD_RS = 1 << 3;
    /** CMD bit 5, DEXT: extended descriptor; not modelled, reported as {@link #ERROR_BAD_DESCRIPTOR}. */
    public static final int TDESC_CMD_DEXT = 1 << 5;
    /** STA bit 0, DD: descriptor done. */
    public static final int TDESC_STA_DD = 1;
    /** STA bit 3, TU: the frame was not sent (here: a failed DMA, a bad descriptor). */
    public static final int TDESC_STA_TU = 1 << 3;

    // ---- legacy receive descriptor (SDM 3.2.3): 16 bytes

    /** Bytes 0 to 7: the buffer's physical address, written by software. */
    public static final int RDESC_BUFFER_ADDRESS = 0;
    /** Bytes 8 and 9: bytes the device stored in the buffer. */
    public static final int RDESC_LENGTH = 8;
    /** Bytes 10 and 11: packet checksum; written 0 (receive checksum offload is not modelled). */
    public static final int RDESC_CHECKSUM = 10;
    /** Byte 12: status. */
    public static final int RDESC_STATUS = 12;
    /** Byte 13: errors: 0, or {@link #RDESC_ERR_RXE} when the device could not write the buffer. */
    public static final int RDESC_ERRORS = 13;
    /** Bytes 14 and 15: special; written 0. */
    public static final int RDESC_SPECIAL = 14;
    /** Status bit 0, DD: descriptor done: the device filled this descriptor. */
    public static final int RDESC_STA_DD = 1;
    /** Status bit 1, EOP: this descriptor ends the frame. */
    public static final int RDESC_STA_EOP = 1 << 1;
    /**
     * Errors bit 7, RXE: receive data error: the buffer does not lie in live host memory, so the frame was dropped;
     * the descriptor comes back with DD, EOP, length 0 and this bit, and the frame is counted in {@link #RXERRC}.
     */
    public static final int RDESC_ERR_RXE = 1 << 7;

    private E1kRegisters() {
    }
}
