package org.drvsim.hw.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.drvsim.hw.DeviceFaults;
import org.drvsim.hw.FaultRule;
import org.drvsim.hw.FaultRuleState;

/**
 * The fault rules of one device; the names a device supports come from its specification. An operation calls
 * {@link #check(String)} first; the rule arithmetic (nth, every, probability, times) lives in {@link Armed}.
 */
final class Faults implements DeviceFaults {
    /** Told of each firing; the bus forwards it to its {@link org.drvsim.hw.FaultListener}s. */
    interface Reporter {
        Reporter NONE = (fault, firing) -> { };

        void fired(String fault, long firing);
    }

    private final String device;
    private final Set<String> supported;
    /** The armed rules by fault name; guarded by this. */
    private final Map<String, Armed> armed = new TreeMap<>();
    private volatile Reporter reporter = Reporter.NONE;
    /** Told of each rule armed, after it is armed; a device whose fault runs by itself (a storm) starts it here. */
    private volatile java.util.function.Consumer<String> armListener = fault -> { };

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

    /** Where firings go; set once by the bus when the device is built. */
    void reportTo(Reporter r) {
        reporter = r;
    }

    /** Who hears of each rule armed (the fault name); set once by the device when it is built. */
    void onArm(java.util.function.Consumer<String> listener) {
        armListener = listener;
    }

    /**
     * The check an operation makes before it runs: counts one check of the fault's rule and says whether it fires.
     * A firing is reported (outside this object's lock), and a rule whose {@code times} are used up is disarmed.
     *
     * @return the rule when it fires now; empty when no rule is armed for {@code fault} or it does not fire
     */
    Optional<FaultRule> check(String fault) {
        long firing;
        FaultRule rule;
        synchronized (this) {
            Armed a = armed.get(fault);
            if (a == null || !a.check()) {
                return Optional.empty();
            }
            firing = a.firings;
            rule = a.rule;
            if (rule.times() > 0 && firing >= rule.times()) {
                armed.remove(fault);
            }
        }
        reporter.fired(fault, firing);
        return Optional.of(rule);
    }

    /** @return the rule armed for {@code fault}, without counting a check; empty when none is */
    synchronized Optional<FaultRule> armedRule(String fault) {
        Armed a = armed.get(fault);
        return a == null ? Optional.empty() : Optional.of(a.rule);
    }

    /** {@link #check(String)} when only whether it fires matters. */
    boolean fires(String fault) {
        return check(fault).isPresent();
    }

    @Override
    public void arm(FaultRule rule) {
        if (!supported.contains(rule.fault())) {
            throw new IllegalArgumentException("device " + device + " has no fault '" + rule.fault()
                    + "'; it supports " + (supported.isEmpty() ? "none" : new TreeSet<>(supported)));
        }
        synchronized (this) {
            armed.put(rule.fault(), new Armed(rule));
        }
        armListener.accept(rule.fault());
    }

    @Override public synchronized void disarm(String fault) { armed.remove(fault); }
    @Override public synchronized void clear() { armed.clear(); }
    @Override public synchronized Set<String> armed() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(armed.keySet()));
    }
    @Override public synchronized boolean isArmed(String fault) { return armed.containsKey(fault); }
    @Override public Set<String> supported() { return supported; }

    @Override
    public synchronized List<FaultRuleState> rules() {
        List<FaultRuleState> states = new ArrayList<>();
        for (Armed a : armed.values()) {
            states.add(new FaultRuleState(a.rule, a.checks, a.firings));
        }
        return states;
    }

    /** One armed rule and its counters; guarded by the enclosing {@link Faults}. */
    private static final class Armed {
        final FaultRule rule;
        /** Drawn from only by a probability rule, in check order: the same seed gives the same firings. */
        final Random random;
        long checks;
        long firings;

        Armed(FaultRule rule) {
            this.rule = rule;
            this.random = new Random(rule.seed());
        }

        /** Counts one check; @return whether it fires (and then counts the firing) */
        boolean check() {
            checks++;
            boolean fires = switch (rule.trigger()) {
                case ALWAYS -> true;
                case NTH -> checks == rule.n();
                case EVERY -> checks % rule.n() == 0;
                case PROBABILITY -> random.nextDouble() < rule.probability();
            };
            if (fires) {
                firings++;
            }
            return fires;
        }
    }
}
