package dev.heartbeat.bench;

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
 * makes its archive in a temporary DESTDIR, then a cold {@code --once} (a beat whose model is unreachable) and
 * {@code --help} run alternately with the unit's JVM flags, without and with {@code -XX:SharedArchiveFile};
 * prints the median CPU time (user + sys, GNU time) and wall time of each, and the ratios to {@code --help}.
 * Needs {@code target/heartbeat-agent.jar}.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.ArchiveBench</pre>
 */
public final class ArchiveBench {
    private static final List<String> UNIT_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.out.println("machine: " + Stats.machine());
        Path lib = stage(Path.of("target/heartbeat-agent.jar").toAbsolutePath());
        Path jar = lib.resolve("heartbeat-agent.jar");
        Path archive = lib.resolve("heartbeat-agent.jsa");
        String config = unreachableAgent().toString();
        run(jar, null, List.of("--config", config, "--once")); // creates the store: not measured
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            for (boolean withArchive : new boolean[] {false, true}) {
                Path a = withArchive ? archive : null;
                String tag = withArchive ? "with the archive" : "without";
                samples.computeIfAbsent("--once " + tag, k -> new ArrayList<>())
                        .add(run(jar, a, List.of("--config", config, "--once")));
                samples.computeIfAbsent("--help " + tag, k -> new ArrayList<>()).add(run(jar, a, List.of("--help")));
            }
        }
        Map<String, double[]> medians = new LinkedHashMap<>();
        samples.forEach((k, v) -> {
            double cpu = Stats.median(v.stream().mapToDouble(s -> s[0]).toArray());
            double wall = Stats.median(v.stream().mapToDouble(s -> s[1]).toArray());
            medians.put(k, new double[] {cpu, wall});
            System.out.printf("%-28s CPU %.2f s, wall %.2f s (median of %d)%n", k, cpu, wall, v.size());
        });
        for (String tag : List.of("without", "with the archive")) {
            System.out.printf(
                    "cold --once / --help, CPU, %s: %.2f%n",
                    tag, medians.get("--once " + tag)[0] / medians.get("--help " + tag)[0]);
        }
        System.out.printf(
                "cold --once with the archive / without, CPU: %.2f; archive %,d KB%n",
                medians.get("--once with the archive")[0] / medians.get("--once without")[0],
                Files.size(archive) / 1024);
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

    /** One JVM under GNU time with the unit's flags: CPU (user + sys) and wall seconds. */
    private static double[] run(Path jar, Path archive, List<String> args) throws Exception {
        Path report = Files.createTempFile("hb-time", ".txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S %e", "-o", report.toString()));
        command.add("java");
        command.addAll(UNIT_FLAGS);
        if (archive != null) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
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
