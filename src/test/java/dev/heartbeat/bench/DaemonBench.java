package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as a process: idle RSS and CPU over a minute (default JVM flags, then the systemd unit's
 * flags), and beat jitter (start of each beat against its scheduled second) over 100 one-second beats.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.DaemonBench</pre>
 *
 * <p>With {@code -Dbaseline=JAR} it measures idleness only: an idle JVM (a program that sleeps), that jar's daemon
 * and this build's, with the unit's flags, alternating, two rounds.
 */
public final class DaemonBench {
    /** The JVM flags of systemd/heartbeat-agent.service's ExecStart, but its archive (which install.sh makes). */
    static final List<String> UNIT_FLAGS = jvmFlags(Path.of("systemd/heartbeat-agent.service"), "ExecStart=");

    /**
     * The {@code -X} flags of the first line of {@code file} (continuations joined) that starts with {@code prefix},
     * up to {@code -jar}, but the archive: benches use the flags the unit and the installed command are shipped with.
     */
    static List<String> jvmFlags(Path file, String prefix) {
        try {
            String line = Files.readString(file)
                    .replace("\\\n", " ")
                    .lines()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .orElseThrow();
            List<String> flags = new ArrayList<>();
            for (String word : line.split("\\s+")) {
                if (word.equals("-jar")) {
                    break;
                }
                if (word.startsWith("-X") && !word.startsWith("-XX:SharedArchiveFile=")) {
                    flags.add(word);
                }
            }
            return List.copyOf(flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int idleSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int beats = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.out.println("machine: " + Stats.machine());
        String baseline = System.getProperty("baseline");
        if (baseline != null) {
            try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
                fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
                for (int round = 1; round <= 2; round++) {
                    idleJvm(idleSeconds);
                    idle(fake, Path.of(baseline), UNIT_FLAGS, "the unit's flags, " + baseline, idleSeconds);
                    idle(fake, JarProcess.jar(), UNIT_FLAGS, "the unit's flags, this build", idleSeconds);
                }
            }
            return;
        }
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            idle(fake, JarProcess.jar(), List.of(), "default JVM flags", idleSeconds);
            idle(fake, JarProcess.jar(), UNIT_FLAGS, "the unit's flags", idleSeconds);
            idleRestarted(fake, JarProcess.jar(), UNIT_FLAGS, "the unit's flags", idleSeconds);
            jitter(fake, beats);
        }
    }

    private static Process start(FakeOpenAi fake, List<String> flags, String heartbeat) throws Exception {
        return start(fake, JarProcess.jar(), flags, heartbeat);
    }

    private static Process start(FakeOpenAi fake, Path jar, List<String> flags, String heartbeat) throws Exception {
        return started(fake, jar, flags, heartbeat).process();
    }

    /** A daemon that has logged its start, and its agent's configuration. */
    private record Started(Process process, Path config) {}

    /**
     * The daemon on a new store: its first start, which also has the store made ({@code migrate} in a process of
     * its own).
     */
    private static Started started(FakeOpenAi fake, Path jar, List<String> flags, String heartbeat) throws Exception {
        return started(fake, jar, flags, heartbeat, false);
    }

    /**
     * With {@code restarted}, the daemon is started once, stopped (SIGTERM, as systemd stops it) and started again
     * on the store its first start made: every start but the first, an upgrade's or a reboot's, finds its store.
     */
    private static Started started(FakeOpenAi fake, Path jar, List<String> flags, String heartbeat, boolean restarted)
            throws Exception {
        Path home = Files.createTempDirectory("hb-bench-daemon");
        TestAgent agent = new TestAgent(home, fake);
        agent.yaml("heartbeat:\n" + heartbeat);
        if (restarted) {
            Process first = launch(agent, jar, flags, home.resolve("first-start.log"));
            first.destroy();
            if (!first.waitFor(60, TimeUnit.SECONDS)) {
                first.destroyForcibly();
                throw new IllegalStateException("the daemon's first start did not stop on SIGTERM");
            }
        }
        return new Started(launch(agent, jar, flags, home.resolve("daemon.log")), agent.config());
    }

    /** Starts the daemon with {@code flags}, its output to {@code log}, and waits until it has logged its start. */
    private static Process launch(TestAgent agent, Path jar, List<String> flags, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(JarProcess.java()));
        command.addAll(flags);
        command.addAll(
                List.of("-jar", jar.toString(), "--config", agent.config().toString(), "run"));
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HB_TEST_KEY", TestAgent.KEY);
        pb.environment().put("HB_BENCH_HOME", agent.config().getParent().toString());
        Process p = pb.start();
        if (!DaemonProcess.watching(p, log).awaitOutput("daemon started", Duration.ofSeconds(30))) {
            p.destroyForcibly();
            throw new IllegalStateException("the daemon did not start: " + Files.readString(log));
        }
        return p;
    }

    /**
     * A JVM with the unit's flags that only sleeps: the floor an idle daemon is compared with. Its class is
     * compiled (the source launcher's compiler would count in its RSS). Returns RSS in MB and CPU seconds.
     */
    static double[] idleJvm(int seconds) throws Exception {
        Path dir = Files.createTempDirectory("hb-bench-idle");
        List<String> command = new ArrayList<>(List.of(JarProcess.java()));
        command.addAll(UNIT_FLAGS);
        command.addAll(
                List.of("-cp", Path.of("target/test-classes").toAbsolutePath().toString(), Sleeps.class.getName()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile())
                .start();
        return measure(p, "an idle JVM (sleeps), the unit's flags", seconds);
    }

    /** A program that only sleeps. */
    public static final class Sleeps {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** An idle daemon ({@code every: 1h}) of {@code jar} on a new store: RSS in MB and CPU seconds over {@code seconds}. */
    static double[] idle(FakeOpenAi fake, Path jar, List<String> flags, String label, int seconds) throws Exception {
        return measure(start(fake, jar, flags, "  every: 1h\n"), label, seconds);
    }

    /** The same, restarted on its store (see {@link #started(FakeOpenAi, Path, List, String, boolean)}). */
    static double[] idleRestarted(FakeOpenAi fake, Path jar, List<String> flags, String label, int seconds)
            throws Exception {
        return measure(started(fake, jar, flags, "  every: 1h\n", true).process(), label + ", restarted", seconds);
    }

    /**
     * The daemon restarted on its store, after one beat (woken with {@code wake}, answered quiet): what a daemon
     * idles at between beats, with the classes and buffers a beat needs loaded.
     */
    static double[] idleAfterBeat(FakeOpenAi fake, Path jar, List<String> flags, String label, int seconds)
            throws Exception {
        Started daemon = started(fake, jar, flags, "  every: 1h\n", true);
        Path home = daemon.config().getParent();
        Process wake = new ProcessBuilder(
                        JarProcess.java(),
                        "-jar",
                        jar.toString(),
                        "--config",
                        daemon.config().toString(),
                        "wake")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("wake.log").toFile())
                .start();
        wake.waitFor(60, TimeUnit.SECONDS);
        DaemonProcess log = DaemonProcess.watching(daemon.process(), home.resolve("daemon.log"));
        if (!log.awaitOutput(" quiet", Duration.ofSeconds(60))) {
            daemon.process().destroy();
            throw new IllegalStateException("no quiet beat after wake: " + log.output());
        }
        return measure(daemon.process(), label + ", restarted, after a beat", seconds);
    }

    private static double[] measure(Process p, String label, int seconds) throws Exception {
        Thread.sleep(3000);
        long cpuBefore = cpuTicks(p.pid());
        long start = System.nanoTime();
        long maxRss = 0;
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            maxRss = Math.max(maxRss, rssKb(p.pid()));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuTicks(p.pid()) - cpuBefore) / 100.0;
        long rss = rssKb(p.pid());
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        System.out.printf(
                "idle %ds, %s: RSS %.0f MB (max %.0f MB), CPU %.2f s = %.2f%% of one core%n",
                seconds, label, rss / 1024.0, maxRss / 1024.0, cpu, 100 * cpu / wall);
        return new double[] {rss / 1024.0, cpu};
    }

    private static void jitter(FakeOpenAi fake, int beats) throws Exception {
        Process p = start(fake, UNIT_FLAGS, "  every: 1s\n");
        Path home = Path.of(
                        p.info().arguments().orElseThrow()[p.info().arguments().get().length - 2])
                .getParent();
        Path db = home.resolve("state/heartbeat.db");
        long deadline = System.nanoTime() + Duration.ofSeconds(beats + 60L).toNanos();
        List<Decision> decisions = List.of();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            if (Files.exists(db)) {
                try (Store store = Store.openReadOnly(db, Clock.systemUTC())) {
                    decisions = store.decisionLog().list(null, null, beats + 10).stream()
                            .map(StoredDecision::decision)
                            .toList();
                }
            }
            if (decisions.size() >= beats) {
                break;
            }
        }
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        double[] ms = decisions.stream()
                .limit(beats)
                .mapToDouble(d -> {
                    long startMs = d.startedAt().toInstant().toEpochMilli();
                    return startMs - (startMs / 1000) * 1000;
                })
                .toArray();
        System.out.printf(
                "beat jitter (beat start after its scheduled second), %d one-second beats, unit flags: %s%n",
                ms.length, Stats.summary(ms, "ms"));
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** utime + stime of the process, in clock ticks (100 per second on Linux). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
