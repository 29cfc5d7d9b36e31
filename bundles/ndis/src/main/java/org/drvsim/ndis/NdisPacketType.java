package org.drvsim.ndis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NDIS_PACKET_TYPE_* packet-filter bits (ntddndis.h), as set with OID_GEN_CURRENT_PACKET_FILTER.
 */
public final class NdisPacketType {
    public static final int NDIS_PACKET_TYPE_DIRECTED = 0x0000_0001;
    public static final int NDIS_PACKET_TYPE_MULTICAST = 0x0000_0002;
    public static final int NDIS_PACKET_TYPE_ALL_MULTICAST = 0x0000_0004;
    public static final int NDIS_PACKET_TYPE_BROADCAST = 0x0000_0008;
    public static final int NDIS_PACKET_TYPE_PROMISCUOUS = 0x0000_0020;

    private static final Map<String, Integer> BITS = new LinkedHashMap<>();

    static {
        BITS.put("NDIS_PACKET_TYPE_DIRECTED", NDIS_PACKET_TYPE_DIRECTED);
        BITS.put("NDIS_PACKET_TYPE_MULTICAST", NDIS_PACKET_TYPE_MULTICAST);
        BITS.put("NDIS_PACKET_TYPE_ALL_MULTICAST", NDIS_PACKET_TYPE_ALL_MULTICAST);
        BITS.put("NDIS_PACKET_TYPE_BROADCAST", NDIS_PACKET_TYPE_BROADCAST);
        BITS.put("NDIS_PACKET_TYPE_PROMISCUOUS", NDIS_PACKET_TYPE_PROMISCUOUS);
    }

    private NdisPacketType() {
    }

    /** @return the filter as {@code NDIS_PACKET_TYPE_A|NDIS_PACKET_TYPE_B}, or {@code 0} */
    public static String format(int filter) {
        List<String> names = new ArrayList<>();
        int rest = filter;
        for (Map.Entry<String, Integer> e : BITS.entrySet()) {
            if ((filter & e.getValue()) != 0) {
                names.add(e.getKey());
                rest &= ~e.getValue();
            }
        }
        if (rest != 0) {
            names.add(String.format("0x%X", rest));
        }
        return names.isEmpty() ? "0" : String.join("|", names);
    }

    /**
     * Parses flags joined by {@code |} (quote it in Gogo, where | is a pipe), {@code ,} or {@code +}, such as
     * {@code NDIS_PACKET_TYPE_A|NDIS_PACKET_TYPE_B}, and decimal or {@code 0x} hex numbers.
     *
     * @throws IllegalArgumentException naming the known flags, if a part is neither
     */
    public static int parse(String text) {
        int value = 0;
        for (String part : text.split("[|,+]")) {
            String p = part.trim();
            Integer bit = BITS.get(p.toUpperCase(Locale.ROOT));
            if (bit != null) {
                value |= bit;
                continue;
            }
            long v;
            try {
                v = p.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(p.substring(2), 16) : Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a packet-filter flag or number; flags: "
                        + String.join(", ", BITS.keySet()));
            }
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("'" + p + "' does not fit the 32-bit packet filter (0 to 0xFFFFFFFF)");
            }
            value |= (int) v;
        }
        return value;
    }
}
