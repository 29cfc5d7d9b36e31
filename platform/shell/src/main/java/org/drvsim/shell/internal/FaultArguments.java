package org.drvsim.shell.internal;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.drvsim.hw.FaultRule;

/**
 * The arguments of {@code hw:fault} after the device: what to do with one device's faults. Parsing checks
 * everything before anything is armed, so that bad input changes nothing; each refusal is an
 * {@link IllegalArgumentException} with one line that names the command. A rule's own syntax is
 * {@link FaultRule#parse(List)}, which device configurations' {@code fault.NAME} keys use too.
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
        List<String> named = new java.util.ArrayList<>(args);
        named.set(0, fault);
        try {
            return new Arm(FaultRule.parse(named)); // the rule syntax configuration's fault.NAME keys share
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage().replace(FaultRule.SYNTAX, USAGE));
        }
    }

    static IllegalArgumentException refuse(String what) {
        return new IllegalArgumentException(COMMAND + ": " + what);
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
}
