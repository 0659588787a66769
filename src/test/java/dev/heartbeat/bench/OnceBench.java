package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Prints two figures for one heartbeat against a local fake OpenAI server that answers at once:
 * the cold {@code --once} wall time of the packaged jar (JVM start included), and the beat's own
 * overhead in a warm JVM with the model call's latency taken out.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.OnceBench</pre>
 */
public final class OnceBench {
    public static void main(String[] args) throws Exception {
        int coldRuns = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmBeats = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            cold(fake, coldRuns);
            warm(fake, warmBeats);
        }
    }

    private static void cold(FakeOpenAi fake, int runs) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-cold");
        TestAgent agent = new TestAgent(home, fake);
        Map<String, String> env = Map.of("HB_TEST_KEY", TestAgent.KEY);
        JarProcess.run(env, "--config", agent.config().toString(), "--once"); // creates the database
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            JarProcess.Result r = JarProcess.run(env, "--config", agent.config().toString(), "--once");
            if (r.exit() != 0) {
                throw new IllegalStateException("--once failed: " + r.out() + r.err());
            }
            ms[i] = r.millis();
        }
        System.out.println("cold --once, quiet beat, JVM start included (" + JarProcess.jar() + "):");
        System.out.println("  " + Stats.summary(ms, "ms"));
    }

    private static void warm(FakeOpenAi fake, int beats) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-warm");
        double[][] figures = warm(new TestAgent(home, fake), beats);
        System.out.println(
                "warm beat overhead, model call latency excluded (" + Math.max(50, beats / 5) + " warm-up beats):");
        System.out.println("  " + Stats.summary(figures[0], "ms"));
        System.out.println("  model call to the loopback fake, for reference: " + Stats.summary(figures[1], "ms"));
    }

    /** Warm beats of {@code agent} in this JVM: each beat's overhead and its model call latency, in ms. */
    static double[][] warm(TestAgent agent, int beats) throws Exception {
        var config = new ConfigLoader(agent.env()).read(agent.config());
        int warmup = Math.max(50, beats / 5);
        double[] overhead = new double[beats];
        double[] model = new double[beats];
        try (AgentRuntime runtime = new AgentRuntime(config, Clock.systemDefaultZone())) {
            BeatOptions options = new BeatOptions(Decision.Trigger.MANUAL, false, false);
            for (int i = 0; i < warmup; i++) {
                runtime.beat(options);
            }
            for (int i = 0; i < beats; i++) {
                long start = System.nanoTime();
                Decision d = runtime.beat(options);
                double total = (System.nanoTime() - start) / 1e6;
                double latency = d.modelCalls().stream()
                        .mapToLong(Decision.ModelCall::latencyMs)
                        .sum();
                overhead[i] = total - latency;
                model[i] = latency;
            }
        }
        return new double[][] {overhead, model};
    }
}
