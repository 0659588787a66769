package dev.heartbeat.bench;

import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the class-data sharing archive of {@code systemd/install.sh} saves: the installer stages the jar and
 * makes its archive (static: the JDK's classes and ours, listed by a quiet beat) in a temporary DESTDIR; beside
 * it, as the baseline, the archive the installer made before, {@code -XX:ArchiveClassesAtExit} of the same quiet
 * beat (a dynamic archive on top of the JDK's own, which leaves out picocli's Java 5 classes). Then
 * {@code --help}, a quiet {@code --once} (a fake provider answers HEARTBEAT_OK), a failed {@code --once} (the
 * model unreachable) and {@code status} run alternately with the unit's JVM flags, without an archive and with
 * each; prints the median CPU time (user + sys, GNU time) and wall time of each, and the ratios to
 * {@code --help}. Needs {@code target/heartbeat-agent.jar}.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.ArchiveBench [rounds]</pre>
 */
public final class ArchiveBench {
    private static final List<String> UNIT_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.out.println("machine: " + Stats.machine());
        Path lib = stage(Path.of("target/heartbeat-agent.jar").toAbsolutePath());
        Path jar = lib.resolve("heartbeat-agent.jar");
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            Map<String, List<String>> commands = new LinkedHashMap<>();
            String quiet = new TestAgent(Files.createTempDirectory("hb-bench-archive-quiet"), fake)
                    .config()
                    .toString();
            commands.put("--help", List.of("--help"));
            commands.put("quiet --once", List.of("--config", quiet, "--once"));
            commands.put("failed --once", List.of("--config", unreachableAgent().toString(), "--once"));
            commands.put("status", List.of("--config", quiet, "status"));
            // Each store created first (Flyway), not measured; the dynamic archive from a quiet beat on its store.
            run(jar, List.of(), commands.get("quiet --once"));
            run(jar, List.of(), commands.get("failed --once"));
            Path dynamic = lib.resolve("dynamic.jsa");
            run(jar, List.of("-XX:ArchiveClassesAtExit=" + dynamic, "-Xlog:cds=off"), commands.get("quiet --once"));
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("without an archive", List.of());
            variants.put("dynamic archive (before)", List.of("-XX:SharedArchiveFile=" + dynamic));
            variants.put(
                    "install.sh's archive", List.of("-XX:SharedArchiveFile=" + lib.resolve("heartbeat-agent.jsa")));
            Map<String, Map<String, List<double[]>>> samples = new LinkedHashMap<>();
            for (int i = 0; i < rounds; i++) {
                for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                    for (Map.Entry<String, List<String>> command : commands.entrySet()) {
                        samples.computeIfAbsent(variant.getKey(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(command.getKey(), k -> new ArrayList<>())
                                .add(run(jar, variant.getValue(), command.getValue()));
                    }
                }
            }
            System.out.printf("median of %d alternating runs, the unit's JVM flags %s%n", rounds, UNIT_FLAGS);
            System.out.println("| command | " + String.join(" | ", variants.keySet()) + " |");
            System.out.println("|---" + "|---".repeat(variants.size()) + "|");
            Map<String, Map<String, double[]>> medians = new LinkedHashMap<>();
            samples.forEach((variant, byCommand) ->
                    byCommand.forEach((command, v) -> medians.computeIfAbsent(command, k -> new LinkedHashMap<>())
                            .put(variant, new double[] {
                                Stats.median(v.stream().mapToDouble(x -> x[0]).toArray()),
                                Stats.median(v.stream().mapToDouble(x -> x[1]).toArray())
                            })));
            medians.forEach((command, byVariant) -> {
                StringBuilder row = new StringBuilder("| " + command + " |");
                byVariant.forEach((variant, m) -> {
                    double help = medians.get("--help").get(variant)[0];
                    row.append(String.format(" CPU %.2f s (%.2f× --help), wall %.2f s |", m[0], m[0] / help, m[1]));
                });
                System.out.println(row);
            });
            System.out.printf(
                    "the fake provider answered %d requests (quiet beats: %d)%n",
                    fake.requests().size(), 2 + rounds * variants.size());
            System.out.printf(
                    "archives: install.sh's %,d KB (with the JDK's classes), the dynamic one %,d KB%n",
                    Files.size(lib.resolve("heartbeat-agent.jsa")) / 1024, Files.size(dynamic) / 1024);
        }
    }

    /** An agent whose model is unreachable (its beat fails at once, as a cold start's yardstick); its agent.yaml. */
    static Path unreachableAgent() throws IOException {
        Path home = Files.createTempDirectory("hb-bench-archive-agent");
        Files.createDirectories(home.resolve("workspace"));
        Files.writeString(home.resolve("workspace/HEARTBEAT.md"), "- Report anything unusual.\n");
        Files.writeString(
                home.resolve("agent.yaml"),
                "agent: { name: bench, workspace: ./workspace }\n"
                        + "model: { provider: openai, name: bench, base-url: \"http://127.0.0.1:9/v1\", "
                        + "api-key: bench-key-123456, max-retries: 0, timeout: 2s }\n"
                        + "storage: { url: \"sqlite:state/heartbeat.db\" }\n"
                        + "notify: { channels: [ { type: log } ] }\n");
        return home.resolve("agent.yaml");
    }

    /** Installs {@code jar} with install.sh into a temporary DESTDIR; returns the folder of the jar and its archive. */
    static Path stage(Path jar) throws Exception {
        Path stage = Files.createTempDirectory("hb-bench-archive");
        ProcessBuilder pb = new ProcessBuilder("sh", "systemd/install.sh").redirectErrorStream(true);
        pb.environment().put("DESTDIR", stage.toString());
        pb.environment().put("JAR", jar.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("install.sh failed: " + out);
        }
        Path lib = stage.resolve("usr/lib/heartbeat-agent");
        if (!Files.isRegularFile(lib.resolve("heartbeat-agent.jsa"))) {
            throw new IllegalStateException("install.sh made no archive: " + out);
        }
        return lib;
    }

    /** One JVM under GNU time with the unit's flags and {@code jvm}: CPU (user + sys) and wall seconds. */
    private static double[] run(Path jar, List<String> jvm, List<String> args) throws Exception {
        Path report = Files.createTempFile("hb-time", ".txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S %e", "-o", report.toString()));
        command.add("java");
        command.addAll(UNIT_FLAGS);
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HB_TEST_KEY", TestAgent.KEY);
        Process p = pb.start();
        p.waitFor();
        Matcher m = Pattern.compile("([0-9.]+) ([0-9.]+) ([0-9.]+)").matcher(Files.readString(report));
        if (!m.find()) {
            throw new IllegalStateException("GNU time printed nothing");
        }
        return new double[] {
            Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))
        };
    }
}
