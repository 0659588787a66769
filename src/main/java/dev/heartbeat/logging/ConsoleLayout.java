package dev.heartbeat.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import dev.heartbeat.support.Redactor;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The console's line, written directly: {@code [<N>]yyyy-MM-dd HH:mm:ss.SSS LEVEL logger{24} - message}, then
 * the stack trace if any, every known secret masked in both. It is what the pattern
 * {@code %d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{24} - %msg%n%ex} prints, without logback's
 * {@code PatternLayout}: its converter table is some seventy lambdas and its pattern parser ~80 classes more, all
 * loaded at every start of every command (~150 classes; a cold {@code status} ~20 ms of CPU). The {@code <N>} is the
 * syslog priority prefix (sd-daemon(3)) when stdout goes to journald, which then files each line at its level.
 */
public final class ConsoleLayout extends LayoutBase<ILoggingEvent> {
    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(24);
    private ZoneId zone = ZoneId.systemDefault();
    private boolean journal;

    /** Prefixes each line with its syslog priority, for journald. */
    public void setJournal(boolean journal) {
        this.journal = journal;
    }

    /** The zone timestamps are written in; the system's unless set (tests). */
    public void setZone(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        if (journal) {
            line.append(priority(event.getLevel()));
        }
        timestamp(line, event.getTimeStamp());
        String level = event.getLevel().toString();
        line.append(' ').append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(abbreviator.abbreviate(event.getLoggerName())).append(" - ");
        line.append(Redactor.redact(event.getFormattedMessage())).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(Redactor.redact(ThrowableProxyUtil.asString(thrown)));
        }
        return line.toString();
    }

    private static String priority(Level level) {
        int value = level.toInt();
        if (value >= Level.ERROR_INT) {
            return "<3>";
        }
        if (value >= Level.WARN_INT) {
            return "<4>";
        }
        return value >= Level.INFO_INT ? "<6>" : "<7>";
    }

    private void timestamp(StringBuilder line, long epochMillis) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), zone);
        line.append(t.getYear()).append('-');
        pad(line, t.getMonthValue(), 2).append('-');
        pad(line, t.getDayOfMonth(), 2).append(' ');
        pad(line, t.getHour(), 2).append(':');
        pad(line, t.getMinute(), 2).append(':');
        pad(line, t.getSecond(), 2).append('.');
        pad(line, t.getNano() / 1_000_000, 3);
    }

    private static StringBuilder pad(StringBuilder line, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(digits);
    }
}
