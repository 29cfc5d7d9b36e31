package org.drvsim.kernel;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks the documented rules at run time, as Driver Verifier and the NDIS/KMDF verifiers do. A
 * port driver that finds a broken rule reports it here; the verifier records a {@link
 * TraceEvent.Kind#VIOLATION} event named {@code DriverVerifierViolation} (arguments {@code rule},
 * {@code bugCheckCode}, {@code message}), logs it, and blames exactly one driver.
 *
 * <p>Thread-safe; may be called at any IRQL.
 */
@ProviderType
public interface Verifier {
    /** One broken rule. */
    record Violation(long seq, String rule, int bugCheckCode, String driver, String device, String message) {
        @Override
        public String toString() {
            return String.format("%s (bug check 0x%X) by %s%s: %s", rule, bugCheckCode, driver,
                    device == null || device.isEmpty() ? "" : " on " + device, message);
        }
    }

    /**
     * Reports a broken rule.
     *
     * @param rule         the rule's name, for example {@code MiniportDriverUnloadWithoutDeregister}
     * @param bugCheckCode the bug check Windows would raise, for example 0xC9 (DRIVER_VERIFIER_IOMANAGER_VIOLATION)
     * @param driver       the driver blamed
     * @param device       the device instance ID, or null
     * @return the recorded violation
     */
    Violation report(String rule, int bugCheckCode, String driver, String device, String message);

    /**
     * @return the violations reported since the kernel started or since {@link #clear()}, oldest first: at most the
     *         newest {@link #capacity()} of them (clearing the trace does not forget them)
     */
    List<Violation> violations();

    /** @return how many violations the record keeps; older ones are dropped and counted by {@link #dropped()} */
    int capacity();

    /** @return how many violations were dropped from the record because it was full, since the last {@link #clear()} */
    long dropped();

    /** Forgets every recorded violation and the dropped count; the trace keeps its violation events. */
    void clear();
}
