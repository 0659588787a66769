package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.PostgresServer;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.Ticks;
import dev.heartbeat.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clustered mode's figures on a real PostgreSQL (from {@code HB_TEST_POSTGRES_URL}, or a throwaway
 * local server): the beat's own overhead on PostgreSQL against SQLite, in a warm JVM; then three jar
 * daemons at a 1-s interval for a while, a node killed with SIGKILL several times (the one that ran
 * the newest beat, restarted after each failover), and what became of every tick.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.ClusterBench [SECONDS KILLS WARM_BEATS]</pre>
 */
public final class ClusterBench {
    private static final Duration PERIOD = Duration.ofSeconds(1);

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int warmBeats = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        System.out.println("machine: " + Stats.machine());
        PostgresServer server = PostgresServer.shared();
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            overhead(fake, server, warmBeats);
            cluster(fake, server, seconds, kills);
        }
        System.exit(0);
    }

    private static void overhead(FakeOpenAi fake, PostgresServer server, int beats) throws Exception {
        TestAgent sqlite = new TestAgent(Files.createTempDirectory("hb-bench-sqlite"), fake);
        TestAgent postgres = new TestAgent(Files.createTempDirectory("hb-bench-pg"), fake).postgres(server, "");
        System.out.println("warm beat overhead, model call latency excluded (" + beats + " beats after warm-up):");
        System.out.println("  SQLite:     " + Stats.summary(OnceBench.warm(sqlite, beats)[0], "ms"));
        System.out.println(
                "  PostgreSQL: " + Stats.summary(OnceBench.warm(postgres, beats)[0], "ms") + " (loopback server)");
    }

    private static void cluster(FakeOpenAi fake, PostgresServer server, int seconds, int kills) throws Exception {
        Path home = Files.createTempDirectory("hb-bench-cluster");
        TestAgent agent = new TestAgent(home, fake).postgres(server, "  checkin-interval: 2s\n");
        agent.yaml("heartbeat:\n  every: 1s\n  shutdown-grace: 2s\n");
        int requestsBefore = fake.requests().size();
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                nodes.add(start(agent, home, "node-" + i));
            }
            Instant from = Instant.now().plusSeconds(2);
            Thread.sleep(Duration.ofSeconds(seconds).toMillis());
            double[] gaps = new double[kills];
            for (int k = 0; k < kills; k++) {
                Decision newest = scheduled(agent).get(0);
                Node victim = nodes.stream()
                        .filter(n -> n.id().equals(newest.node()))
                        .findFirst()
                        .orElseThrow();
                victim.process().kill9();
                Instant killed = Instant.now();
                Optional<Decision> after = Optional.empty();
                while (after.isEmpty()
                        && Duration.between(killed, Instant.now()).toSeconds() < 60) {
                    Thread.sleep(100);
                    after = scheduled(agent).stream()
                            .filter(d -> d.startedAt().toInstant().isAfter(killed))
                            .findFirst();
                }
                gaps[k] = after.map(d -> Duration.between(killed, d.startedAt().toInstant())
                                        .toMillis()
                                / 1000.0)
                        .orElse(Double.NaN);
                System.out.printf(
                        "  kill -9 of %s: the next beat %.1f s later, on %s%n",
                        newest.node(), gaps[k], after.map(Decision::node).orElse("no node"));
                nodes.remove(victim);
                nodes.add(start(agent, home, "node-" + (4 + k)));
                Thread.sleep(10_000);
            }
            Instant to = Instant.now().minusSeconds(2);
            List<Decision> all = decisions(agent);
            Ticks ticks = Ticks.of(all, from, to, PERIOD);
            System.out.printf(
                    "three nodes, every 1s, check-in 2s, %d s steady then %d kill -9 failovers:%n", seconds, kills);
            System.out.println("  " + ticks);
            System.out.println("  failover gap after kill -9: " + Stats.summary(gaps, "s"));
            System.out.println("  model calls " + (fake.requests().size() - requestsBefore) + " for "
                    + all.stream()
                            .filter(d -> d.outcome() == Decision.Outcome.QUIET)
                            .count() + " quiet beats "
                    + "(equal: no beat ran twice)");
        } finally {
            for (Node n : nodes) {
                n.process().terminate(Duration.ofSeconds(20));
            }
        }
    }

    private record Node(String id, DaemonProcess process) {}

    private static Node start(TestAgent agent, Path home, String name) throws Exception {
        DaemonProcess d = DaemonProcess.start(
                Map.copyOf(agent.env()),
                home.resolve(name + ".log"),
                "--config",
                agent.config().toString(),
                "run");
        if (!d.awaitOutput("daemon started", Duration.ofSeconds(60))) {
            throw new IllegalStateException(name + " did not start: " + d.output());
        }
        return new Node(d.clusterNode().orElseThrow(() -> new IllegalStateException(name + ": no node id")), d);
    }

    private static List<Decision> decisions(TestAgent agent) {
        try (Store store = agent.store()) {
            return store.decisionLog().list(null, null, 1_000_000).stream()
                    .map(StoredDecision::decision)
                    .toList();
        }
    }

    private static List<Decision> scheduled(TestAgent agent) {
        return decisions(agent).stream()
                .filter(d -> d.trigger() == Decision.Trigger.SCHEDULE)
                .toList();
    }
}
