package org.drvsim.shell.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One log record as one line, the same in {@code log:display}, {@code log:tail} and {@code log/drvsim.log}:
 * {@code 2026-12-05 08:59:01.123 | WARN  | PnpManagerImpl | drvsim: ...}, and the mapping of java.util.logging
 * levels to the OSGi Log Service's.
 */
final class LogFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** The OSGi Log Service's levels, most severe first (the names of {@code org.osgi.service.log.LogLevel}). */
    enum Severity {
        AUDIT, ERROR, WARN, INFO, DEBUG, TRACE;

        /** Whether a record of this severity is shown when at least {@code threshold} is asked for. */
        boolean atLeast(Severity threshold) {
            return ordinal() <= threshold.ordinal();
        }

        /**
         * @param name a level name, any case: AUDIT, ERROR, WARN (or WARNING), INFO, DEBUG, TRACE
         * @throws IllegalArgumentException naming the levels
         */
        static Severity parse(String name, String command) {
            String n = name.strip().toUpperCase(Locale.ROOT);
            if (n.equals("WARNING")) {
                return WARN;
            }
            for (Severity s : values()) {
                if (s.name().equals(n)) {
                    return s;
                }
            }
            throw new IllegalArgumentException(command + ": no log level '" + name
                    + "'; the levels are ERROR, WARN, INFO, DEBUG and TRACE");
        }
    }

    private LogFormat() {
    }

    /** SEVERE is ERROR, WARNING is WARN, INFO is INFO, CONFIG and FINE are DEBUG, FINER and FINEST are TRACE. */
    static Severity severity(Level level) {
        int v = level == null ? Level.INFO.intValue() : level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return Severity.ERROR;
        }
        if (v >= Level.WARNING.intValue()) {
            return Severity.WARN;
        }
        if (v >= Level.INFO.intValue()) {
            return Severity.INFO;
        }
        if (v >= Level.FINE.intValue()) {
            return Severity.DEBUG;
        }
        return Severity.TRACE;
    }

    /**
     * A logger's short name: the class name of a logger named after a class ({@code org.drvsim.kernel.internal.PnpManagerImpl}
     * is {@code PnpManagerImpl}), any other name whole ({@code org.drvsim.verifier}).
     */
    static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        if (dot >= 0 && dot + 1 < logger.length() && Character.isUpperCase(logger.charAt(dot + 1))) {
            return logger.substring(dot + 1);
        }
        return logger;
    }

    /** One line; an exception adds its own text after the message (the file has its stack too). */
    static String line(long millis, Severity severity, String logger, String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(TIME.format(Instant.ofEpochMilli(millis)))
                .append(" | ").append(String.format("%-5s", severity.name()))
                .append(" | ").append(shortName(logger))
                .append(" | ").append(message == null ? "" : message);
        if (thrown != null) {
            String t = thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
            if (message == null || !message.contains(t)) {
                sb.append(" (").append(t).append(')');
            }
        }
        return sb.toString();
    }

    /** {@code log/drvsim.log}: the line, then the stack of an exception. */
    static final class FileFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(line(r.getMillis(), severity(r.getLevel()), r.getLoggerName(),
                    formatMessage(r), r.getThrown()));
            sb.append(System.lineSeparator());
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(w);
            }
            return sb.toString();
        }
    }
}
