package org.drvsim.nt;

/**
 * Interrupt request levels, as {@code KIRQL} on x64 Windows. The current IRQL is confined to the
 * thread that runs at it: the {@link Scheduler} sets it on each of its threads (PASSIVE_LEVEL for
 * the PnP worker and system workers, DISPATCH_LEVEL for DPCs and timers, DIRQL for ISRs), and
 * {@link #raise}/{@link #lower} model {@code KeRaiseIrql}/{@code KeLowerIrql} with their checks.
 * Threads the scheduler does not own (the shell, a test) run at PASSIVE_LEVEL.
 */
public enum Irql {
    PASSIVE_LEVEL(0),
    APC_LEVEL(1),
    DISPATCH_LEVEL(2),
    /** Device IRQL: the level an ISR runs at (this simulation uses one DIRQL for all devices). */
    DIRQL(5),
    HIGH_LEVEL(15);

    private static final ThreadLocal<Irql> CURRENT = ThreadLocal.withInitial(() -> PASSIVE_LEVEL);

    private final int level;

    Irql(int level) {
        this.level = level;
    }

    /** @return the numeric level, as KIRQL */
    public int level() {
        return level;
    }

    /** @return the IRQL the calling thread runs at */
    public static Irql current() {
        return CURRENT.get();
    }

    /**
     * Models {@code KeRaiseIrql}: raises the calling thread's IRQL.
     *
     * @return the previous IRQL, to pass to {@link #lower}
     * @throws IllegalStateException (bug check IRQL_NOT_GREATER_OR_EQUAL, 0x9) if {@code newIrql} is
     *                               below the current IRQL; the IRQL is unchanged
     */
    public static Irql raise(Irql newIrql) {
        Irql old = CURRENT.get();
        if (newIrql.level < old.level) {
            throw new IllegalStateException("IRQL_NOT_GREATER_OR_EQUAL (0x9): KeRaiseIrql to " + newIrql
                    + " from " + old);
        }
        CURRENT.set(newIrql);
        return old;
    }

    /**
     * Models {@code KeLowerIrql}: lowers the calling thread's IRQL back to {@code newIrql}.
     *
     * @throws IllegalStateException (bug check IRQL_NOT_LESS_OR_EQUAL, 0xA) if {@code newIrql} is
     *                               above the current IRQL; the IRQL is unchanged
     */
    public static void lower(Irql newIrql) {
        Irql old = CURRENT.get();
        if (newIrql.level > old.level) {
            throw new IllegalStateException("IRQL_NOT_LESS_OR_EQUAL (0xA): KeLowerIrql to " + newIrql
                    + " from " + old);
        }
        CURRENT.set(newIrql);
    }
}
