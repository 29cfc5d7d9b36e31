package org.drvsim.kernel;

import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.drvsim.nt.Irql;

/**
 * The one rule for every call from a port into a driver: lifecycle routines, per-request routines (sends, OID
 * requests, HwStorStartIo, EvtIoRead...), ISRs, DPCs, timer functions and work items. Each call is recorded as a
 * {@link TraceEvent.Kind#CALLBACK} completed with what it returned (per-request calls only while {@link
 * Trace#ioTracing()} is on), and anything a driver routine throws, {@code Error}s and undeclared checked
 * exceptions included, becomes the verifier violation {@code DriverCallbackThrew} (bug check 0x1E,
 * KMODE_EXCEPTION_NOT_HANDLED) naming the driver, the device, the routine and the exception, and the value
 * {@code onThrow}: the port then completes the routine's documented failure path. A driver's failure never takes
 * down the platform. Thread-safe; called on whatever thread and IRQL the routine runs at.
 */
public final class Callbacks {
    private static final Logger LOG = Logger.getLogger(Callbacks.class.getName());
    private final Trace trace;
    private final Verifier verifier;
    private final DriverWatchdog watchdog;

    /** Without a watchdog (unit tests of a port). */
    public Callbacks(Trace trace, Verifier verifier) {
        this(trace, verifier, null);
    }

    /**
     * @param watchdog watches every call; a driver it isolated is not called any more (its routines are taken to
     *                 have returned {@code onThrow}); null for none
     */
    public Callbacks(Trace trace, Verifier verifier, DriverWatchdog watchdog) {
        this.trace = trace;
        this.verifier = verifier;
        this.watchdog = watchdog;
    }

    /** @return whether the driver was isolated by the watchdog: the port calls none of its routines any more */
    public boolean isolated(String driver) {
        return watchdog != null && watchdog.isolated(driver);
    }

    /**
     * Calls a driver routine that returns a value, always recorded in the trace.
     *
     * @param driver  the driver, as {@link DriverObject#name()}
     * @param device  the device instance ID, or null for a driver-wide routine
     * @param name    the routine's exact WDK name, for example {@code MiniportInitializeEx}
     * @param args    its arguments, see {@link TraceEvent#argMap}
     * @param onThrow what the routine is taken to have returned when it throws
     * @return what the routine returned, or {@code onThrow}
     */
    public <T> T call(String driver, String device, String name, Map<String, ?> args, Supplier<T> routine, T onThrow) {
        if (isolated(driver)) {
            return onThrow; // isolated: not called, not traced
        }
        TraceEvent e = trace.callback(driver, device, name, args);
        T result = onThrow;
        try {
            result = invoke(driver, device, name, routine, onThrow);
        } finally {
            // BOOLEAN routines show TRUE/FALSE, as the WDK spells them
            trace.returned(e, result instanceof Boolean b ? (b ? "TRUE" : "FALSE") : result);
        }
        return result;
    }

    /** Calls a driver routine that returns nothing (VOID in the trace), always recorded in the trace. */
    public void callVoid(String driver, String device, String name, Map<String, ?> args, Runnable routine) {
        call(driver, device, name, args, () -> {
            routine.run();
            return null;
        }, null);
    }

    /**
     * Calls a per-request driver routine (a send, an OID request, HwStorStartIo, EvtIoRead, an ISR, a DPC, a timer
     * function, a work item): recorded in the trace while {@link Trace#ioTracing()} is on (the arguments are built
     * only then), called with the same containment when it is off.
     */
    public <T> T callRequest(String driver, String device, String name, Supplier<Map<String, ?>> args,
                             Supplier<T> routine, T onThrow) {
        if (trace.ioTracing()) {
            return call(driver, device, name, args.get(), routine, onThrow);
        }
        return invoke(driver, device, name, routine, onThrow);
    }

    /** {@link #callRequest} for a routine that returns nothing. */
    public void callRequestVoid(String driver, String device, String name, Supplier<Map<String, ?>> args,
                                Runnable routine) {
        callRequest(driver, device, name, args, () -> {
            routine.run();
            return null;
        }, null);
    }

    /**
     * Runs driver code that is not a WDK routine and is not traced (a device-extension or object-context factory)
     * under the same containment: what it throws becomes {@code DriverCallbackThrew} and {@code onThrow}.
     *
     * @param what what the code is, for the violation's message
     */
    public <T> T contain(String driver, String device, String what, Supplier<T> code, T onThrow) {
        return invoke(driver, device, what, code, onThrow);
    }

    private <T> T invoke(String driver, String device, String name, Supplier<T> routine, T onThrow) {
        if (isolated(driver)) {
            return onThrow;
        }
        DriverWatchdog.Watch watch = watchdog == null ? null : watchdog.enter(driver, device, name);
        try {
            return routine.get();
        } catch (Throwable t) { // Errors and sneaky checked exceptions too: the driver is at fault, not the port
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.SEVERE, "drvsim: " + name + " of " + driver + " threw", t);
            verifier.report("DriverCallbackThrew", 0x1E, driver, device, name + " threw " + t.getClass().getName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            return onThrow;
        } finally {
            if (watch != null) {
                watch.exit(); // throws CallbackAbandoned when the call was declared hung meanwhile
            }
        }
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
