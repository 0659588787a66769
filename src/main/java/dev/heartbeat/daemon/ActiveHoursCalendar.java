package dev.heartbeat.daemon;

import dev.heartbeat.config.AgentConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.quartz.impl.calendar.BaseCalendar;

/**
 * A Quartz calendar that includes only the active hours, in their zone, crossing midnight allowed.
 * It asks {@link AgentConfig.ActiveHours#contains} — the same rule as the beat's gate — so the
 * scheduler and the gate cannot disagree about what is inside the window.
 */
public final class ActiveHoursCalendar extends BaseCalendar {
    private static final long serialVersionUID = 1L;

    private final int startSecond;
    private final int endSecond;
    private final String zone;

    public ActiveHoursCalendar(AgentConfig.ActiveHours window) {
        this.startSecond = window.start().toSecondOfDay();
        this.endSecond = window.end().toSecondOfDay();
        this.zone = window.timezone().getId();
        setDescription("active hours " + window.start() + "-" + window.end() + " " + zone);
    }

    /** The window in one line, such as "08:00:00-22:00:00 Europe/Berlin". */
    public String describe() {
        return LocalTime.ofSecondOfDay(startSecond) + "-" + LocalTime.ofSecondOfDay(endSecond % 86_400) + " " + zone;
    }

    private AgentConfig.ActiveHours window() {
        return new AgentConfig.ActiveHours(
                LocalTime.ofSecondOfDay(startSecond), LocalTime.ofSecondOfDay(endSecond), ZoneId.of(zone));
    }

    @Override
    public boolean isTimeIncluded(long timeStamp) {
        if (!super.isTimeIncluded(timeStamp)) {
            return false;
        }
        LocalTime local =
                Instant.ofEpochMilli(timeStamp).atZone(ZoneId.of(zone)).toLocalTime();
        return window().contains(local);
    }

    @Override
    public long getNextIncludedTime(long timeStamp) {
        long t = Math.max(timeStamp, super.getNextIncludedTime(timeStamp));
        if (isTimeIncluded(t)) {
            return t;
        }
        ZoneId z = ZoneId.of(zone);
        ZonedDateTime now = Instant.ofEpochMilli(t).atZone(z);
        LocalDate day = now.toLocalDate();
        ZonedDateTime start = ZonedDateTime.of(day, LocalTime.ofSecondOfDay(startSecond), z);
        if (!start.isAfter(now)) {
            start = ZonedDateTime.of(day.plusDays(1), LocalTime.ofSecondOfDay(startSecond), z);
        }
        return start.toInstant().toEpochMilli();
    }
}
