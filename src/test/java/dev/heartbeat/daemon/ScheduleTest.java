package dev.heartbeat.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigException;
import dev.heartbeat.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schedule as Quartz computes it from our trigger and calendar, at fixed instants: no sleeping. */
class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;

    private Schedule schedule(String name, String heartbeatYaml) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                "agent: { name: " + name + ", timezone: Europe/Berlin }\n"
                        + "model: { provider: ollama, name: m }\nheartbeat:\n" + heartbeatYaml);
        AgentConfig config = new ConfigLoader(Map.of()).read(file);
        return new Schedule(config);
    }

    private static Instant berlin(String localDateTime) {
        return ZonedDateTime.of(LocalDateTime.parse(localDateTime), BERLIN).toInstant();
    }

    @Test
    void anIntervalFiresEveryPeriodAtAStablePerAgentOffset() throws Exception {
        Schedule a = schedule("ops-watch", "  every: 30m\n");
        Instant from = Instant.parse("2026-11-22T00:00:00Z");
        List<Instant> times = a.fireTimes(from, from.plus(Duration.ofHours(5)));
        assertThat(times).hasSize(10);
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i))).isEqualTo(Duration.ofMinutes(30));
        }
        long offset = Schedule.offsetMillis("ops-watch", Duration.ofMinutes(30).toMillis());
        assertThat(times.get(0).toEpochMilli() % Duration.ofMinutes(30).toMillis())
                .isEqualTo(offset);
        // Stable across restarts: the same agent computes the same slots from any starting point.
        assertThat(a.fireTimes(from.plusSeconds(17), from.plus(Duration.ofHours(5))))
                .isEqualTo(times);
        // Different agents land on different seconds.
        long other =
                Schedule.offsetMillis("billing-watch", Duration.ofMinutes(30).toMillis());
        assertThat(other).isNotEqualTo(offset);
    }

    @Test
    void aPlainIntervalsFireTimesAreQuartzsWithoutAskingIt() throws Exception {
        Random random = new Random(17);
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 150; i++) {
            String name = "agent-" + Integer.toString(random.nextInt(1 << 20), 36);
            long seconds = i < 5 ? List.of(1, 60, 1800, 3600, 86_399).get(i) : 1 + random.nextInt(86_399);
            Schedule s = schedule(name, "  every: " + seconds + "s\n");
            Instant from = base.plusSeconds(random.nextInt(366 * 86_400)).plusNanos(random.nextInt(1_000_000_000));
            Instant to = from.plusSeconds(seconds * random.nextInt(40) + random.nextInt(3600));

            // and on the edges: from and to at a fire, or a nanosecond either side of it
            Instant fire =
                    s.quartzFireTimes(from, from.plusSeconds(seconds + 1)).get(0);
            List<Instant[]> spans = List.of(
                    new Instant[] {from, to},
                    new Instant[] {fire, to},
                    new Instant[] {fire.minusNanos(1), to},
                    new Instant[] {fire.plusNanos(1), to},
                    new Instant[] {from, fire},
                    new Instant[] {from, fire.plusNanos(1)});
            for (Instant[] span : spans) {
                assertThat(s.fireTimes(span[0], span[1]))
                        .as("%s every %ds from %s to %s", name, seconds, span[0], span[1])
                        .isEqualTo(s.quartzFireTimes(span[0], span[1]));
            }
            assertThat(s.next(from, 3)).hasSize(3);
        }
    }

    @Test
    void cronRunsInTheAgentsZoneWithTheOffsetSecond() throws Exception {
        Schedule s = schedule("ops-watch", "  cron: \"0 0 9 * * ?\"\n");
        List<Instant> times = s.fireTimes(berlin("2026-11-22T00:00"), berlin("2026-11-25T00:00"));
        assertThat(times).hasSize(3);
        long second = Schedule.offsetMillis("ops-watch", 60_000) / 1000;
        assertThat(times).allSatisfy(t -> {
            assertThat(t.atZone(BERLIN).toLocalTime()).isEqualTo(LocalTime.of(9, 0, (int) second));
        });
        assertThat(s.cronWithOffset("15 0 9 * * ?"))
                .as("an explicit second is kept")
                .isEqualTo("15 0 9 * * ?");
    }

    @Test
    void activeHoursMoveFiresIntoTheWindow() throws Exception {
        Schedule s = schedule(
                "ops-watch",
                "  every: 1h\n  active-hours: { start: \"08:00\", end: \"22:00\", " + "timezone: Europe/Berlin }\n");
        List<Instant> times = s.fireTimes(berlin("2026-11-22T00:00"), berlin("2026-11-24T00:00"));
        assertThat(times).hasSize(28);
        assertThat(times).allSatisfy(t -> {
            LocalTime local = t.atZone(BERLIN).toLocalTime();
            assertThat(local).isAfterOrEqualTo(LocalTime.of(8, 0)).isBefore(LocalTime.of(22, 0));
        });
        Instant after = s.next(berlin("2026-11-22T22:30")).orElseThrow();
        assertThat(after.atZone(BERLIN).toLocalDate()).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(after.atZone(BERLIN).toLocalTime()).isBefore(LocalTime.of(9, 0));
    }

    @Test
    void theNextFiresAreTheFirstFireTimesAfterTheInstant() throws Exception {
        Map<String, String> schedules = Map.of(
                "minutely", "  every: 1m\n",
                "hourly-by-day", "  every: 1h\n  active-hours: { start: \"08:00\", end: \"10:00\" }\n",
                "nightly", "  every: 30m\n  active-hours: { start: \"22:00\", end: \"02:00\" }\n",
                "weekly", "  cron: \"0 0 9 ? * MON\"\n");
        Instant from = berlin("2026-11-22T10:30");
        for (Map.Entry<String, String> e : schedules.entrySet()) {
            Schedule s = schedule(e.getKey(), e.getValue());
            List<Instant> expected = s.fireTimes(from, from.plus(Duration.ofDays(30))).stream()
                    .filter(t -> t.isAfter(from))
                    .limit(3)
                    .toList();

            assertThat(s.next(from, 3)).as(e.getKey()).hasSize(3).isEqualTo(expected);
            assertThat(s.next(from)).as(e.getKey()).contains(expected.get(0));
        }
    }

    @Test
    void activeHoursMayCrossMidnight() throws Exception {
        Schedule s = schedule(
                "night",
                "  every: 30m\n  active-hours: { start: \"22:00\", end: \"02:00\", " + "timezone: Europe/Berlin }\n");
        List<Instant> times = s.fireTimes(berlin("2026-11-22T12:00"), berlin("2026-11-23T12:00"));
        assertThat(times).hasSize(8);
        assertThat(times).allSatisfy(t -> {
            LocalTime local = t.atZone(BERLIN).toLocalTime();
            assertThat(local.isAfter(LocalTime.of(21, 59)) || local.isBefore(LocalTime.of(2, 0)))
                    .isTrue();
        });
    }

    @Test
    void daylightSavingChangesFollowTheWallClock() throws Exception {
        Schedule s = schedule(
                "dst",
                "  every: 30m\n  active-hours: { start: \"01:00\", end: \"04:00\", " + "timezone: Europe/Berlin }\n");
        // 29 March 2026: clocks jump from 02:00 to 03:00, so the window holds two real hours.
        assertThat(s.fireTimes(berlin("2026-03-29T00:00"), berlin("2026-03-29T12:00")))
                .hasSize(4);
        // 25 October 2026: clocks go back from 03:00 to 02:00, so the window holds four real hours.
        assertThat(s.fireTimes(berlin("2026-10-25T00:00"), berlin("2026-10-25T12:00")))
                .hasSize(8);
        // An ordinary day: three hours.
        assertThat(s.fireTimes(berlin("2026-10-26T00:00"), berlin("2026-10-26T12:00")))
                .hasSize(6);
    }

    @Test
    void aZeroIntervalOrDisabledNeverFires() throws Exception {
        assertThat(schedule("zero", "  every: 0m\n").fires()).isFalse();
        assertThat(schedule("disabled", "  enabled: false\n").fires()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "'  every: 30m\n  active-hours: { start: \"08:00\", end: \"08:00\" }\n', heartbeat.active-hours",
        "'  cron: \"0 0 3 * * ?\"\n  active-hours: { start: \"08:00\", end: \"22:00\" }\n', heartbeat.cron",
        "'  every: 36h\n', heartbeat.every",
    })
    void aScheduleThatCanNeverFireOrDriftsIsAConfigError(String yaml, String key) {
        Assertions.assertThatThrownBy(() -> schedule("never", yaml.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void everyIntervalWithAShortWindowFiresInsideItEveryDay() throws Exception {
        for (String name : List.of("ops-watch", "billing-watch", "disk-watch")) {
            for (String every : List.of("24h", "12h", "6h", "3h", "150m", "90m")) {
                Schedule s = schedule(
                        name, "  every: " + every + "\n  active-hours: { start: \"08:00\", end: \"10:00\" }\n");
                // 30 days across the spring daylight-saving change.
                List<Instant> times = s.fireTimes(berlin("2026-03-15T00:00"), berlin("2026-04-14T00:00"));
                Set<LocalDate> days = new TreeSet<>();
                for (Instant t : times) {
                    LocalTime local = t.atZone(BERLIN).toLocalTime();
                    assertThat(local)
                            .as(name + " every " + every)
                            .isAfterOrEqualTo(LocalTime.of(8, 0))
                            .isBefore(LocalTime.of(10, 0));
                    days.add(t.atZone(BERLIN).toLocalDate());
                }
                assertThat(days)
                        .as(name + " every " + every + ": a beat every day")
                        .hasSize(30);
            }
        }
    }

    @Test
    void aDailyPeriodKeepsItsWallClockTimeAcrossDaylightSaving() throws Exception {
        for (String yaml :
                List.of("  every: 24h\n", "  every: 24h\n  active-hours: { start: \"23:00\", end: \"01:00\" }\n")) {
            Schedule s = schedule("ops-watch", yaml);
            List<Instant> times = s.fireTimes(berlin("2026-03-20T00:00"), berlin("2026-04-05T00:00"));
            assertThat(times).hasSize(16);
            assertThat(times.stream().map(t -> t.atZone(BERLIN).toLocalTime()).distinct())
                    .as(yaml)
                    .hasSize(1);
        }
        List<Instant> twoDays = schedule("ops-watch", "  every: 48h\n")
                .fireTimes(berlin("2026-03-20T00:00"), berlin("2026-04-05T00:00"));
        assertThat(twoDays).hasSize(8);
    }

    @Test
    void activeHoursTakeTheAgentsTimeZoneUnlessTheyNameOne() throws Exception {
        Path file = dir.resolve("zone.yaml");
        Files.writeString(
                file,
                "agent: { name: z, timezone: America/New_York }\nmodel: { provider: ollama, name: m }\n"
                        + "heartbeat:\n  active-hours: { start: \"08:00\", end: \"10:00\" }\n");
        AgentConfig config = new ConfigLoader(Map.of()).read(file);
        assertThat(config.heartbeat().window().orElseThrow().timezone()).isEqualTo(ZoneId.of("America/New_York"));
    }

    @Test
    void downtimeCountsTheFiresItMissed() throws Exception {
        Schedule s = schedule("ops-watch", "  every: 30m\n");
        Instant down = Instant.parse("2026-11-22T10:00:00Z");
        assertThat(s.fireTimes(down, down.plus(Duration.ofHours(3)))).hasSize(6);
    }
}
