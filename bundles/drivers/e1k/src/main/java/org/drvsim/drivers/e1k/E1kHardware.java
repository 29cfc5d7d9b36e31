package org.drvsim.drivers.e1k;

import org.drvsim.ndis.NdisIoSpace;

/**
 * The controller as the driver sees it (the e1000 driver's {@code e1000_hw.h} and {@code e1000_regs.h}): register
 * offsets and bits of the 8254x family ("PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's
 * Manual", section 13) and the legacy descriptor layouts (sections 3.2.3 and 3.3.3), defined here as a driver's own
 * hardware header defines them, and the one door every register access goes through.
 *
 * <p>That door is what makes surprise removal safe. After MiniportDevicePnPEventNotify(SurpriseRemoved), or after
 * MiniportInterrupt read all ones from ICR, the driver must not touch the device again: {@link #markGone()} sets
 * {@link #gone} under this object's lock, and every access from a non-interrupt path ({@link #read}, {@link #write})
 * checks it under the same lock, so once {@code markGone} returns no such access can still be in progress or start.
 * MiniportInterrupt runs at DIRQL, where a C driver cannot take a spin lock that DISPATCH_LEVEL code holds; it reads
 * through {@link #readFromIsr} without this lock and is fenced instead by NdisMSynchronizeWithInterruptEx in
 * {@link E1kAdapter#devicePnPEventNotify} (the interrupt's own spin lock).
 */
final class E1kHardware {
    // ---- general (SDM 13.4)
    static final int CTRL = 0x0000;
    static final int STATUS = 0x0008;
    static final int EERD = 0x0014;
    static final int CTRL_FD = 1;
    static final int CTRL_SLU = 1 << 6;
    static final int CTRL_RST = 1 << 26;
    static final int STATUS_LU = 1 << 1;
    static final int EERD_START = 1;
    static final int EERD_DONE = 1 << 4;

    // ---- interrupts (SDM 13.4.17 to 13.4.21)
    static final int ICR = 0x00C0;
    static final int ITR = 0x00C4;
    static final int IMS = 0x00D0;
    static final int IMC = 0x00D8;
    static final int ICR_TXDW = 1;
    static final int ICR_TXQE = 1 << 1;
    static final int ICR_LSC = 1 << 2;
    static final int ICR_RXDMT0 = 1 << 4;
    static final int ICR_RXO = 1 << 6;
    static final int ICR_RXT0 = 1 << 7;
    /** The causes the driver enables: transmit written back, link change, receive (stored, threshold, overrun). */
    static final int IMS_ENABLE = ICR_TXDW | ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0;
    /** Every cause bit, for IMC. */
    static final int IMC_ALL = 0xFFFF_FFFF;

    // ---- receive (SDM 13.4.22 to 13.4.31)
    static final int RCTL = 0x0100;
    static final int RCTL_EN = 1 << 1;
    static final int RCTL_UPE = 1 << 3;
    static final int RCTL_MPE = 1 << 4;
    static final int RCTL_BAM = 1 << 15;
    /** BSIZE 00 without BSEX: 2048-byte buffers. */
    static final int RCTL_BSIZE_2048 = 0;
    static final int RCTL_SECRC = 1 << 26;
    static final int RDBAL = 0x2800;
    static final int RDBAH = 0x2804;
    static final int RDLEN = 0x2808;
    static final int RDH = 0x2810;
    static final int RDT = 0x2818;

    // ---- transmit (SDM 13.4.33 to 13.4.41)
    static final int TCTL = 0x0400;
    static final int TCTL_EN = 1 << 1;
    static final int TCTL_PSP = 1 << 3;
    static final int TDBAL = 0x3800;
    static final int TDBAH = 0x3804;
    static final int TDLEN = 0x3808;
    static final int TDH = 0x3810;
    static final int TDT = 0x3818;

    // ---- filters (SDM 13.5)
    static final int MTA = 0x5200;
    static final int MTA_REGISTERS = 128;
    static final int RAL0 = 0x5400;
    static final int RAH0 = 0x5404;
    static final int RAH_AV = 1 << 31;

    // ---- statistics (SDM 13.7), cleared when read; a 64-bit counter when its high half is read
    static final int RXERRC = 0x400C;
    static final int MPC = 0x4010;
    /** Receive Length Error Count: frames too short or too long. */
    static final int RLEC = 0x4040;
    static final int GPRC = 0x4074;
    static final int BPRC = 0x4078;
    static final int MPRC = 0x407C;
    static final int GPTC = 0x4080;
    static final int GORCL = 0x4088;
    static final int GORCH = 0x408C;
    static final int GOTCL = 0x4090;
    static final int GOTCH = 0x4094;
    static final int MPTC = 0x40F0;
    static final int BPTC = 0x40F4;

    // ---- legacy descriptors, 16 bytes, little-endian
    static final int DESCRIPTOR_BYTES = 16;
    static final int TDESC_LENGTH = 8;
    static final int TDESC_CMD = 11;
    static final int TDESC_STA = 12;
    static final int TDESC_CMD_EOP = 1;
    static final int TDESC_CMD_IFCS = 1 << 1;
    static final int TDESC_CMD_RS = 1 << 3;
    static final int TDESC_STA_DD = 1;
    static final int TDESC_STA_TU = 1 << 3;
    static final int RDESC_LENGTH = 8;
    static final int RDESC_STATUS = 12;
    static final int RDESC_ERRORS = 13;
    static final int RDESC_STA_DD = 1;
    static final int RDESC_STA_EOP = 1 << 1;

    /** What a surprise-removed PCI device answers to every read. */
    static final int ALL_ONES = 0xFFFF_FFFF;

    private final NdisIoSpace registers;
    /** The device is gone (surprise removal): nothing may touch it any more. Written under this object's lock. */
    private volatile boolean gone;

    E1kHardware(NdisIoSpace registers) {
        this.registers = registers;
    }

    /** @return the mapping, for NdisMUnmapIoSpace */
    NdisIoSpace registers() {
        return registers;
    }

    /** NdisReadRegisterUlong from any path but MiniportInterrupt; all ones once the device is gone. Any IRQL up to DISPATCH_LEVEL. */
    synchronized int read(int offset) {
        return gone ? ALL_ONES : registers.ndisReadRegisterUlong(offset);
    }

    /** NdisWriteRegisterUlong from any path but MiniportInterrupt; dropped once the device is gone. */
    synchronized void write(int offset, int value) {
        if (!gone) {
            registers.ndisWriteRegisterUlong(offset, value);
        }
    }

    /** NdisReadRegisterUlong from MiniportInterrupt (DIRQL, under the interrupt's spin lock, not this object's). */
    int readFromIsr(int offset) {
        return gone ? ALL_ONES : registers.ndisReadRegisterUlong(offset);
    }

    /** From now on nothing touches the device; returns after any access in progress on a non-interrupt path. */
    synchronized void markGone() {
        gone = true;
    }

    /** Marks the device gone from MiniportInterrupt, which read all ones (it already holds the interrupt lock). */
    void markGoneFromIsr() {
        gone = true;
    }

    boolean gone() {
        return gone;
    }

    /** @return a 64-bit statistics counter (low half first: reading the high half clears it) */
    long read64(int low, int high) {
        synchronized (this) {
            long lo = read(low) & 0xFFFF_FFFFL;
            long hi = read(high) & 0xFFFF_FFFFL;
            return gone ? 0 : hi << 32 | lo;
        }
    }

    /**
     * Reads the MAC address from the EEPROM (words 0 to 2, byte 0 in the low byte of word 0), as e1000's
     * {@code e1000_read_mac_addr} does. PASSIVE_LEVEL, in MiniportInitializeEx.
     *
     * @return the address, or null when the EEPROM did not answer (the device is gone)
     */
    byte[] readMacAddressFromEeprom() {
        byte[] mac = new byte[6];
        for (int word = 0; word < 3; word++) {
            write(EERD, word << 8 | EERD_START);
            int eerd = read(EERD);
            if (eerd == ALL_ONES || (eerd & EERD_DONE) == 0) {
                return null;
            }
            mac[2 * word] = (byte) (eerd >>> 16);
            mac[2 * word + 1] = (byte) (eerd >>> 24);
        }
        return mac;
    }

    /** Programs receive address 0 (RAL0/RAH0) with {@code mac}, marked valid. */
    void writeReceiveAddress(byte[] mac) {
        write(RAL0, (mac[0] & 0xFF) | (mac[1] & 0xFF) << 8 | (mac[2] & 0xFF) << 16 | (mac[3] & 0xFF) << 24);
        write(RAH0, (mac[4] & 0xFF) | (mac[5] & 0xFF) << 8 | RAH_AV);
    }

    /**
     * The multicast table index of an address with the multicast offset 0 (RCTL.MO = 00): bits 47:36 of the
     * destination address (SDM 13.5.1; e1000's {@code e1000_hash_mc_addr}). Register {@code hash >>> 5}, bit
     * {@code hash & 31}.
     */
    static int multicastHash(byte[] address, int offset) {
        return ((address[offset + 4] & 0xFF) >>> 4 | (address[offset + 5] & 0xFF) << 4) & 0xFFF;
    }

    /** Writes the whole multicast table for {@code addresses} (the OID's 6-byte entries, back to back). */
    void writeMulticastTable(byte[][] addresses) {
        int[] mta = new int[MTA_REGISTERS];
        for (byte[] a : addresses) {
            int hash = multicastHash(a, 0);
            mta[hash >>> 5] |= 1 << (hash & 31);
        }
        for (int i = 0; i < MTA_REGISTERS; i++) {
            write(MTA + 4 * i, mta[i]);
        }
    }

    static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static void putLe16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void putLe64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
