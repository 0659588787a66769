package dev.heartbeat.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.heartbeat.support.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's line is the one logback's pattern layout printed for the same pattern (the layout it replaces is
 * the oracle), with secrets masked and the syslog prefix for journald.
 */
class ConsoleLayoutTest {
    private static final String OLD_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n%ex";

    private final LoggerContext context = new LoggerContext();

    @Test
    void writesTheLineLogbacksPatternLayoutWroteForTheSamePattern() {
        PatternLayout oracle = new PatternLayout();
        oracle.setContext(context);
        oracle.setPattern(OLD_PATTERN);
        oracle.start();
        ConsoleLayout layout = started(false);

        Exception nested =
                new IllegalStateException("store is locked", new UncheckedIOException(new IOException("disk on fire")));
        nested.addSuppressed(new RuntimeException("while closing"));
        List<ILoggingEvent> events = List.of(
                event("dev.heartbeat.daemon.Daemon", Level.INFO, "daemon started: {} agent(s)", null, 3),
                event("dev.heartbeat.beat.RunningBeat", Level.WARN, "a long logger name is abbreviated", null),
                event("org.quartz.impl.jdbcjobstore.JobStoreSupport", Level.ERROR, "failed", nested),
                event("dev.heartbeat.x", Level.DEBUG, "short name, padded level", null),
                event("Root", Level.TRACE, "no package at all", new RuntimeException("plain")));
        for (ILoggingEvent e : events) {
            assertThat(layout.doLayout(e)).isEqualTo(oracle.doLayout(e));
        }
    }

    @Test
    void writesTheTimeInTheGivenZoneWithLeadingZeros() {
        ConsoleLayout layout = started(false);
        layout.setZone(ZoneId.of("UTC"));
        LoggingEvent e = event("a.B", Level.INFO, "m", null);
        e.setTimeStamp(
                ZonedDateTime.parse("2026-01-02T03:04:05.007Z").toInstant().toEpochMilli());

        assertThat(layout.doLayout(e)).startsWith("2026-01-02 03:04:05.007 INFO  a.B - m");
    }

    @Test
    void masksSecretsInTheMessageAndTheStackTrace() {
        String secret = "sk-console-layout-secret-42";
        Redactor.register(secret);
        ConsoleLayout layout = started(false);

        String line = layout.doLayout(event(
                "dev.heartbeat.x",
                Level.ERROR,
                "calling with " + secret,
                new IllegalArgumentException("bad key " + secret)));

        assertThat(line).doesNotContain(secret).contains("calling with <redacted>", "bad key <redacted>");
    }

    @Test
    void prefixesTheSyslogPriorityOnlyForTheJournal() {
        ConsoleLayout journal = started(true);
        assertThat(journal.doLayout(event("a", Level.ERROR, "m", null))).startsWith("<3>");
        assertThat(journal.doLayout(event("a", Level.WARN, "m", null))).startsWith("<4>");
        assertThat(journal.doLayout(event("a", Level.INFO, "m", null))).startsWith("<6>");
        assertThat(journal.doLayout(event("a", Level.DEBUG, "m", null))).startsWith("<7>");
        assertThat(started(false).doLayout(event("a", Level.ERROR, "m", null))).doesNotStartWith("<");
    }

    private ConsoleLayout started(boolean journal) {
        ConsoleLayout layout = new ConsoleLayout();
        layout.setContext(context);
        layout.setJournal(journal);
        layout.start();
        return layout;
    }

    private LoggingEvent event(String logger, Level level, String message, Throwable thrown, Object... args) {
        Logger l = context.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), l, level, message, thrown, args);
    }
}
