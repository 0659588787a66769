package dev.heartbeat.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import dev.heartbeat.support.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SLF4J's provider sets logback up with LogSetup directly once something is to be written, or leaves a file to
 * logback's own initializer.
 */
class LogProviderTest {
    @Test
    void setsTheConsoleUpDirectlyWhereNoFileIsToBeRead() {
        LogProvider provider = new LogProvider(() -> false);
        provider.initialize();
        LoggerContext context = ((LazyLoggers) provider.getLoggerFactory()).context();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        assertThat(context.isStarted()).isTrue();
        assertThat(context.getName()).isEqualTo("default");
        assertThat(context.getMDCAdapter()).isSameAs(provider.getMDCAdapter());
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("CONSOLE"))
                .isInstanceOfSatisfying(
                        ConsoleAppender.class,
                        console -> assertThat(console.getEncoder())
                                .isInstanceOfSatisfying(
                                        LayoutWrappingEncoder.class,
                                        encoder ->
                                                assertThat(encoder.getLayout()).isInstanceOf(ConsoleLayout.class)));
        assertThat(context.getLogger("dev.heartbeat").getLevel())
                .isEqualTo(Level.toLevel(System.getProperty("hb.log.level"), Level.INFO));
    }

    @Test
    void logbackStartsOnlyWhenSomethingIsToBeWrittenAndThenWritesItMasked() {
        LogProvider provider = new LogProvider(() -> false);
        provider.initialize();
        LazyLoggers loggers = (LazyLoggers) provider.getLoggerFactory();
        org.slf4j.Logger library = loggers.getLogger("org.sqlite.core.NativeDB");
        org.slf4j.Logger ours = loggers.getLogger("dev.heartbeat.store.Store");
        String secret = "sk-lazy-" + System.nanoTime();
        Redactor.register(secret);

        library.debug("loaded {}", "the library");
        library.info("an info line");
        ours.trace("a trace line");
        assertThat(library.isInfoEnabled()).isFalse();
        assertThat(library.isWarnEnabled()).isTrue();
        assertThat(loggers.started()).as("nothing was at its logger's level").isFalse();

        PrintStream err = System.err;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
        try {
            library.warn("the key {} was refused", secret);
        } finally {
            System.setErr(err);
        }
        assertThat(loggers.started()).isTrue();
        assertThat(written.toString(StandardCharsets.UTF_8))
                .contains("the key")
                .contains("was refused")
                .doesNotContain(secret);
        assertThat(loggers.getLogger("org.sqlite.core.NativeDB"))
                .as("once started, loggers are logback's own")
                .isInstanceOf(Logger.class);
    }

    @Test
    void aLazyLoggersLevelsAreTheOnesLogbackGivesIt() {
        LogProvider provider = new LogProvider(() -> false);
        provider.initialize();
        LoggerContext context = ((LazyLoggers) provider.getLoggerFactory()).context();
        for (String name : List.of(
                Logger.ROOT_LOGGER_NAME,
                "org",
                "org.sqlite.core.NativeDB",
                "dev.heartbeat",
                "dev.heartbeat.cli.Main",
                "dev.heartbeat.cli.Main$Inner",
                "dev.heartbeatx",
                "org.quartz.impl.jdbcjobstore.JobStoreSupport",
                "org.quartz.impl.jdbcjobstore.JobStoreSupport$1",
                "org.quartz.impl.jdbcjobstore",
                "io.modelcontextprotocol.client.McpAsyncClient")) {
            assertThat(LogLevels.effective(LogLevels.console(), name))
                    .as(name)
                    .isEqualTo(context.getLogger(name).getEffectiveLevel());
        }
    }

    @Test
    void aLoggerMadeBeforeTheStartKeepsTheBeatsIdAndTheEventsKeyValues() {
        LogProvider provider = new LogProvider(() -> false);
        provider.initialize();
        LazyLoggers loggers = (LazyLoggers) provider.getLoggerFactory();
        org.slf4j.Logger decisions = loggers.getLogger("dev.heartbeat.decision");
        provider.getMDCAdapter().put("beat", "01BEAT");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        try {
            LoggerContext context = loggers.context();
            events.setContext(context);
            events.start();
            context.getLogger("dev.heartbeat").addAppender(events);
            decisions.atWarn().addKeyValue("outcome", "quiet").log("beat {}", "done");
            decisions.warn("plain {}", 1);
        } finally {
            provider.getMDCAdapter().remove("beat");
        }
        assertThat(events.list).hasSize(2);
        ILoggingEvent event = events.list.get(0);
        assertThat(event.getFormattedMessage()).isEqualTo("beat done");
        assertThat(event.getKeyValuePairs())
                .extracting(kv -> kv.key + "=" + kv.value)
                .containsExactly("outcome=quiet");
        assertThat(event.getMDCPropertyMap()).containsEntry("beat", "01BEAT");
        assertThat(events.list.get(1).getFormattedMessage()).isEqualTo("plain 1");
        assertThat(events.list.get(1).getLoggerName()).isEqualTo("dev.heartbeat.decision");
    }

    @Test
    void leavesAFileToLogbacksOwnInitializer() {
        LogProvider provider = new LogProvider(() -> true);
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();

        assertThat(context.isStarted()).isTrue();
        assertThat(context.getLogger("dev.heartbeat").getLevel())
                .as("the tests' logback-test.xml, read by logback")
                .isEqualTo(Level.WARN);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE"))
                .isNotNull();
    }
}
