package org.drvsim.kernel.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A driver bundle's {@value #HEADER} manifest header, the simulation's INF: the entry class, the
 * model and the hardware IDs the driver claims. Syntax:
 *
 * <pre>Drvsim-Driver: org.example.MyDriver;model=ndis;hardware-ids="ROOT\MYNIC,PCI\VEN_1414&amp;DEV_0001"</pre>
 *
 * Backslashes are literal (hardware IDs contain them); hardware IDs are separated by commas.
 *
 * @param entryClass  fully qualified name of the driver's entry class
 * @param model       {@code ndis}, {@code storport} or {@code wdf}
 * @param hardwareIds the hardware IDs claimed, at least one
 */
public record DriverDescriptor(String entryClass, String model, List<String> hardwareIds) {
    /** The manifest header. */
    public static final String HEADER = "Drvsim-Driver";

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
                    for (String id : val.split(",")) {
                        if (!id.isBlank()) {
                            ids.add(id.trim());
                        }
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
