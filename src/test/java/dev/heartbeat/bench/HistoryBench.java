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
import java.util.ArrayList;
import java.util.List;

/**
 * A beat's cost against the length of the history it continues: the same quiet beat, in process, on an agent whose
 * session holds 10 messages, 1,000 (enough to fill the context a beat sends) and 100,000 (each imported as an OpenAI
 * transcript, as 'sessions import' takes it). The fake model answers at once, so the figure is the beat's own work:
 * reading the context, checking it, building the request, recording the decision. 30 warm-up beats, then 200
 * measured, on each, alternating among the three; two rounds.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.HistoryBench [100000]</pre>
 */
public final class HistoryBench {
    /** A session long enough that the context a beat sends is as full as on any longer one. */
    static final int FILLS_CONTEXT = 1_000;

    public static void main(String[] args) throws Exception {
        int large = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            // Two rounds, the beats alternating between the three sessions: the first round also warms the JVM, the
            // second is the figure. 1,000 messages already fill the context a beat sends (~160 are read), 10 cannot:
            // 100k against 1,000 is the history's length alone, against 10 also a fuller context.
            for (int round = 1; round <= 2; round++) {
                double[] medians = run(fake, "round " + round, 10, FILLS_CONTEXT, large);
                System.out.printf(
                        "round %d: a beat on %,d messages / on %,d: %.2f×; / on 10: %.2f× (median)%n",
                        round, large, FILLS_CONTEXT, medians[2] / medians[1], medians[2] / medians[0]);
            }
        }
    }

    /** An agent whose session holds an imported history. */
    record Prepared(TestAgent agent, AgentConfig config, int messages) {}

    static Prepared prepared(FakeOpenAi fake, int messages) throws Exception {
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
     * Beats on a session of each of {@code sizes} messages, alternating one by one so that the disk's moods (every
     * commit is synced) fall on all alike: the medians of 200 warm beats each, in ms, in the order of {@code sizes}.
     */
    static double[] run(FakeOpenAi fake, String label, int... sizes) throws Exception {
        List<Prepared> agents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int size : sizes) {
            agents.add(prepared(fake, size));
            names.add(String.format("%,d messages", size));
        }
        return alternate(agents, label, names);
    }

    /**
     * Quiet beats on each of {@code agents}, alternating one by one, 30 warm-up then 200 measured each: their
     * medians in ms, in the order of {@code agents}; each line of figures is labelled with its {@code names}.
     */
    static double[] alternate(List<Prepared> agents, String label, List<String> names) throws Exception {
        int n = agents.size();
        // The imports leave ~60 MB for the kernel to write back; it would otherwise land in the first beats' syncs.
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        double[][] ms = new double[n][200];
        List<AgentRuntime> runtimes = new ArrayList<>();
        try {
            for (Prepared p : agents) {
                runtimes.add(new AgentRuntime(p.config(), Clock.systemUTC()));
            }
            for (int i = 0; i < 30; i++) {
                runtimes.forEach(HistoryBench::beat);
            }
            for (int i = 0; i < 200; i++) {
                for (int k = 0; k < n; k++) {
                    long start = System.nanoTime();
                    beat(runtimes.get(k));
                    ms[k][i] = (System.nanoTime() - start) / 1e6;
                }
            }
        } finally {
            for (AgentRuntime r : runtimes) {
                r.close();
            }
        }
        double[] medians = new double[n];
        for (int k = 0; k < n; k++) {
            System.out.printf(
                    "%s, %s (database %,d KB): %s%n",
                    label,
                    names.get(k),
                    Files.size(agents.get(k).agent().database()) / 1024,
                    Stats.summary(ms[k], "ms"));
            medians[k] = Stats.percentile(Stats.sorted(ms[k]), 50);
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
}
