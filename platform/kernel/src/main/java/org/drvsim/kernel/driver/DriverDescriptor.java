package org.drvsim.kernel.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A driver bundle's {@value #HEADER} manifest header, the simulation's INF: the entry class, the
 * model and the hardware IDs the driver claims. bnd writes it from the model annotation on the entry class
 * ({@code @NdisMiniportDriver(hardwareIds = "ROOT\\MYNIC")}). Syntax:
 *
 * <pre>Drvsim-Driver: org.example.MyDriver;model=ndis;hardware-ids="ROOT\MYNIC,PCI\VEN_1414&amp;DEV_0001"</pre>
 *
 * Backslashes are literal (hardware IDs contain them); hardware IDs are separated by commas. One clause per
 * bundle: a driver bundle has one entry class. A hardware ID is printable ASCII without spaces, commas, quotes
 * or semicolons, at most {@value #MAX_DEVICE_ID_LEN} characters, and its backslash-separated segments are not
 * empty (Windows' rules for device identification strings; "Hardware ID" in the Windows driver documentation).
 *
 * @param entryClass  fully qualified name of the driver's entry class
 * @param model       {@code ndis}, {@code storport} or {@code wdf}
 * @param hardwareIds the hardware IDs claimed, at least one
 */
public record DriverDescriptor(String entryClass, String model, List<String> hardwareIds) {
    /** The manifest header. */
    public static final String HEADER = "Drvsim-Driver";
    /** MAX_DEVICE_ID_LEN (cfgmgr32.h): the longest hardware ID, in characters. */
    public static final int MAX_DEVICE_ID_LEN = 200;

    public DriverDescriptor {
        Objects.requireNonNull(entryClass);
        Objects.requireNonNull(model);
        hardwareIds = List.copyOf(hardwareIds);
    }

    /**
     * Parses the header value.
     *
     * @throws IllegalArgumentException with a message saying what is wrong, if the value is missing,
     *                                  has no entry class, no model, an unknown attribute or no
     *                                  hardware ID
     */
    public static DriverDescriptor parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + HEADER + " manifest header is missing or empty");
        }
        List<String> clauses = splitOutsideQuotes(value, ',');
        if (clauses.size() > 1) {
            List<String> entries = new ArrayList<>();
            for (String c : clauses) {
                entries.add(c.split(";", 2)[0].trim());
            }
            throw new IllegalArgumentException(HEADER + " names " + clauses.size() + " drivers " + entries
                    + "; a driver bundle has one entry class (one class annotated with its model annotation)");
        }
        List<String> parts = splitOutsideQuotes(value, ';');
        String entry = parts.get(0).trim();
        if (entry.isEmpty() || entry.contains("=") || !entry.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            throw new IllegalArgumentException(HEADER + " must start with the driver's entry class name, found '" + entry + "'");
        }
        String model = null;
        List<String> ids = null;
        for (String attr : parts.subList(1, parts.size())) {
            int eq = attr.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(HEADER + " attribute '" + attr.trim() + "' has no value");
            }
            String key = attr.substring(0, eq).trim();
            String val = unquote(attr.substring(eq + 1).trim());
            switch (key) {
                case "model" -> model = val.toLowerCase(Locale.ROOT);
                case "hardware-ids" -> {
                    ids = new ArrayList<>();
                    for (String id : val.split(",", -1)) {
                        ids.add(checkHardwareId(id.trim()));
                    }
                }
                default -> throw new IllegalArgumentException(HEADER + " has an unknown attribute '" + key
                        + "'; known: model, hardware-ids");
            }
        }
        if (model == null || model.isEmpty()) {
            throw new IllegalArgumentException(HEADER + " names no model (model=ndis|storport|wdf)");
        }
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException(HEADER + " claims no hardware ID (hardware-ids=\"...\")");
        }
        return new DriverDescriptor(entry, model, ids);
    }

    /**
     * Checks one hardware ID.
     *
     * @return the ID
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String checkHardwareId(String id) {
        String why = null;
        if (id.isEmpty()) {
            why = "is empty";
        } else if (id.length() > MAX_DEVICE_ID_LEN) {
            why = "is " + id.length() + " characters long; the limit is " + MAX_DEVICE_ID_LEN;
        } else if (id.contains("\\\\")) {
            why = "has an empty segment ('\\\\'): in Java source write \"ROOT\\\\MYNIC\" for the ID ROOT\\MYNIC, one "
                    + "backslash; do not escape it twice";
        } else if (id.startsWith("\\") || id.endsWith("\\")) {
            why = "starts or ends with a backslash";
        } else {
            for (char c : id.toCharArray()) {
                if (c <= ' ' || c > '~' || c == ',' || c == '"' || c == ';') {
                    why = "contains " + (c == ' ' ? "a space" : c == ',' ? "a comma" : c == '"' ? "a quote"
                            : c == ';' ? "a semicolon" : String.format("the character U+%04X", (int) c))
                            + "; a hardware ID is printable ASCII without spaces, commas, quotes or semicolons";
                    break;
                }
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("hardware ID '" + id + "' " + why);
        }
        return id;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(HEADER + " has an unterminated quote: " + s);
        }
        out.add(cur.toString());
        return out;
    }
}
