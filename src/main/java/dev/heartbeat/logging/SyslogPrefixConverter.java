package dev.heartbeat.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code <N>} syslog priority prefixes (sd-daemon(3)) when stdout goes to journald, which then files
 * each line at its level; nothing otherwise.
 */
public final class SyslogPrefixConverter extends ClassicConverter {
    private static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;

    @Override
    public String convert(ILoggingEvent event) {
        if (!JOURNAL) {
            return "";
        }
        int level = event.getLevel().toInt();
        if (level >= Level.ERROR_INT) {
            return "<3>";
        }
        if (level >= Level.WARN_INT) {
            return "<4>";
        }
        if (level >= Level.INFO_INT) {
            return "<6>";
        }
        return "<7>";
    }
}
