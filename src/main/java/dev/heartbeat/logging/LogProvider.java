package dev.heartbeat.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.core.CoreConstants;
import java.util.function.BooleanSupplier;

/**
 * Logback as SLF4J's provider, its context set up by {@link LogSetup} directly. Logback's own provider first runs
 * its context initializer — version checks reading its jars' properties, a service lookup for configurators,
 * status reporting — which cost a command as much CPU again as the set-up itself (~25 ms). Where logback's XML
 * reader is to read a file ({@code -Dlogback.configurationFile}, the tests' {@code logback-test.xml}) it does all
 * that as before. The command line names this class in {@code slf4j.provider}, which also spares SLF4J its own
 * service lookup; it is not registered as a service, so a program that embeds the classes gets logback's.
 */
public final class LogProvider extends LogbackServiceProvider {
    private final BooleanSupplier fileConfigured;

    /** As SLF4J makes it. */
    public LogProvider() {
        this(LogSetup::fileConfigured);
    }

    /** With the test of whether logback's XML reader is to read a file given (tests have logback-test.xml). */
    LogProvider(BooleanSupplier fileConfigured) {
        this.fileConfigured = fileConfigured;
    }

    @Override
    public void initialize() {
        if (fileConfigured.getAsBoolean()) {
            super.initialize();
            return;
        }
        LoggerContext context = (LoggerContext) getLoggerFactory();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(getMDCAdapter());
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        setup.apply(context);
        context.start();
    }
}
