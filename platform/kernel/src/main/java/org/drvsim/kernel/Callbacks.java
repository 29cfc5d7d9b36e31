package org.drvsim.kernel;

import org.drvsim.nt.Irql;

import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How a port driver calls into a driver and checks the driver's calls back: every routine call is
 * recorded as a {@link TraceEvent.Kind#CALLBACK} completed with what it returned, and a driver routine
 * that throws becomes a verifier violation and a value, never an exception in the port (a failing driver
 * never takes down the platform). Thread-safe.
 */
public final class Callbacks {
    private static final Logger LOG = Logger.getLogger(Callbacks.class.getName());
    private final Trace trace;
    private final Verifier verifier;

    public Callbacks(Trace trace, Verifier verifier) {
        this.trace = trace;
        this.verifier = verifier;
    }

    /**
     * Calls a driver routine that returns a value.
     *
     * @param name    the routine's exact WDK name, for example {@code MiniportInitializeEx}
     * @param args    its arguments, see {@link TraceEvent#argMap}
     * @param onThrow what the routine is taken to have returned when it throws
     * @return what the routine returned, or {@code onThrow}
     */
    public <T> T call(String driver, String device, String name, Map<String, ?> args, Supplier<T> routine, T onThrow) {
        TraceEvent e = trace.callback(driver, device, name, args);
        T result = onThrow;
        try {
            result = routine.get();
        } catch (RuntimeException | LinkageError ex) {
            LOG.log(Level.SEVERE, "drvsim: " + name + " of " + driver + " threw", ex);
            verifier.report("DriverCallbackThrew", 0x1E, driver, device, name + " threw " + ex);
        } finally {
            // BOOLEAN routines show TRUE/FALSE, as the WDK spells them
            trace.returned(e, result instanceof Boolean b ? (b ? "TRUE" : "FALSE") : result);
        }
        return result;
    }

    /** Calls a driver routine that returns nothing (VOID in the trace). */
    public void callVoid(String driver, String device, String name, Map<String, ?> args, Runnable routine) {
        call(driver, device, name, args, () -> {
            routine.run();
            return null;
        }, null);
    }

    /**
     * Checks that a driver calls a port function at or below its documented IRQL; reports
     * IRQL_NOT_LESS_OR_EQUAL (rule {@code IrqlTooHigh}, bug check 0xA) otherwise. The call itself goes on.
     */
    public void checkIrql(String driver, String device, String ddi, Irql maximum) {
        Irql now = Irql.current();
        if (now.level() > maximum.level()) {
            verifier.report("IrqlTooHigh", 0xA, driver, device, ddi + " called at " + now + "; it runs at "
                    + (maximum == Irql.PASSIVE_LEVEL ? "PASSIVE_LEVEL" : "<= " + maximum));
        }
    }
}
