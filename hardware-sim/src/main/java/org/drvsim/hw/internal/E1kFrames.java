package org.drvsim.hw.internal;

import static org.drvsim.hw.E1kRegisters.*;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;
import org.drvsim.hw.DeviceSpec;

/**
 * What the Ethernet controller computes on frames and addresses, without state: the MAC address property, the
 * receive filter (SDM 3.2.1: exact unicast addresses, the multicast table hash, the promiscuous and broadcast bits),
 * the FCS and the transmit checksum, and little-endian descriptor fields.
 */
final class E1kFrames {
    /** The length of an Ethernet header: destination, source, EtherType. */
    static final int HEADER_BYTES = 14;
    /** The shortest frame without FCS that the wire carries after padding (64 bytes with it). */
    static final int MIN_PADDED_BYTES = 60;

    private E1kFrames() {
    }

    // ---- the MAC address

    /**
     * @return the MAC address from {@value org.drvsim.hw.E1kRegisters#MAC_ADDRESS_PROPERTY}, or derived from the
     *         instance ID
     * @throws IllegalArgumentException naming the device and the value when it is not a unicast MAC address
     */
    static byte[] macAddress(DeviceSpec spec) {
        String value = spec.properties().get(MAC_ADDRESS_PROPERTY);
        if (value == null) {
            CRC32 crc = new CRC32();
            crc.update(spec.instanceId().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            long c = crc.getValue();
            return new byte[] {0x02, (byte) 0xE1, (byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c};
        }
        String[] parts = value.trim().split("[-:]");
        byte[] mac = new byte[6];
        boolean ok = parts.length == 6;
        for (int i = 0; ok && i < 6; i++) {
            ok = parts[i].matches("[0-9A-Fa-f]{2}");
            if (ok) {
                mac[i] = (byte) Integer.parseInt(parts[i], 16);
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("device " + spec.instanceId() + ": " + MAC_ADDRESS_PROPERTY + "='" + value
                    + "' is not a MAC address of six hexadecimal bytes, for example 02-E1-00-00-00-01");
        }
        if ((mac[0] & 1) != 0) {
            throw new IllegalArgumentException("device " + spec.instanceId() + ": " + MAC_ADDRESS_PROPERTY + "='" + value
                    + "' is a multicast address; a port's own address is unicast (lowest bit of the first byte 0)");
        }
        return mac;
    }

    /** @return {@code 02-E1-00-00-00-01} */
    static String format(byte[] mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            sb.append(i == 0 ? "" : "-").append(String.format("%02X", mac[i] & 0xFF));
        }
        return sb.toString();
    }

    /** @return RAL for an address: bytes 0 to 3, byte 0 lowest */
    static int ral(byte[] mac) {
        return (mac[0] & 0xFF) | (mac[1] & 0xFF) << 8 | (mac[2] & 0xFF) << 16 | (mac[3] & 0xFF) << 24;
    }

    /** @return RAH for an address, without the AV bit: bytes 4 and 5 */
    static int rah(byte[] mac) {
        return (mac[4] & 0xFF) | (mac[5] & 0xFF) << 8;
    }

    // ---- the receive filter

    static boolean isBroadcast(byte[] frame) {
        for (int i = 0; i < 6; i++) {
            if (frame[i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    static boolean isMulticast(byte[] frame) {
        return (frame[0] & 1) != 0 && !isBroadcast(frame);
    }

    /**
     * Whether the receive filter passes a frame (at least {@link #HEADER_BYTES} long): a broadcast with
     * {@code RCTL.BAM}; a multicast with {@code RCTL.MPE}, an exact match or its bit in the multicast table; a
     * unicast with {@code RCTL.UPE} or an exact match among the valid receive addresses.
     */
    static boolean accepts(byte[] frame, int rctl, int[] ral, int[] rah, int[] mta) {
        if (isBroadcast(frame)) {
            return (rctl & RCTL_BAM) != 0;
        }
        if (exactMatch(frame, ral, rah)) {
            return true;
        }
        if ((frame[0] & 1) != 0) {
            if ((rctl & RCTL_MPE) != 0) {
                return true;
            }
            int hash = multicastHash(frame, (rctl & RCTL_MO_MASK) >>> 12);
            return (mta[hash >>> 5] & (1 << (hash & 0x1F))) != 0;
        }
        return (rctl & RCTL_UPE) != 0;
    }

    private static boolean exactMatch(byte[] frame, int[] ral, int[] rah) {
        int low = ral(frame);
        int high = rah(frame);
        for (int i = 0; i < ral.length; i++) {
            if ((rah[i] & RAH_AV) != 0 && ral[i] == low && (rah[i] & 0xFFFF) == high) {
                return true;
            }
        }
        return false;
    }

    /**
     * The 12-bit multicast table index of a destination address (SDM 13.5.1; Linux's {@code e1000_hash_mc_addr}):
     * bits of address bytes 4 and 5 chosen by the multicast offset {@code RCTL.MO}. Register {@code hash >>> 5},
     * bit {@code hash & 31}.
     */
    static int multicastHash(byte[] address, int multicastOffset) {
        int b4 = address[4] & 0xFF;
        int b5 = address[5] & 0xFF;
        int hash = switch (multicastOffset) {
            case 0 -> b4 >>> 4 | b5 << 4;
            case 1 -> b4 >>> 3 | b5 << 5;
            case 2 -> b4 >>> 2 | b5 << 6;
            default -> b4 | b5 << 8;
        };
        return hash & 0xFFF;
    }

    // ---- checksums

    /** @return the frame with its FCS (CRC-32 of the frame, least significant byte first) appended */
    static byte[] withFcs(byte[] frame) {
        CRC32 crc = new CRC32();
        crc.update(frame);
        long c = crc.getValue();
        byte[] out = java.util.Arrays.copyOf(frame, frame.length + FCS_BYTES);
        for (int i = 0; i < FCS_BYTES; i++) {
            out[frame.length + i] = (byte) (c >>> (8 * i));
        }
        return out;
    }

    /**
     * The legacy transmit checksum insertion ({@code TDESC.CMD.IC}): the ones'-complement of the 16-bit
     * ones'-complement sum of {@code frame[css..]} stored big-endian at {@code frame[cso]}. Nothing is inserted when
     * {@code css} or {@code cso} lie outside the frame.
     */
    static void insertChecksum(byte[] frame, int css, int cso) {
        if (css >= frame.length || cso + 2 > frame.length) {
            return;
        }
        long sum = 0;
        for (int i = css; i < frame.length; i += 2) {
            int hi = frame[i] & 0xFF;
            int lo = i + 1 < frame.length ? frame[i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int checksum = (int) ~sum & 0xFFFF;
        frame[cso] = (byte) (checksum >>> 8);
        frame[cso + 1] = (byte) checksum;
    }

    // ---- little-endian fields

    static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    static int le16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static void putLe16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
