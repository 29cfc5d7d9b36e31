package org.drvsim.shell.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;

/**
 * Sends every java.util.logging record (drvsim logs with JUL: {@code drvsim: ...} messages of the kernel, the ports,
 * the watchdog and the verifier, and a driver's own records) to the OSGi Log Service, with its logger name and its
 * level, so that {@code log:display} and {@code log:tail} show them. Records pass JUL's levels (INFO and above by
 * default), then the Log Service's: this bundle's loggers are set to INFO unless the Log Service was configured
 * otherwise (the default level of drvsim.jar, org.osgi.service.log.admin.loglevel, is WARN).
 */
@Component(immediate = true, service = {})
public final class JulLogBridge {
    private final Bridge handler;

    @Activate
    public JulLogBridge(BundleContext context, @Reference LoggerFactory loggers,
                        @Reference(cardinality = ReferenceCardinality.OPTIONAL) LoggerAdmin admin) {
        if (admin != null) {
            // drvsim.bndrun keeps the other bundles' and the framework's warnings and errors (the framework's events,
            // every service registered, would crowd drvsim's records out); the records sent here are kept from INFO up
            LoggerContext own = admin.getLoggerContext(context.getBundle().getSymbolicName());
            if (own.getLogLevels().isEmpty()) {
                own.setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.INFO));
            }
        }
        handler = new Bridge(loggers);
        java.util.logging.Logger.getLogger("").addHandler(handler);
    }

    @Deactivate
    void deactivate() {
        java.util.logging.Logger.getLogger("").removeHandler(handler);
        handler.close();
    }

    /** The JUL handler: one OSGi logger per JUL logger name. */
    static final class Bridge extends Handler {
        private final LoggerFactory factory;
        private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
        private final SimpleFormatter messages = new SimpleFormatter();
        private final ThreadLocal<Boolean> publishing = new ThreadLocal<>();
        private volatile boolean closed;

        Bridge(LoggerFactory factory) {
            this.factory = factory;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord r) {
            if (r == null || closed || !isLoggable(r) || publishing.get() != null) {
                return; // a record logged while one is forwarded (by the Log Service itself) is not sent back
            }
            publishing.set(Boolean.TRUE);
            try {
                String name = r.getLoggerName() == null || r.getLoggerName().isEmpty() ? "java.util.logging"
                        : r.getLoggerName();
                Logger logger = loggers.computeIfAbsent(name, factory::getLogger);
                String message = messages.formatMessage(r);
                Throwable thrown = r.getThrown();
                // "{}" keeps braces in the message as they are; a last Throwable argument is the record's exception
                Object[] args = thrown == null ? new Object[] {message} : new Object[] {message, thrown};
                switch (LogFormat.severity(r.getLevel())) {
                    case AUDIT, ERROR -> logger.error("{}", args);
                    case WARN -> logger.warn("{}", args);
                    case INFO -> logger.info("{}", args);
                    case DEBUG -> logger.debug("{}", args);
                    case TRACE -> logger.trace("{}", args);
                }
            } catch (RuntimeException e) {
                // the Log Service is going away: the record is still in drvsim.log
            } finally {
                publishing.remove();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
