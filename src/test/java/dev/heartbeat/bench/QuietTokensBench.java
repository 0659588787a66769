package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A week of 30-minute beats (336) against a fake OpenAI server, every 12th beat acting (a tool call
 * and a report), the rest quiet; prints the input tokens of quiet beats as the history grows.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.QuietTokensBench</pre>
 */
public final class QuietTokensBench {
    public static void main(String[] args) throws Exception {
        int beats = args.length > 0 ? Integer.parseInt(args[0]) : 336;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            fake.withoutTools(new FakeProvider.Text("- Earlier beats checked the queue; depths were normal."));
            Path home = Files.createTempDirectory("hb-bench-week");
            TestAgent agent = new TestAgent(home, fake);
            var config = new ConfigLoader(agent.env()).read(agent.config());
            MutableClock clock = new MutableClock(Instant.parse("2026-11-16T00:00:00Z"), ZoneOffset.UTC);
            long firstQuiet = -1;
            long maxQuiet = 0;
            int messages = 0;
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                for (int beat = 1; beat <= beats; beat++) {
                    boolean acting = beat % 12 == 0;
                    if (acting) {
                        fake.call("append_note", "{\"text\": \"queue depth checked at beat " + beat + "\"}")
                                .text("Queue depth is high at beat " + beat + "; please look.");
                    }
                    Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, true));
                    long input = d.usage().inputTokens();
                    if (!acting) {
                        if (firstQuiet < 0) {
                            firstQuiet = input;
                        }
                        maxQuiet = Math.max(maxQuiet, input);
                    }
                    messages = runtime.store()
                            .sessions()
                            .history(config.sessionName())
                            .size();
                    if (beat == 1
                            || beat == 48
                            || beat == 96
                            || beat == 168
                            || beat == 240
                            || beat == beats
                            || (beat - 1) % 48 == 0 && !acting) {
                        System.out.printf(
                                "beat %3d (day %d): %-6s input tokens %5d, stored messages %4d%n",
                                beat, 1 + (beat - 1) / 48, d.outcome().wire(), input, messages);
                    }
                    clock.advance(Duration.ofMinutes(30));
                }
            }
            System.out.printf(
                    "quiet beats: first %d input tokens, largest %d, over %d beats and %d stored messages "
                            + "(context.budget-tokens %d)%n",
                    firstQuiet, maxQuiet, beats, messages, config.context().budgetTokens());
        }
    }
}
