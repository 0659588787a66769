package dev.heartbeat.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;

/** SLF4J's provider sets logback up with LogSetup directly, or leaves a file to logback's own initializer. */
class LogProviderTest {
    @Test
    void setsTheConsoleUpDirectlyWhereNoFileIsToBeRead() {
        LogProvider provider = new LogProvider(() -> false);
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
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
