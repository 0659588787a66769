package dev.heartbeat.bench;

import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.FleetHome;
import dev.heartbeat.fakes.TestAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Three agents in one daemon (the jar), each beating every second for a minute: sixty beats each, an hour of
 * one-minute beats at sixty times the pace. Run twice, every provider answering (the baseline), then with
 * cert-watch's provider hanging on every call (2 s timeout). Per agent: the ticks due in the window, the ticks
 * taken (a beat's fence, or a record of ticks missed while it was busy), the ticks neither run nor on record,
 * the outcomes of its decisions, and how late each tick was taken.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.FleetBench</pre>
 */
public final class FleetBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        System.out.println("machine: " + Stats.machine());
        System.out.println("three agents, one daemon, every 1s for " + seconds + " s");
        run("baseline: every provider answers", seconds, false);
        run("cert-watch's provider hangs", seconds, true);
    }

    private static void run(String title, int seconds, boolean hang) throws Exception {
        try (FakeOpenAi shared = new FakeOpenAi(TestAgent.KEY);
                FakeOpenAi certs = new FakeOpenAi(TestAgent.KEY)) {
            shared.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            certs.otherwise(
                    hang ? new FakeProvider.Hang(Duration.ofMinutes(5)) : new FakeProvider.Text("HEARTBEAT_OK"));
            Path home = Files.createTempDirectory("hb-bench-fleet");
            FleetHome fleet = new FleetHome(home, shared, certs, freePort());
            Instant from;
            Instant to;
            try (DaemonProcess daemon = DaemonProcess.running(
                    Map.of("HB_TEST_KEY", TestAgent.KEY), home.resolve("daemon.log"), fleet.config())) {
                // The window starts after the first beats, so start-up does not count as a missed tick.
                Thread.sleep(3_000);
                from = Instant.now();
                Thread.sleep(seconds * 1000L);
                to = Instant.now();
                daemon.terminate(Duration.ofSeconds(30));
            }
            System.out.println();
            System.out.println(title + ":");
            System.out.printf(
                    "  %-14s %5s %6s %7s  %-28s %s%n",
                    "agent", "due", "taken", "missed", "outcomes (whole run)", "late");
            for (String agent : FleetHome.AGENTS) {
                List<FleetHome.Tick> ticks = fleet.ticks(agent).stream()
                        .filter(t -> !t.scheduledAt().isBefore(from)
                                && t.scheduledAt().isBefore(to))
                        .toList();
                long due = Duration.between(from, to).toSeconds();
                double[] late = ticks.stream()
                        .mapToDouble(t -> t.late().toNanos() / 1e6)
                        .sorted()
                        .toArray();
                System.out.printf(
                        "  %-14s %5d %6d %7d  %-28s %s%n",
                        agent,
                        due,
                        ticks.size(),
                        Math.max(0, due - ticks.size()),
                        fleet.outcomes(agent),
                        late.length == 0 ? "-" : Stats.summary(late, "ms"));
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
