package dev.heartbeat.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LocationAwareLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * SLF4J's loggers before logback is started: each answers whether it is enabled from the levels logback will be given
 * ({@link LogLevels#console}), and starts logback only when something is to be written. A command that prints and logs
 * nothing at its level (the libraries' debug lines, the beat's info line under a command's WARN) never starts it: its
 * context, console appender and layout cost a command ~20 ms of CPU (~30 ms alone in a small program). Once started,
 * every logger is logback's own.
 */
public final class LazyLoggers implements ILoggerFactory {
    /** The class whose frames a caller's call passes through last: logback looks for the caller below them. */
    private static final String CALLER_BOUNDARY = AbstractLogger.class.getName();

    private final Map<String, Level> levels;
    private final Supplier<LoggerContext> start;
    private final ConcurrentMap<String, Lazy> loggers = new ConcurrentHashMap<>();
    private volatile @Nullable LoggerContext context;

    LazyLoggers(Map<String, Level> levels, Supplier<LoggerContext> start) {
        this.levels = Map.copyOf(levels);
        this.start = start;
    }

    @Override
    public Logger getLogger(String name) {
        LoggerContext started = context;
        if (started != null) {
            return started.getLogger(name);
        }
        return loggers.computeIfAbsent(name, Lazy::new);
    }

    /** Logback's context, started now if it was not. */
    public synchronized LoggerContext context() {
        LoggerContext started = context;
        if (started == null) {
            started = start.get();
            context = started;
        }
        return started;
    }

    /** Whether logback is started. */
    boolean started() {
        return context != null;
    }

    /** A logger that is logback's once logback is started, and until then knows only its level. */
    private final class Lazy extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Level level;
        private transient volatile ch.qos.logback.classic.@Nullable Logger logback;

        Lazy(String name) {
            this.name = name;
            this.level = LogLevels.effective(levels, name);
        }

        private ch.qos.logback.classic.Logger logback() {
            ch.qos.logback.classic.Logger l = logback;
            if (l == null) {
                l = context().getLogger(name);
                logback = l;
            }
            return l;
        }

        private boolean enabled(org.slf4j.event.Level at) {
            // Started by another logger: logback's levels are the ones that count now (the daemon may add to them).
            return context != null
                    ? logback().isEnabledForLevel(at)
                    : Level.convertAnSLF4JLevel(at).isGreaterOrEqual(level);
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(org.slf4j.event.Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(org.slf4j.event.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(org.slf4j.event.Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(org.slf4j.event.Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(org.slf4j.event.Level.ERROR);
        }

        /** The fluent API's events go to logback's builder, which keeps their key-value pairs. */
        @Override
        public LoggingEventBuilder makeLoggingEventBuilder(org.slf4j.event.Level at) {
            return logback().makeLoggingEventBuilder(at);
        }

        @Override
        protected @Nullable String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                org.slf4j.event.Level at,
                @Nullable Marker marker,
                String messagePattern,
                Object @Nullable [] arguments,
                @Nullable Throwable throwable) {
            ((LocationAwareLogger) logback())
                    .log(marker, CALLER_BOUNDARY, at.toInt(), messagePattern, arguments, throwable);
        }
    }
}
