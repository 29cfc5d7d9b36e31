package org.drvsim.ndis;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Object identifiers (OIDs) with their ntddndis.h values, and their names for the trace and the
 * shell. Only the OIDs the simulation knows by name are listed; any 32-bit value may be requested.
 */
public final class NdisOid {
    public static final int OID_GEN_SUPPORTED_LIST = 0x0001_0101;
    public static final int OID_GEN_MAXIMUM_FRAME_SIZE = 0x0001_0106;
    public static final int OID_GEN_LINK_SPEED = 0x0001_0107;
    public static final int OID_GEN_CURRENT_PACKET_FILTER = 0x0001_010E;
    public static final int OID_GEN_CURRENT_LOOKAHEAD = 0x0001_010F;
    public static final int OID_GEN_MAXIMUM_TOTAL_SIZE = 0x0001_0111;
    public static final int OID_GEN_MEDIA_CONNECT_STATUS = 0x0001_0114;
    public static final int OID_GEN_LINK_STATE = 0x0001_0207;
    public static final int OID_GEN_STATISTICS = 0x0002_0106;
    public static final int OID_GEN_VENDOR_DESCRIPTION = 0x0001_010D;
    public static final int OID_802_3_PERMANENT_ADDRESS = 0x0101_0101;
    public static final int OID_802_3_CURRENT_ADDRESS = 0x0101_0102;
    public static final int OID_802_3_MULTICAST_LIST = 0x0101_0103;
    public static final int OID_802_3_MAXIMUM_LIST_SIZE = 0x0101_0104;
    public static final int OID_PNP_SET_POWER = 0xFD01_0101;

    private static final Map<Integer, String> NAMES = new TreeMap<>();
    private static final Map<String, Integer> VALUES = new TreeMap<>();

    static {
        for (var f : NdisOid.class.getFields()) {
            if (f.getType() == int.class && f.getName().startsWith("OID_")) {
                try {
                    int v = f.getInt(null);
                    NAMES.put(v, f.getName());
                    VALUES.put(f.getName(), v);
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private NdisOid() {
    }

    /** @return the OID's name, or its value as {@code 0x........} when it has no known name */
    public static String name(int oid) {
        String n = NAMES.get(oid);
        return n != null ? n : String.format("0x%08X", oid);
    }

    /**
     * Parses an OID given by name ({@code OID_GEN_CURRENT_PACKET_FILTER}) or number (decimal or
     * {@code 0x} hex).
     *
     * @throws IllegalArgumentException naming the known OIDs, if the text is neither
     */
    public static int parse(String text) {
        String t = text.trim();
        Integer v = VALUES.get(t.toUpperCase(Locale.ROOT));
        if (v != null) {
            return v;
        }
        long v32;
        try {
            v32 = t.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an OID; known: " + VALUES.keySet());
        }
        if (v32 < 0 || v32 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("'" + text + "' is not a 32-bit OID");
        }
        return (int) v32;
    }

    /** @return every OID known by name */
    public static Map<String, Integer> known() {
        return Map.copyOf(VALUES);
    }
}
