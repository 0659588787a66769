package dev.heartbeat.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The console logging every command starts with, set up in code: logback's XML reader loaded an XML parser and a
 * few hundred classes of its own at every start to read the same dozen lines. The daemon logs to stdout (journald
 * reads it), other commands to stderr, keeping stdout for their output ({@code hb.log.target}, set by the command
 * line); {@code dev.heartbeat} at {@code hb.log.level}; each line written by {@link ConsoleLayout}, secrets masked
 * in every message and stack trace. The command line's {@link LogProvider} calls {@link #apply} directly; logback
 * finds this class as a configurator where its own provider runs. An operator's own file
 * ({@code -Dlogback.configurationFile}) and the tests' {@code logback-test.xml} still go to logback's XML reader.
 * A JSON log ({@code logging.json-file} in agent.yaml) is added by {@link Logs} when the daemon starts.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (LogProvider.fileConfigured()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets the console up in {@code context}, whatever files there are. */
    void apply(LoggerContext context) {
        ConsoleLayout layout = new ConsoleLayout();
        layout.setContext(context);
        layout.setJournal(System.getenv("JOURNAL_STREAM") != null);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget(System.getProperty("hb.log.target", "System.err"));
        console.setEncoder(encoder);
        console.start();

        LogLevels.console().forEach((name, level) -> context.getLogger(name).setLevel(level));
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);
    }
}
