package org.drvsim.hw;

/**
 * An armed fault rule and its counters, as {@link DeviceFaults#rules()} and {@code hw:faults} show them.
 *
 * @param rule    the rule
 * @param checks  how many times the operation the fault names checked the rule since it was armed
 * @param firings how many of those checks fired
 * @since 2.1
 */
public record FaultRuleState(FaultRule rule, long checks, long firings) {
}
