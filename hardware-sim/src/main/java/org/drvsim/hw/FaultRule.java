package org.drvsim.hw;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * When an armed fault fires, in the style of Linux's fault-injection framework ({@code interval},
 * {@code probability}, {@code times}) and scsi_debug's {@code every_nth}. The operation a fault names
 * checks its rule each time it runs (a "check"); the rule decides whether this check fires:
 * <ul>
 * <li>{@link Trigger#ALWAYS}: every check (the default);</li>
 * <li>{@link Trigger#NTH}: only check number {@code n} (1-based, counted from arming);</li>
 * <li>{@link Trigger#EVERY}: every {@code n}th check ({@code n}, {@code 2n}, …);</li>
 * <li>{@link Trigger#PROBABILITY}: each check with probability {@code p}, drawn from a
 *     {@link java.util.Random} seeded with {@code seed} when the rule is armed, so that a run is
 *     reproducible.</li>
 * </ul>
 * With {@code times > 0} the rule disarms itself after its {@code times}th firing; 0 means no limit.
 * {@code delayMicros} is the parameter of the {@code delayCompletion} fault (how long a completion is
 * held back, in microseconds) and of the {@code interruptStorm} fault (how often the device screams, in microseconds),
 * and is ignored by every other fault.
 *
 * @param fault       the fault name, one of the device's {@link DeviceFaults#supported()}
 * @param trigger     when it fires
 * @param n           the N of {@link Trigger#NTH} and {@link Trigger#EVERY}; 1 for the others
 * @param probability the P of {@link Trigger#PROBABILITY}, in (0, 1]; 1 for the others
 * @param seed        the seed of the random draws of {@link Trigger#PROBABILITY}
 * @param times       how many firings before the rule disarms itself; 0 for no limit
 * @param delayMicros for {@code delayCompletion}: the delay in microseconds; for {@code interruptStorm}: the interval
 *                    between interrupts in microseconds; at least 0
 * @since 2.1
 */
public record FaultRule(String fault, Trigger trigger, long n, double probability, long seed, long times,
                        long delayMicros) {
    /** The seed a probability rule uses when none is given: fixed, so that runs repeat. */
    public static final long DEFAULT_SEED = 0x5EED;
    /** The delay of {@code delayCompletion} when none is given: 1000 µs. */
    public static final long DEFAULT_DELAY_MICROS = 1000;

    /** When a rule fires. */
    public enum Trigger {
        ALWAYS, NTH, EVERY, PROBABILITY
    }

    /**
     * @throws IllegalArgumentException if {@code n} or {@code times} or {@code delayMicros} is out of range, or the
     *                                  probability is not in (0, 1]
     */
    public FaultRule {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(trigger, "trigger");
        if (n <= 0) {
            throw new IllegalArgumentException("N must be at least 1, not " + n);
        }
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("the probability must be in (0,1], not " + probability);
        }
        if (times < 0) {
            throw new IllegalArgumentException("times must be at least 0 (0: no limit), not " + times);
        }
        if (delayMicros < 0) {
            throw new IllegalArgumentException("the delay must be at least 0 µs, not " + delayMicros);
        }
    }

    /** @return a rule that fires at every check, without limit */
    public static FaultRule always(String fault) {
        return new FaultRule(fault, Trigger.ALWAYS, 1, 1, DEFAULT_SEED, 0, DEFAULT_DELAY_MICROS);
    }

    /** @return a rule that fires only at check number {@code n} */
    public static FaultRule nth(String fault, long n) {
        return new FaultRule(fault, Trigger.NTH, n, 1, DEFAULT_SEED, 0, DEFAULT_DELAY_MICROS);
    }

    /** @return a rule that fires at every {@code n}th check */
    public static FaultRule every(String fault, long n) {
        return new FaultRule(fault, Trigger.EVERY, n, 1, DEFAULT_SEED, 0, DEFAULT_DELAY_MICROS);
    }

    /** @return a rule that fires at each check with probability {@code p}, seeded with {@link #DEFAULT_SEED} */
    public static FaultRule probability(String fault, double p) {
        return new FaultRule(fault, Trigger.PROBABILITY, 1, p, DEFAULT_SEED, 0, DEFAULT_DELAY_MICROS);
    }

    /** @return this rule, disarming itself after {@code times} firings (at least 1) */
    public FaultRule times(long times) {
        if (times <= 0) {
            throw new IllegalArgumentException("--times must be at least 1, not " + times);
        }
        return new FaultRule(fault, trigger, n, probability, seed, times, delayMicros);
    }

    /** @return this rule with another seed for its random draws */
    public FaultRule seed(long seed) {
        return new FaultRule(fault, trigger, n, probability, seed, times, delayMicros);
    }

    /** @return this rule with another delay, for {@code delayCompletion} */
    public FaultRule delayMicros(long micros) {
        return new FaultRule(fault, trigger, n, probability, seed, times, micros);
    }

    /** The syntax {@link #parse(List)} reads, after the fault name. */
    public static final String SYNTAX = "FAULT [on | [--nth N | --every N | --probability P] [--times N] [--seed S]"
            + " [--delay-us US]]";

    /**
     * Reads a rule written as {@code hw:fault} takes it after the device, and as a {@code fault.NAME} key of a device
     * configuration holds it ({@link DeviceConfigurations}): the fault name, then {@code on} (every check, the
     * default) or options: {@code --nth N}, {@code --every N} or {@code --probability P} (one of them), {@code --times
     * N} (at least 1), {@code --seed S} (with {@code --probability} only) and {@code --delay-us US} (for
     * {@code delayCompletion}, and for {@code interruptStorm} on the Ethernet controller: its interval). Whether the device knows the fault is not checked here: {@link
     * DeviceFaults#arm(FaultRule)} checks it.
     *
     * @param words the fault name and its options, one word each
     * @return the rule
     * @throws IllegalArgumentException with one line saying what is wrong (for example {@code --nth must be at least
     *                                  1, not 0}); the caller adds where the words came from
     * @since 2.2
     */
    public static FaultRule parse(List<String> words) {
        if (words.isEmpty() || words.get(0).isBlank()) {
            throw new IllegalArgumentException("a fault name is missing; " + SYNTAX);
        }
        String fault = words.get(0).strip();
        if (fault.startsWith("-")) {
            throw new IllegalArgumentException("'" + fault + "' is not a fault name; " + SYNTAX);
        }
        List<String> rest = words.subList(1, words.size());
        if (rest.equals(List.of("on"))) {
            rest = List.of();
        }
        FaultRule rule = always(fault);
        String trigger = null;
        Long times = null;
        Long seed = null;
        Long delay = null;
        for (int i = 0; i < rest.size(); i++) {
            String option = rest.get(i);
            if (!Arrays.asList("--nth", "--every", "--probability", "--times", "--seed", "--delay-us")
                    .contains(option)) {
                throw new IllegalArgumentException("'" + option + "' is not on, off or an option; " + SYNTAX);
            }
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = rest.get(++i);
            switch (option) {
                case "--nth", "--every", "--probability" -> {
                    if (trigger != null) {
                        throw new IllegalArgumentException(trigger + " and " + option + " exclude each other: give one");
                    }
                    trigger = option;
                    rule = switch (option) {
                        case "--nth" -> nth(fault, positive(option, value));
                        case "--every" -> every(fault, positive(option, value));
                        default -> probability(fault, probabilityOf(value));
                    };
                }
                case "--times" -> times = positive(option, value);
                case "--seed" -> seed = number(option, value);
                default -> delay = nonNegative(option, value);
            }
        }
        if (seed != null && !"--probability".equals(trigger)) {
            throw new IllegalArgumentException("--seed seeds --probability and means nothing without it");
        }
        if (delay != null && !fault.equals(EchoDmaRegisters.DELAY_COMPLETION) && !fault.equals(E1kRegisters.INTERRUPT_STORM)) {
            throw new IllegalArgumentException("--delay-us is the delay of " + EchoDmaRegisters.DELAY_COMPLETION
                    + " and the interval of " + E1kRegisters.INTERRUPT_STORM + " only, not of " + fault);
        }
        if (times != null) {
            rule = rule.times(times);
        }
        if (seed != null) {
            rule = rule.seed(seed);
        }
        if (delay != null) {
            rule = rule.delayMicros(delay);
        }
        return rule;
    }

    /**
     * {@link #parse(List)} of a line: the words are separated by white space, as in {@code fault.1 = failDma --nth 3}.
     *
     * @since 2.2
     */
    public static FaultRule parse(String line) {
        String trimmed = line == null ? "" : line.strip();
        return parse(trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+")));
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + value + "' is not a whole number");
        }
    }

    private static long positive(String option, String value) {
        long n = number(option, value);
        if (n <= 0) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + n);
        }
        return n;
    }

    private static long nonNegative(String option, String value) {
        long n = number(option, value);
        if (n < 0) {
            throw new IllegalArgumentException(option + " must be at least 0, not " + n);
        }
        return n;
    }

    private static double probabilityOf(String value) {
        double p;
        try {
            p = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--probability '" + value + "' is not a number");
        }
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("--probability must be in (0,1], not " + value);
        }
        return p;
    }

    /** @return when the rule fires, as {@code hw:faults} shows it: {@code always}, {@code nth 3}, {@code every 2}, {@code probability 0.25 seed 7} */
    public String when() {
        return switch (trigger) {
            case ALWAYS -> "always";
            case NTH -> "nth " + n;
            case EVERY -> "every " + n;
            case PROBABILITY -> String.format(Locale.ROOT, "probability %s seed %d", probability, seed);
        };
    }
}
