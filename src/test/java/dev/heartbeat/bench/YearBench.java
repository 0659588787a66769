package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated year of 2-hour beats (4,380; every 12th acting) against a fake OpenAI server, run twice in the
 * same process: without and with {@code sessions.retention} (30 days, newest 50 turns kept) and
 * {@code audit.retention} (30 days). Every 30 days
 * it prints the stored messages, the database's size, the median wall time of that month's beats (the fake
 * model answers at once) and the input tokens of a quiet beat.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.YearBench</pre>
 */
public final class YearBench {
    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 365;
        System.out.println("machine: " + Stats.machine());
        for (boolean retention : new boolean[] {false, true}) {
            System.out.println(
                    retention
                            ? "with sessions.retention { older-than: 30d, keep-turns: 50 } and audit.retention 30d:"
                            : "without retention (the baseline):");
            run(days, retention);
        }
    }

    private static void run(int days, boolean retention) throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            fake.withoutTools(new FakeProvider.Text("- Earlier beats checked the queue; depths were normal."));
            Path home = Files.createTempDirectory("hb-bench-year");
            TestAgent agent = new TestAgent(home, fake);
            if (retention) {
                agent.yaml("sessions:\n  retention: { older-than: 30d, keep-turns: 50 }\naudit:\n  retention: 30d\n");
            }
            var config = new ConfigLoader(agent.env()).read(agent.config());
            MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            List<Double> month = new ArrayList<>();
            long quietInput = 0;
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                int beats = days * 12;
                for (int beat = 1; beat <= beats; beat++) {
                    boolean acting = beat % 12 == 0;
                    if (acting) {
                        fake.call("append_note", "{\"text\": \"queue depth checked at beat " + beat + "\"}")
                                .text("Queue depth is high at beat " + beat + "; please look.");
                    }
                    long start = System.nanoTime();
                    Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, true));
                    month.add((System.nanoTime() - start) / 1e6);
                    if (!acting) {
                        quietInput = d.usage().inputTokens();
                    }
                    if (beat % (30 * 12) == 0 || beat == beats) {
                        long messages = runtime.store()
                                .sessions()
                                .allMessages(config.sessionName())
                                .size();
                        long bytes = Files.size(agent.database());
                        Path wal =
                                agent.database().resolveSibling(agent.database().getFileName() + "-wal");
                        bytes += Files.exists(wal) ? Files.size(wal) : 0;
                        double[] samples =
                                month.stream().mapToDouble(Double::doubleValue).toArray();
                        System.out.printf(
                                "  day %3d: stored messages %6d, database %6.1f MB, beat median %5.1f ms "
                                        + "(p90 %5.1f), quiet beat input tokens %5d%n",
                                1 + (beat - 1) / 12,
                                messages,
                                bytes / 1e6,
                                Stats.percentile(Stats.sorted(samples), 50),
                                Stats.percentile(Stats.sorted(samples), 90),
                                quietInput);
                        printReads(runtime.store(), config.sessionName());
                        month.clear();
                    }
                    clock.advance(Duration.ofHours(2));
                }
            }
        }
    }

    /** What a beat reads now (from the session's context start) beside what it read before (the revision). */
    private static void printReads(Store store, String session) {
        long from = store.sessions().contextFrom(session);
        double[] whole = new double[15];
        double[] tail = new double[15];
        int wholeCount = 0;
        int tailCount = 0;
        for (int i = 0; i < whole.length; i++) {
            long t0 = System.nanoTime();
            wholeCount = store.sessions().history(session).size();
            long t1 = System.nanoTime();
            tailCount = store.sessions().historyFrom(session, from).size();
            long t2 = System.nanoTime();
            whole[i] = (t1 - t0) / 1e6;
            tail[i] = (t2 - t1) / 1e6;
        }
        System.out.printf(
                "           read per beat: from context_from %5d messages %6.2f ms; whole revision (before) "
                        + "%5d messages %6.2f ms%n",
                tailCount,
                Stats.percentile(Stats.sorted(tail), 50),
                wholeCount,
                Stats.percentile(Stats.sorted(whole), 50));
    }

    private YearBench() {}
}
