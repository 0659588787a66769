package dev.heartbeat.bench;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code decisions verify}'s memory as the log grows: a store of 10,000 and one of 100,000 decision records
 * (quiet beats with a model call and a gate each), verified by the jar in a child process under GNU time; prints
 * the peak RSS and CPU time of each and their ratio. Needs {@code target/heartbeat-agent.jar}; with
 * {@code -Dbaseline=JAR}, each store is verified by that jar too, in the same run; with {@code -Dheap=128m} the
 * verifying JVMs get that maximum heap (the live set must fit: a log held whole does not).
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java [-Dbaseline=/path/to/an/older/heartbeat-agent.jar] [-Dheap=128m] -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.VerifyBench</pre>
 */
public final class VerifyBench {
    public static void main(String[] args) throws Exception {
        System.out.println("machine: " + Stats.machine());
        int[] sizes = args.length > 0
                ? new int[] {Integer.parseInt(args[0]), Integer.parseInt(args[1])}
                : new int[] {10_000, 100_000};
        Path jar = Path.of("target/heartbeat-agent.jar").toAbsolutePath();
        String baseline = System.getProperty("baseline");
        List<long[]> figures = new ArrayList<>();
        List<long[]> before = new ArrayList<>();
        for (int n : sizes) {
            Path home = Files.createTempDirectory("hb-bench-verify");
            TestAgent agent = new TestAgent(home, null);
            fill(agent, n);
            long[] f = verify(jar, agent);
            figures.add(f);
            System.out.printf(
                    "%,7d records (database %,d KB): this build's decisions verify peak RSS %,d KB, CPU %.2f s%n",
                    n, Files.size(agent.database()) / 1024, f[0], f[1] / 1000.0);
            if (baseline != null) {
                long[] b = verify(Path.of(baseline).toAbsolutePath(), agent);
                before.add(b);
                if (b[0] < 0) {
                    continue;
                }
                System.out.printf(
                        "%,7d records: the baseline's peak RSS %,d KB, CPU %.2f s (%s)%n",
                        n, b[0], b[1] / 1000.0, baseline);
            }
        }
        System.out.printf(
                "peak RSS at %,d records / at %,d records: this build %.2f%s%n",
                sizes[1],
                sizes[0],
                (double) figures.get(1)[0] / figures.get(0)[0],
                before.isEmpty() || before.get(1)[0] < 0
                        ? ""
                        : String.format(", the baseline %.2f", (double) before.get(1)[0] / before.get(0)[0]));
    }

    /** {@code n} decisions as beats write them (each hashed onto the one before), in the agent's store. */
    static void fill(TestAgent agent, int n) {
        OffsetDateTime t = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        try {
            Files.createDirectories(agent.database().getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            for (int i = 0; i < n; i++) {
                OffsetDateTime at = t.plusMinutes(30L * i);
                String id = ulid(i);
                store.decisionLog()
                        .append(Decision.builder(ulid(i), "test-agent", "test-agent")
                                .trigger(Decision.Trigger.SCHEDULE)
                                .times(at, at.plusSeconds(2))
                                .outcome(Decision.Outcome.QUIET, "HEARTBEAT_OK: nothing needed attention")
                                .model(new Decision.ModelInfo("openai", "gpt-4o-mini"))
                                .usage(new Decision.Usage(1200, 4), 0.00018)
                                .gates(List.of(new Decision.Gate("checklist", true, "HEARTBEAT.md has items")))
                                .modelCalls(List.of(new Decision.ModelCall(
                                        1,
                                        "chat",
                                        "openai",
                                        "gpt-4o-mini",
                                        "gpt-4o-mini-2024-07-18",
                                        "chatcmpl-" + id,
                                        List.of("stop"),
                                        1200,
                                        4,
                                        0,
                                        640,
                                        List.of(),
                                        null,
                                        0)))
                                .finalAnswer("HEARTBEAT_OK")
                                .build());
            }
        }
    }

    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /** A valid, time-ordered ULID for record {@code i}. */
    static String ulid(long i) {
        StringBuilder s = new StringBuilder();
        long v = 1_700_000_000_000L + i * 1000;
        for (int k = 0; k < 10; k++) {
            s.insert(0, CROCKFORD.charAt((int) (v & 31)));
            v >>>= 5;
        }
        long r = i;
        StringBuilder rand = new StringBuilder();
        for (int k = 0; k < 16; k++) {
            rand.insert(0, CROCKFORD.charAt((int) (r & 31)));
            r >>>= 5;
        }
        return s.append(rand).toString();
    }

    /** Runs the jar's decisions verify under GNU time: peak RSS in KB and CPU time in ms. */
    static long[] verify(Path jar, TestAgent agent) throws Exception {
        Path report = Files.createTempFile("hb-time", ".txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", report.toString(), "java"));
        String heap = System.getProperty("heap");
        if (heap != null) {
            command.add("-Xmx" + heap);
        }
        command.addAll(
                List.of("-jar", jar.toString(), "--config", agent.config().toString(), "decisions", "verify"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.out.println("  decisions verify with " + jar + " failed: "
                    + out.lines()
                            .filter(l -> l.contains("Error") || l.contains("error"))
                            .findFirst()
                            .orElse(out));
            return new long[] {-1, -1};
        }
        String time = Files.readString(report);
        return new long[] {
            (long) Stats.number(time, "Maximum resident set size \\(kbytes\\): (\\d+)"),
            Math.round((Stats.number(time, "User time \\(seconds\\): ([0-9.]+)")
                            + Stats.number(time, "System time \\(seconds\\): ([0-9.]+)"))
                    * 1000)
        };
    }
}
