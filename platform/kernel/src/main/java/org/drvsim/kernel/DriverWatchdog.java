package org.drvsim.kernel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The watchdog on every driver routine, in the spirit of Windows' PnP/power and DPC watchdogs: {@link Callbacks}
 * tells it when a routine is entered and left. A routine that overruns its limit is reported as the verifier
 * violation {@code CallbackHung} (bug check 0x9F DRIVER_POWER_STATE_FAILURE at PASSIVE_LEVEL, 0x133
 * DPC_WATCHDOG_VIOLATION above it) with the stack of the thread it runs on, and its driver is isolated: its devices
 * get problem code 43, its bundle is stopped without calling into it again, no later callback reaches it, and a
 * fresh thread takes over the hung thread's queue (the PnP worker, a processor), so that PnP, the other drivers and
 * the framework's shutdown go on.
 *
 * <p>Limits are framework properties: {@value #PASSIVE_LIMIT_PROPERTY} (default {@value #DEFAULT_PASSIVE_MILLIS} ms)
 * for routines called at PASSIVE_LEVEL, {@value #DISPATCH_LIMIT_PROPERTY} (default {@value #DEFAULT_DISPATCH_MILLIS}
 * ms) for routines called at DISPATCH_LEVEL or DIRQL. Thread-safe.
 */
@ProviderType
public interface DriverWatchdog {
    /** Framework property: milliseconds a PASSIVE_LEVEL driver routine may run. */
    String PASSIVE_LIMIT_PROPERTY = "drvsim.watchdog.passiveMillis";
    /** Framework property: milliseconds a DISPATCH_LEVEL or DIRQL driver routine may run. */
    String DISPATCH_LIMIT_PROPERTY = "drvsim.watchdog.dispatchMillis";
    long DEFAULT_PASSIVE_MILLIS = 30_000;
    long DEFAULT_DISPATCH_MILLIS = 5_000;

    /** One routine being watched. */
    interface Watch {
        /**
         * The routine returned.
         *
         * @throws CallbackAbandoned if it had been declared hung meanwhile: the port's code after it must not run
         */
        void exit();
    }

    /** Thrown on a thread whose driver routine returned after it was declared hung: unwinds the abandoned work. */
    final class CallbackAbandoned extends Error {
        private static final long serialVersionUID = 1L;

        public CallbackAbandoned(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A routine of {@code driver} is entered on the calling thread, at the calling thread's IRQL.
     *
     * @return the watch to {@link Watch#exit()} when it returns
     */
    Watch enter(String driver, String device, String routine);

    /** @return whether the driver was isolated: no routine of it may be called any more */
    boolean isolated(String driver);

    /** @return the limit, in milliseconds, of a routine called at PASSIVE_LEVEL */
    long passiveLimitMillis();

    /** @return the limit, in milliseconds, of a routine called at DISPATCH_LEVEL or above */
    long dispatchLimitMillis();
}
