package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A beat's cost against the length of the history it continues: the same quiet beat, in process, on an agent whose
 * session holds a few messages and on one whose session holds 100,000 (imported as an OpenAI transcript, as
 * 'sessions import' takes it). The fake model answers at once, so the figure is the beat's own work: reading the
 * context, checking it, building the request, recording the decision. 30 warm-up beats, then 200 measured, on each;
 * two rounds.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.HistoryBench [100000]</pre>
 */
public final class HistoryBench {
    public static void main(String[] args) throws Exception {
        int large = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            // Two rounds, each short then long: the first round also warms the JVM, the second is the figure.
            for (int round = 1; round <= 2; round++) {
                double small = run(fake, 10, "round " + round + ", a short history");
                double big = run(fake, large, "round " + round + ", a long history");
                System.out.printf(
                        "round %d: a beat on %,d messages / on 10: %.2f× (median)%n", round, large, big / small);
            }
        }
    }

    /** The median of 200 warm beats on a session of {@code messages}, in ms. */
    static double run(FakeOpenAi fake, int messages, String label) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-history");
        TestAgent agent = new TestAgent(home, fake);
        Path transcript = home.resolve("history.jsonl");
        writeTranscript(transcript, messages);
        TestAgent.Result imported = agent.run("sessions", "import", transcript.toString(), "--name", "test-agent");
        if (imported.exit() != 0) {
            throw new IllegalStateException("import failed: " + imported.all());
        }
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        double[] ms = new double[200];
        try (AgentRuntime runtime = new AgentRuntime(config, Clock.systemUTC())) {
            for (int i = 0; i < 30; i++) {
                beat(runtime);
            }
            for (int i = 0; i < ms.length; i++) {
                long start = System.nanoTime();
                beat(runtime);
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        System.out.printf(
                "%s (%,d messages, database %,d KB): %s%n",
                label, messages, Files.size(agent.database()) / 1024, Stats.summary(ms, "ms"));
        return Stats.percentile(sortedCopy(ms), 50);
    }

    /** A heartbeat-shaped history of {@code messages} alternating turns, as JSON lines. */
    static void writeTranscript(Path file, int messages) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < messages; i++) {
                w.write(
                        i % 2 == 0
                                ? "{\"role\":\"user\",\"content\":\"Heartbeat " + i
                                        + ": read HEARTBEAT.md and check.\"}"
                                : "{\"role\":\"assistant\",\"content\":\"Checked the disks and the queue at beat " + i
                                        + "; nothing needs attention.\"}");
                w.newLine();
            }
        }
    }

    private static void beat(AgentRuntime runtime) {
        Decision d = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, false, true));
        if (d.outcome() != Decision.Outcome.QUIET) {
            throw new IllegalStateException("expected a quiet beat, got " + d.outcome() + ": " + d.reason());
        }
    }

    private static double[] sortedCopy(double[] values) {
        double[] copy = values.clone();
        java.util.Arrays.sort(copy);
        return copy;
    }
}
