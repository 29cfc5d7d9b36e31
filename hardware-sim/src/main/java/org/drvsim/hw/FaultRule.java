package org.drvsim.hw;

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
 * held back, in microseconds) and is ignored by every other fault.
 *
 * @param fault       the fault name, one of the device's {@link DeviceFaults#supported()}
 * @param trigger     when it fires
 * @param n           the N of {@link Trigger#NTH} and {@link Trigger#EVERY}; 1 for the others
 * @param probability the P of {@link Trigger#PROBABILITY}, in (0, 1]; 1 for the others
 * @param seed        the seed of the random draws of {@link Trigger#PROBABILITY}
 * @param times       how many firings before the rule disarms itself; 0 for no limit
 * @param delayMicros for {@code delayCompletion}: the delay in microseconds, at least 0
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
