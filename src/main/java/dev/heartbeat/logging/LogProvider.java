package dev.heartbeat.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback as SLF4J's provider, its context set up by {@link LogSetup} directly, and only once something is to be
 * written ({@link LazyLoggers}). Logback's own provider makes its context when it is made and then runs its context
 * initializer — version checks reading its jars' properties, a service lookup for configurators, status reporting —
 * which cost a command as much CPU again as the set-up itself (~25 ms). Where logback's XML reader is to read a file
 * ({@code -Dlogback.configurationFile}, the tests' {@code logback-test.xml}) logback's own provider does all that as
 * before. The command line names this class in {@code slf4j.provider}, which also spares SLF4J its own service lookup;
 * it is not registered as a service, so a program that embeds the classes gets logback's.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private final BooleanSupplier fileConfigured;
    // Made at once (a thread-local holder): the beat puts its id in the MDC before anything may be logged.
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private @Nullable LogbackServiceProvider logbacksOwn;
    private @Nullable LazyLoggers lazy;

    /** As SLF4J makes it. */
    public LogProvider() {
        this(LogProvider::fileConfigured);
    }

    /** With the test of whether logback's XML reader is to read a file given (tests have logback-test.xml). */
    LogProvider(BooleanSupplier fileConfigured) {
        this.fileConfigured = fileConfigured;
    }

    /** Whether logback's XML reader is to read a file: an operator's own, or the tests' logback-test.xml. */
    static boolean fileConfigured() {
        return System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || LogProvider.class.getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null;
    }

    /**
     * Logback's context, started now if it was not; empty where SLF4J's provider is not logback (a program that
     * embeds the classes with another).
     */
    static Optional<LoggerContext> loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return Optional.of(context);
        }
        return factory instanceof LazyLoggers loggers ? Optional.of(loggers.context()) : Optional.empty();
    }

    @Override
    public void initialize() {
        if (fileConfigured.getAsBoolean()) {
            LogbackServiceProvider own = new LogbackServiceProvider();
            own.initialize();
            logbacksOwn = own;
            return;
        }
        lazy = new LazyLoggers(LogLevels.console(), this::start);
    }

    private LoggerContext start() {
        LoggerContext context = new LoggerContext();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        setup.apply(context);
        context.start();
        return context;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return logbacksOwn != null ? logbacksOwn.getLoggerFactory() : Objects.requireNonNull(lazy, "not initialized");
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return logbacksOwn != null ? logbacksOwn.getMarkerFactory() : markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return logbacksOwn != null ? logbacksOwn.getMDCAdapter() : mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99"; // the SLF4J API this provider serves: 2.0, as logback's own says
    }
}
