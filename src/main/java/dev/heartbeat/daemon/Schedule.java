package dev.heartbeat.daemon;

import dev.heartbeat.config.AgentConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.zip.CRC32;
import org.quartz.Calendar;
import org.quartz.CalendarIntervalScheduleBuilder;
import org.quartz.CronScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.TriggerUtils;
import org.quartz.spi.OperableTrigger;

/**
 * The heartbeat's schedule as Quartz sees it: a trigger (an interval with a stable per-agent offset,
 * or a cron expression in the agent's zone) and, when active hours are set, a calendar that excludes
 * the time outside them, so fires move into the window instead of firing and being skipped.
 */
public final class Schedule {
    public static final String CALENDAR = "active-hours";
    /** The trigger's data key holding {@link #signature()}, to tell a stored trigger from a changed schedule. */
    public static final String SIGNATURE = "schedule";

    private final AgentConfig config;
    private final String calendarName;

    public Schedule(AgentConfig config) {
        this(config, false);
    }

    /**
     * {@code several}: the agent is one of several in one scheduler, so its active-hours calendar is named after
     * it (the one agent of a file of today keeps the name its stored trigger already refers to).
     */
    public Schedule(AgentConfig config, boolean several) {
        this.config = config;
        this.calendarName = several ? CALENDAR + "/" + config.agent().name() : CALENDAR;
    }

    /** The name of the active-hours calendar the trigger is modified by. */
    public String calendarName() {
        return calendarName;
    }

    /** False when the schedule can never fire: heartbeat off, or active hours with start == end. */
    public boolean fires() {
        AgentConfig.Heartbeat h = config.heartbeat();
        return h.isOn() && h.window().map(w -> !w.start().equals(w.end())).orElse(true);
    }

    public TriggerKey key() {
        return TriggerKey.triggerKey("heartbeat", config.agent().name());
    }

    /** A stable offset in [0, period) from the agent's name, so many agents do not fire at the same second. */
    static long offsetMillis(String agent, long periodMillis) {
        CRC32 crc = new CRC32();
        crc.update(agent.getBytes(StandardCharsets.UTF_8));
        long seconds = Math.max(1, periodMillis / 1000);
        return (crc.getValue() % seconds) * 1000;
    }

    /** The trigger, its first fire at or after {@code from}. */
    public Trigger trigger(Instant from) {
        AgentConfig.Heartbeat h = config.heartbeat();
        TriggerBuilder<Trigger> builder =
                TriggerBuilder.newTrigger().withIdentity(key()).usingJobData(SIGNATURE, signature());
        if (h.window().isPresent()) {
            builder.modifiedByCalendar(calendarName);
        }
        if (h.cron() != null) {
            return builder.startAt(Date.from(from))
                    .withSchedule(CronScheduleBuilder.cronSchedule(cronWithOffset(h.cron()))
                            .inTimeZone(TimeZone.getTimeZone(config.agent().timezone()))
                            .withMisfireHandlingInstructionDoNothing())
                    .build();
        }
        Optional<Daily> daily = daily();
        if (daily.isPresent()) {
            Daily d = daily.get();
            return builder.startAt(Date.from(d.firstAtOrAfter(from)))
                    .withSchedule(CalendarIntervalScheduleBuilder.calendarIntervalSchedule()
                            .withIntervalInDays(d.days())
                            .inTimeZone(TimeZone.getTimeZone(d.zone()))
                            .preserveHourOfDayAcrossDaylightSavings(true)
                            .skipDayIfHourDoesNotExist(false)
                            .withMisfireHandlingInstructionDoNothing())
                    .build();
        }
        return builder.startAt(Date.from(firstOfInterval(from)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(h.every().toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /** An interval's first fire at or after {@code from}: a whole number of periods past the agent's offset. */
    private Instant firstOfInterval(Instant from) {
        long period = config.heartbeat().every().toMillis();
        long offset = offsetMillis(config.agent().name(), period);
        long k = Math.floorDiv(from.toEpochMilli() - offset + period - 1, period);
        return Instant.ofEpochMilli(k * period + offset);
    }

    /**
     * An interval that fires once a day at most, at a fixed wall-clock time: a period of whole days, or
     * one longer than the active hours (which then hold one beat a day). The time is the window's start
     * (midnight without one) plus a stable per-agent offset smaller than the window and the period, so it
     * always lies inside the window and keeps its wall-clock time across daylight-saving changes.
     */
    record Daily(LocalTime at, int days, long phase, ZoneId zone) {
        /** The first fire at or after {@code from}: a day whose number, modulo {@code days}, is the phase. */
        Instant firstAtOrAfter(Instant from) {
            LocalDate day = from.atZone(zone).toLocalDate().minusDays(1);
            while (true) {
                if (Math.floorMod(day.toEpochDay() - phase, days) == 0) {
                    Instant t = day.atTime(at).atZone(zone).toInstant();
                    if (!t.isBefore(from)) {
                        return t;
                    }
                }
                day = day.plusDays(1);
            }
        }
    }

    Optional<Daily> daily() {
        AgentConfig.Heartbeat h = config.heartbeat();
        if (h.cron() != null || h.every().isZero()) {
            return Optional.empty();
        }
        long day = Duration.ofDays(1).toMillis();
        long period = h.every().toMillis();
        Optional<AgentConfig.ActiveHours> window = h.window();
        long span = window.map(w -> w.length().toMillis()).orElse(day);
        if (period < day && (window.isEmpty() || period <= span)) {
            return Optional.empty();
        }
        int days = (int) Math.max(1, period / day);
        long offset = offsetMillis(config.agent().name(), Math.min(span, period));
        LocalTime start = window.map(AgentConfig.ActiveHours::start).orElse(LocalTime.MIDNIGHT);
        long phase = days == 1 ? 0 : offsetMillis(config.agent().name() + "/day", days * 1000L) / 1000;
        return Optional.of(new Daily(
                start.plusSeconds(offset / 1000),
                days,
                phase,
                window.map(AgentConfig.ActiveHours::timezone)
                        .orElse(config.agent().timezone())));
    }

    /** What the schedule is, in one line: equal signatures fire at equal times. */
    public String signature() {
        AgentConfig.Heartbeat h = config.heartbeat();
        Optional<Daily> daily = daily();
        String when = h.cron() != null
                ? "cron " + cronWithOffset(h.cron()) + " in " + config.agent().timezone()
                : daily.isPresent()
                        ? "at " + daily.get().at() + " every " + daily.get().days() + " day(s) (phase "
                                + daily.get().phase() + ") in " + daily.get().zone()
                        : "every " + h.every().toMillis() + " ms, offset "
                                + offsetMillis(config.agent().name(), h.every().toMillis()) + " ms";
        return when + calendar().map(c -> ", active " + c.describe()).orElse("");
    }

    /**
     * How late a fire may be and still run: half the period, between 0.5 s and 60 s. A later fire is a
     * misfire, and the trigger skips to its next time instead of catching up in a burst.
     */
    public Duration misfireThreshold() {
        Duration period = Duration.ofMinutes(2);
        if (fires()) {
            if (config.heartbeat().cron() == null) {
                period = config.heartbeat().every();
            } else {
                Instant now = Instant.now();
                List<Instant> next = fireTimes(now, now.plus(Duration.ofDays(2)));
                for (int i = 1; i < Math.min(next.size(), 10); i++) {
                    Duration gap = Duration.between(next.get(i - 1), next.get(i));
                    period = gap.compareTo(period) < 0 ? gap : period;
                }
            }
        }
        Duration half = period.dividedBy(2);
        return half.compareTo(Duration.ofMillis(500)) < 0
                ? Duration.ofMillis(500)
                : half.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : half;
    }

    /** A cron expression firing at second 0 gets the agent's offset second instead. */
    String cronWithOffset(String cron) {
        String[] fields = cron.trim().split("\\s+");
        if (!fields[0].equals("0")) {
            return cron;
        }
        fields[0] = Long.toString(offsetMillis(config.agent().name(), 60_000) / 1000);
        return String.join(" ", fields);
    }

    /** The calendar that keeps fires inside active hours, if any are set. */
    public Optional<ActiveHoursCalendar> calendar() {
        return config.heartbeat()
                .window()
                .filter(w -> !w.start().equals(w.end()))
                .map(ActiveHoursCalendar::new);
    }

    /**
     * The fire times in [from, to), computed by Quartz from the same trigger and calendar the daemon uses; those of
     * a plain interval (no cron, no days, no active hours: the default) by adding periods, as its trigger does.
     * That spares {@code status} Quartz's trigger classes, ~10 ms of CPU (the JDK's calendar data the trigger's
     * class starts, another ~10 ms, the SQLite driver starts anyway).
     */
    public List<Instant> fireTimes(Instant from, Instant to) {
        if (!fires()) {
            return List.of();
        }
        if (config.heartbeat().cron() != null
                || daily().isPresent()
                || calendar().isPresent()) {
            return quartzFireTimes(from, to);
        }
        long period = config.heartbeat().every().toMillis();
        List<Instant> times = new ArrayList<>();
        for (Instant t = firstOfInterval(from); t.isBefore(to); t = t.plusMillis(period)) {
            times.add(t);
        }
        return List.copyOf(times);
    }

    /** The fire times in [from, to) as Quartz computes them from the trigger and the calendar. */
    List<Instant> quartzFireTimes(Instant from, Instant to) {
        if (!fires()) {
            return List.of();
        }
        OperableTrigger trigger = (OperableTrigger) trigger(from);
        Calendar calendar = calendar().orElse(null);
        // With its first fire computed, Quartz keeps the trigger's own start (and our offset) instead of 'from'.
        trigger.computeFirstFireTime(calendar);
        List<Date> dates = TriggerUtils.computeFireTimesBetween(trigger, calendar, Date.from(from), Date.from(to));
        return dates.stream().map(Date::toInstant).filter(i -> i.isBefore(to)).toList();
    }

    /** The next {@code n} fires after {@code from} (fewer only when the schedule stops). */
    public List<Instant> next(Instant from, int n) {
        if (!fires()) {
            return List.of();
        }
        List<Instant> out = new ArrayList<>();
        Instant t = from;
        while (out.size() < n) {
            Optional<Instant> next = next(t);
            if (next.isEmpty()) {
                break;
            }
            out.add(next.get());
            t = next.get();
        }
        return out;
    }

    /**
     * The next fire after {@code from} within 8 days, if the schedule fires at all. Looked for in windows growing
     * from an hour: a one-minute schedule's next fire needs an hour of fire times, not 8 days of them (11,520, for
     * each of the three next beats {@code status} shows).
     */
    public Optional<Instant> next(Instant from) {
        if (!fires()) {
            return Optional.empty();
        }
        Duration limit = Duration.ofDays(8);
        for (Duration window = Duration.ofHours(1); ; window = window.multipliedBy(4)) {
            Duration w = window.compareTo(limit) < 0 ? window : limit;
            Optional<Instant> first = fireTimes(from, from.plus(w)).stream()
                    .filter(i -> i.isAfter(from))
                    .findFirst();
            if (first.isPresent() || w.equals(limit)) {
                return first;
            }
        }
    }

    public ZoneId zone() {
        return config.agent().timezone();
    }
}
