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
 * context, checking it, building the request, recording the decision. 30 warm-up beats, then 200 measured, on each,
 * alternating between the two; two rounds.
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
                double[] medians = run(fake, 10, large, "round " + round);
                System.out.printf(
                        "round %d: a beat on %,d messages / on 10: %.2f× (median)%n",
                        round, large, medians[1] / medians[0]);
            }
        }
    }

    /** An agent whose session holds an imported history. */
    private record Prepared(TestAgent agent, AgentConfig config, int messages) {}

    private static Prepared prepared(FakeOpenAi fake, int messages) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-history");
        TestAgent agent = new TestAgent(home, fake);
        Path transcript = home.resolve("history.jsonl");
        writeTranscript(transcript, messages);
        TestAgent.Result imported = agent.run("sessions", "import", transcript.toString(), "--name", "test-agent");
        if (imported.exit() != 0) {
            throw new IllegalStateException("import failed: " + imported.all());
        }
        return new Prepared(agent, new ConfigLoader(agent.env()).read(agent.config()), messages);
    }

    /**
     * Beats on a session of {@code small} messages and on one of {@code large}, alternating one by one so that
     * the disk's moods (every commit is synced) fall on both alike: the medians of 200 warm beats each, in ms.
     */
    static double[] run(FakeOpenAi fake, int small, int large, String label) throws Exception {
        Prepared[] agents = {prepared(fake, small), prepared(fake, large)};
        // The imports leave ~60 MB for the kernel to write back; it would otherwise land in the first beats' syncs.
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        double[][] ms = new double[2][200];
        try (AgentRuntime a = new AgentRuntime(agents[0].config(), Clock.systemUTC());
                AgentRuntime b = new AgentRuntime(agents[1].config(), Clock.systemUTC())) {
            AgentRuntime[] runtimes = {a, b};
            for (int i = 0; i < 30; i++) {
                beat(a);
                beat(b);
            }
            for (int i = 0; i < 200; i++) {
                for (int k = 0; k < 2; k++) {
                    long start = System.nanoTime();
                    beat(runtimes[k]);
                    ms[k][i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        double[] medians = new double[2];
        for (int k = 0; k < 2; k++) {
            System.out.printf(
                    "%s, %,d messages (database %,d KB): %s%n",
                    label,
                    agents[k].messages(),
                    Files.size(agents[k].agent().database()) / 1024,
                    Stats.summary(ms[k], "ms"));
            medians[k] = Stats.percentile(sortedCopy(ms[k]), 50);
        }
        return medians;
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
