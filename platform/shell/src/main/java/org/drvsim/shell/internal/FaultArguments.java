package org.drvsim.shell.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.drvsim.hw.EchoDmaRegisters;
import org.drvsim.hw.FaultRule;

/**
 * The arguments of {@code hw:fault} after the device: what to do with one device's faults. Parsing checks
 * everything before anything is armed, so that bad input changes nothing; each refusal is an
 * {@link IllegalArgumentException} with one line that names the command.
 */
final class FaultArguments {
    static final String COMMAND = "hw:fault";
    static final String USAGE = "usage: hw:fault 'INSTANCE-ID' FAULT [on|off | [--nth N | --every N | --probability P]"
            + " [--times N] [--seed S] [--delay-us US]] | hw:fault 'INSTANCE-ID' --clear";

    /** What the command does. */
    sealed interface Action permits Arm, Disarm, Clear {
    }

    /** Arm a rule. */
    record Arm(FaultRule rule) implements Action {
    }

    /** Disarm one fault. */
    record Disarm(String fault) implements Action {
    }

    /** Disarm every fault of the device. */
    record Clear() implements Action {
    }

    private FaultArguments() {
    }

    /**
     * @param args      the arguments after the device's instance ID
     * @param supported the faults the device knows
     * @throws IllegalArgumentException with one line naming the command and what is wrong
     */
    static Action parse(List<String> args, Set<String> supported) {
        if (args.isEmpty()) {
            throw refuse("a fault name or --clear is missing; " + USAGE);
        }
        String fault = camelCase(args.get(0), supported);
        if (fault.equals("--clear")) {
            if (args.size() > 1) {
                throw refuse("--clear takes nothing after it, not " + args.subList(1, args.size()));
            }
            return new Clear();
        }
        if (!supported.contains(fault)) {
            throw refuse("unknown fault '" + fault + "'; the device knows " + (supported.isEmpty() ? "none"
                    : new TreeSet<>(supported)));
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.equals(List.of("off"))) {
            return new Disarm(fault);
        }
        if (rest.equals(List.of("on"))) {
            rest = List.of();
        }
        FaultRule rule = FaultRule.always(fault);
        String trigger = null;
        Long times = null;
        Long seed = null;
        Long delay = null;
        for (int i = 0; i < rest.size(); i++) {
            String option = rest.get(i);
            if (!Arrays.asList("--nth", "--every", "--probability", "--times", "--seed", "--delay-us")
                    .contains(option)) {
                throw refuse("'" + option + "' is not on, off or an option; " + USAGE);
            }
            if (i + 1 >= rest.size()) {
                throw refuse(option + " needs a value");
            }
            String value = rest.get(++i);
            switch (option) {
                case "--nth", "--every", "--probability" -> {
                    if (trigger != null) {
                        throw refuse(trigger + " and " + option + " exclude each other: give one");
                    }
                    trigger = option;
                    rule = switch (option) {
                        case "--nth" -> FaultRule.nth(fault, positive(option, value));
                        case "--every" -> FaultRule.every(fault, positive(option, value));
                        default -> FaultRule.probability(fault, probability(value));
                    };
                }
                case "--times" -> times = positive(option, value);
                case "--seed" -> seed = number(option, value);
                default -> delay = nonNegative(option, value);
            }
        }
        if (seed != null && !"--probability".equals(trigger)) {
            throw refuse("--seed seeds --probability and means nothing without it");
        }
        if (delay != null && !fault.equals(EchoDmaRegisters.DELAY_COMPLETION)) {
            throw refuse("--delay-us is the delay of " + EchoDmaRegisters.DELAY_COMPLETION + " only, not of " + fault);
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
        return new Arm(rule);
    }

    /**
     * Fault names are camel case ({@code interruptStorm}); the kebab-case spelling of a name the device knows
     * ({@code interrupt-storm}) means that name.
     */
    private static String camelCase(String name, Set<String> supported) {
        if (!name.contains("-") || name.startsWith("-") || supported.contains(name)) {
            return name;
        }
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return supported.contains(sb.toString()) ? sb.toString() : name;
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw refuse(option + " '" + value + "' is not a whole number");
        }
    }

    private static long positive(String option, String value) {
        long n = number(option, value);
        if (n <= 0) {
            throw refuse(option + " must be at least 1, not " + n);
        }
        return n;
    }

    private static long nonNegative(String option, String value) {
        long n = number(option, value);
        if (n < 0) {
            throw refuse(option + " must be at least 0, not " + n);
        }
        return n;
    }

    private static double probability(String value) {
        double p;
        try {
            p = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw refuse("--probability '" + value + "' is not a number");
        }
        if (!(p > 0 && p <= 1)) {
            throw refuse("--probability must be in (0,1], not " + value);
        }
        return p;
    }

    static IllegalArgumentException refuse(String what) {
        return new IllegalArgumentException(COMMAND + ": " + what);
    }
}
