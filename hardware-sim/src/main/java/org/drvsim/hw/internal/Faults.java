package org.drvsim.hw.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import org.drvsim.hw.DeviceFaults;

/** The fault knobs of one device; the names a device supports come from its specification. */
final class Faults implements DeviceFaults {
    private final String device;
    private final Set<String> supported;
    private final Set<String> armed = new ConcurrentSkipListSet<>();

    Faults(String device, Set<String> supported) {
        this.device = device;
        this.supported = Set.copyOf(supported);
    }

    static Set<String> parse(String list) {
        if (list == null || list.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public void arm(String fault) {
        if (!supported.contains(fault)) {
            throw new IllegalArgumentException("device " + device + " has no fault '" + fault
                    + "'; it supports " + (supported.isEmpty() ? "none" : new TreeSet<>(supported)));
        }
        armed.add(fault);
    }

    @Override public void disarm(String fault) { armed.remove(fault); }
    @Override public Set<String> armed() { return Set.copyOf(armed); }
    @Override public boolean isArmed(String fault) { return armed.contains(fault); }
    @Override public Set<String> supported() { return supported; }
}
