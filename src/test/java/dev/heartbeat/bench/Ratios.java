package dev.heartbeat.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of "fast and lean", each beside its yardstick in the same run: a cold {@code --once} (a failed
 * beat, and a quiet one against the fake OpenAI, and against the fake Anthropic) and the inspection commands against {@code --help} (CPU, alternating;
 * the ratio of the medians, and the median of each round's ratio beside it; without and with the class-data sharing archive
 * {@code systemd/install.sh} makes), {@code sessions import} of 100,000 messages against a plain JSON parse of the
 * same file (CPU, and the bytes it writes), {@code decisions verify}'s peak RSS at 10,000 and 100,000 records, a
 * beat on a 100,000-message session against one on 10 messages, and the idle daemon's RSS and CPU against a JVM
 * that only sleeps. The command-line figures use the flags of the installed {@code heartbeat-agent} command, the
 * daemon's those of the systemd unit. With {@code -Dbaseline=JAR} the start-up rows run that jar too, alternating.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.Ratios [-Drounds=16] [-Didle=60] [-Dbaseline=OLD.jar]</pre>
 *
 * Plain {@code java}: nothing to resolve, so it runs offline. Takes about ten minutes on two cores.
 */
public final class Ratios {
    /** The flags of the command line install.sh installs ({@code /usr/bin/heartbeat-agent}). */
    static final List<String> CLI_FLAGS = DaemonBench.jvmFlags(Path.of("systemd/install.sh"), "exec ${java:-java}");

    private static final List<String> INSPECTION = List.of("status", "decisions list", "sessions list");
    private static final String QUIET = "quiet --once";

    private final Map<String, String> summary = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new Ratios().run();
    }

    private void run() throws Exception {
        System.out.println("machine: " + Stats.machine());
        Path jar = JarProcess.jar().toAbsolutePath();
        Path lib = ArchiveBench.stage(jar);
        startUp(lib, Integer.getInteger("rounds", 16), System.getProperty("baseline"));
        importAndParse(lib.resolve("heartbeat-agent.jar"), 100_000);
        beatAgainstHistory();
        verifyMemory(lib.resolve("heartbeat-agent.jar"));
        idle(lib, Integer.getInteger("idle", 60));
        System.out.println();
        System.out.println("| figure | measured |");
        System.out.println("|---|---|");
        summary.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    }

    // ------------------------------------------------------------------ start-up

    private void startUp(Path lib, int rounds, String baseline) throws Exception {
        try (FakeOpenAi openAi = new FakeOpenAi(TestAgent.KEY);
                FakeAnthropic anthropic = new FakeAnthropic(TestAgent.KEY)) {
            Map<String, TestAgent> quiet = new LinkedHashMap<>();
            for (FakeProvider fake : List.of(openAi, anthropic)) {
                fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
                quiet.put(
                        fake == openAi ? QUIET : QUIET + " " + fake.providerName(),
                        new TestAgent(Files.createTempDirectory("hb-ratios-quiet"), fake));
            }
            startUp(lib, rounds, baseline, quiet);
        }
    }

    /**
     * {@code --once}: a beat whose model is unreachable (it fails at once), and quiet beats (each of {@code quiet}'s
     * fake providers answers HEARTBEAT_OK), the common one; OpenAI's, and Anthropic's beside it.
     */
    private void startUp(Path lib, int rounds, String baseline, Map<String, TestAgent> quiet) throws Exception {
        String config = ArchiveBench.unreachableAgent().toString();
        Path installed = lib.resolve("heartbeat-agent.jar");
        Path archive = lib.resolve("heartbeat-agent.jsa");
        Map<String, Run> runs = new LinkedHashMap<>();
        runs.put("this build", new Run(installed, null));
        runs.put("this build, with the archive", new Run(installed, archive));
        if (baseline != null) {
            runs.put("baseline " + Path.of(baseline).getFileName(), new Run(Path.of(baseline), null));
        }
        List<String> commands = new ArrayList<>(List.of("--help", "--once"));
        commands.addAll(quiet.keySet());
        commands.addAll(INSPECTION);
        for (Run r : runs.values()) {
            r.cpu(List.of("--config", config, "--once")); // creates the store, then a beat's classes are warm on disk
            for (TestAgent agent : quiet.values()) {
                r.cpu(List.of("--config", agent.config().toString(), "--once"), agent);
            }
        }
        Map<String, Map<String, List<Double>>> cpu = new LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            for (Map.Entry<String, Run> r : runs.entrySet()) {
                for (String command : commands) {
                    TestAgent agent = quiet.get(command);
                    List<String> args = new ArrayList<>();
                    if (!command.equals("--help")) {
                        args.addAll(List.of(
                                "--config", agent != null ? agent.config().toString() : config));
                    }
                    args.addAll(agent != null ? List.of("--once") : List.of(command.split(" ")));
                    cpu.computeIfAbsent(r.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(command, k -> new ArrayList<>())
                            .add(r.getValue().cpu(args, agent != null ? agent : quiet.get(QUIET)));
                }
            }
        }
        System.out.printf(
                "cold start, CPU (user + sys), median of %d alternating runs, the CLI's flags %s:%n",
                rounds, CLI_FLAGS);
        cpu.forEach((run, byCommand) -> {
            double help = median(byCommand.get("--help"));
            StringBuilder line = new StringBuilder("  " + run + ":");
            byCommand.forEach((command, samples) -> {
                double m = median(samples);
                line.append(String.format("  %s %.2f s (%.2f×)", command, m, m / help));
            });
            System.out.println(line);
            // The same rounds paired: each command over the --help of its own round, then the median. The machine's
            // speed drifts within a run; a command and its round's --help run back to back, so the drift cancels.
            StringBuilder paired = new StringBuilder("    paired, median of each round's ratio:");
            List<Double> helps = byCommand.get("--help");
            byCommand.forEach((command, samples) -> {
                if (!command.equals("--help")) {
                    paired.append(String.format("  %s %.2f×", command, pairedRatio(samples, helps)));
                }
            });
            System.out.println(paired);
            if (run.startsWith("this build")) {
                String tag = run.endsWith("archive") ? ", with the archive" : "";
                summary.put(
                        "cold `--once` / `--help`, CPU" + tag,
                        String.format(
                                "%.2f× (%.2f / %.2f s)",
                                median(byCommand.get("--once")) / help, median(byCommand.get("--once")), help));
                for (String command : quiet.keySet()) {
                    String provider = command.equals(QUIET) ? "" : " (" + command.substring(QUIET.length() + 1) + ")";
                    summary.put(
                            "cold quiet `--once`" + provider + " / `--help`, CPU" + tag,
                            String.format(
                                    "%.2f× (%.2f s), paired %.2f×",
                                    median(byCommand.get(command)) / help,
                                    median(byCommand.get(command)),
                                    pairedRatio(byCommand.get(command), helps)));
                }
                summary.put(
                        "inspection / `--help`, paired by round (median of the rounds' ratios)" + tag,
                        String.format(
                                "%.2f×, %.2f×, %.2f×",
                                pairedRatio(byCommand.get(INSPECTION.get(0)), helps),
                                pairedRatio(byCommand.get(INSPECTION.get(1)), helps),
                                pairedRatio(byCommand.get(INSPECTION.get(2)), helps)));
                for (String command : INSPECTION) {
                    summary.put(
                            "`" + command + "` / `--help`, CPU" + tag,
                            String.format(
                                    "%.2f× (%.2f s)",
                                    median(byCommand.get(command)) / help, median(byCommand.get(command))));
                }
            }
        });
    }

    /** A jar, with the archive or without. */
    private record Run(Path jar, Path archive) {
        double cpu(List<String> args) throws Exception {
            return cpu(args, null);
        }

        /** The same with {@code agent}'s environment (its key). */
        double cpu(List<String> args, TestAgent agent) throws Exception {
            List<String> flags = new ArrayList<>(CLI_FLAGS);
            if (archive != null) {
                flags.add("-XX:SharedArchiveFile=" + archive);
            }
            return timed(flags, jar, args, agent).cpuSeconds();
        }
    }

    // ------------------------------------------------------------------ import; a beat against the length of the
    // history

    private void importAndParse(Path jar, int messages) throws Exception {
        Path home = Files.createTempDirectory("hb-ratios-import");
        TestAgent agent = new TestAgent(home, null);
        Path transcript = home.resolve("history.jsonl");
        HistoryBench.writeTranscript(transcript, messages);
        Timed parse = timed(
                CLI_FLAGS,
                List.of(
                        "-cp",
                        jar + ":" + Path.of("target/test-classes").toAbsolutePath(),
                        ParseLines.class.getName(),
                        transcript.toString()));
        // A new store: the import creates it (the schema's few pages are in what it writes).
        long before = databaseBytes(agent);
        Timed imported = timed(
                CLI_FLAGS,
                jar,
                List.of(
                        "--config",
                        agent.config().toString(),
                        "sessions",
                        "import",
                        transcript.toString(),
                        "--name",
                        "test-agent"),
                agent);
        long growth = databaseBytes(agent) - before;
        System.out.printf(
                "sessions import of %,d messages (%,d KB of JSON lines): CPU %.2f s, wrote %,d KB, the database grew "
                        + "%,d KB, peak RSS %,d KB; a plain JSON parse of the file: CPU %.2f s%n",
                messages,
                Files.size(transcript) / 1024,
                imported.cpuSeconds(),
                imported.writtenKb(),
                growth / 1024,
                imported.peakRssKb(),
                parse.cpuSeconds());
        summary.put(
                "`sessions import` of 100k messages: bytes written",
                String.format(
                        "%,d MB (%.1f× the database's growth of %,d MB)",
                        imported.writtenKb() / 1024, imported.writtenKb() * 1024.0 / growth, growth / (1024 * 1024)));
        summary.put(
                "`sessions import` of 100k / a plain JSON parse of the file, CPU",
                String.format(
                        "%.2f× (%.2f / %.2f s)",
                        imported.cpuSeconds() / parse.cpuSeconds(), imported.cpuSeconds(), parse.cpuSeconds()));
        listAgainstSessionLength(jar, agent);
    }

    /**
     * {@code sessions list} (each session's health comes from its whole history) on {@code big}'s store against one
     * whose session has 10 messages: the median CPU and peak RSS of 5 alternating runs.
     */
    private void listAgainstSessionLength(Path jar, TestAgent big) throws Exception {
        TestAgent small = new TestAgent(Files.createTempDirectory("hb-ratios-list"), null);
        Path transcript = small.home().resolve("history.jsonl");
        HistoryBench.writeTranscript(transcript, 10);
        timed(
                CLI_FLAGS,
                jar,
                List.of(
                        "--config",
                        small.config().toString(),
                        "sessions",
                        "import",
                        transcript.toString(),
                        "--name",
                        "test-agent"),
                small);
        List<Timed> onBig = new ArrayList<>();
        List<Timed> onSmall = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            onBig.add(timed(CLI_FLAGS, jar, List.of("--config", big.config().toString(), "sessions", "list"), big));
            onSmall.add(
                    timed(CLI_FLAGS, jar, List.of("--config", small.config().toString(), "sessions", "list"), small));
        }
        double bigCpu = median(onBig.stream().map(Timed::cpuSeconds).toList());
        double smallCpu = median(onSmall.stream().map(Timed::cpuSeconds).toList());
        double bigRss = median(onBig.stream().map(t -> (double) t.peakRssKb()).toList()) / 1024;
        double smallRss =
                median(onSmall.stream().map(t -> (double) t.peakRssKb()).toList()) / 1024;
        System.out.printf(
                "sessions list, median of 5: a 100,000-message session CPU %.2f s, peak RSS %.0f MB; a 10-message one "
                        + "%.2f s, %.0f MB%n",
                bigCpu, bigRss, smallCpu, smallRss);
        summary.put(
                "`sessions list` on a 100k-message session / on a 10-message one",
                String.format(
                        "CPU %.2f× (%.2f / %.2f s), peak RSS %.2f× (%.0f / %.0f MB)",
                        bigCpu / smallCpu, bigCpu, smallCpu, bigRss / smallRss, bigRss, smallRss));
    }

    private static long databaseBytes(TestAgent agent) throws Exception {
        long total = 0;
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path p = Path.of(agent.database() + suffix);
            total += Files.exists(p) ? Files.size(p) : 0;
        }
        return total;
    }

    private void beatAgainstHistory() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            double[] medians = {};
            // The first round warms the JVM; the second is the figure.
            for (int round = 1; round <= 2; round++) {
                medians = HistoryBench.run(fake, "round " + round, 10, HistoryBench.FILLS_CONTEXT, 100_000);
            }
            summary.put(
                    "a beat on a 100k-message session / on a 1,000-message one, both filling the context (median of 200)",
                    String.format("%.2f× (%.1f / %.1f ms)", medians[2] / medians[1], medians[2], medians[1]));
            summary.put(
                    "a beat on a 100k-message session / on a 10-message one",
                    String.format("%.2f× (%.1f / %.1f ms)", medians[2] / medians[0], medians[2], medians[0]));
        }
    }

    // ------------------------------------------------------------------ verify

    private void verifyMemory(Path jar) throws Exception {
        long[] rss = new long[2];
        int[] sizes = {10_000, 100_000};
        for (int i = 0; i < sizes.length; i++) {
            TestAgent agent = new TestAgent(Files.createTempDirectory("hb-ratios-verify"), null);
            VerifyBench.fill(agent, sizes[i]);
            Timed cli =
                    timed(CLI_FLAGS, jar, List.of("--config", agent.config().toString(), "decisions", "verify"), agent);
            Timed defaults =
                    timed(List.of(), jar, List.of("--config", agent.config().toString(), "decisions", "verify"), agent);
            rss[i] = cli.peakRssKb();
            System.out.printf(
                    "decisions verify of %,d records: the CLI's flags peak RSS %,d KB, CPU %.2f s; the JVM's default "
                            + "flags %,d KB, %.2f s%n",
                    sizes[i], cli.peakRssKb(), cli.cpuSeconds(), defaults.peakRssKb(), defaults.cpuSeconds());
        }
        summary.put(
                "`decisions verify` peak RSS at 100k records (at 10k)",
                String.format("%,d MB (%,d MB; %.2f×)", rss[1] / 1024, rss[0] / 1024, (double) rss[1] / rss[0]));
    }

    // ------------------------------------------------------------------ idle

    private void idle(Path lib, int seconds) throws Exception {
        List<String> unit = new ArrayList<>(DaemonBench.UNIT_FLAGS);
        unit.add("-XX:SharedArchiveFile=" + lib.resolve("heartbeat-agent.jsa"));
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            double[] jvm = DaemonBench.idleJvm(seconds);
            Path jar = lib.resolve("heartbeat-agent.jar");
            String label = "the unit's flags and archive";
            // Restarted on its store: every start but the very first finds one (and migrates nothing).
            double[] daemon = DaemonBench.idleRestarted(fake, jar, unit, label, seconds);
            summary.put(
                    "idle daemon RSS / an idle JVM's (restarted on its store)",
                    String.format("%.2f× (%.0f / %.0f MB)", daemon[0] / jvm[0], daemon[0], jvm[0]));
            summary.put(
                    "idle daemon CPU / an idle JVM's, " + seconds + " s",
                    String.format("%.2f× (%.2f / %.2f s)", daemon[1] / jvm[1], daemon[1], jvm[1]));
            double[] after = DaemonBench.idleAfterBeat(fake, jar, unit, label, seconds);
            summary.put(
                    "idle daemon RSS after a beat / an idle JVM's",
                    String.format("%.2f× (%.0f / %.0f MB)", after[0] / jvm[0], after[0], jvm[0]));
            double[] first = DaemonBench.idle(fake, jar, unit, label + ", first start on a new store", seconds);
            summary.put(
                    "idle daemon RSS, first start on a new store / an idle JVM's",
                    String.format("%.2f× (%.0f / %.0f MB)", first[0] / jvm[0], first[0], jvm[0]));
        }
    }

    // ------------------------------------------------------------------ processes under GNU time

    record Timed(double cpuSeconds, long peakRssKb, long writtenKb) {}

    static Timed timed(List<String> flags, Path jar, List<String> args) throws Exception {
        return timed(flags, jar, args, null);
    }

    static Timed timed(List<String> flags, Path jar, List<String> args, TestAgent agent) throws Exception {
        List<String> javaArgs = new ArrayList<>(List.of("-jar", jar.toString()));
        javaArgs.addAll(args);
        return timed(flags, javaArgs, agent);
    }

    static Timed timed(List<String> flags, List<String> javaArgs) throws Exception {
        return timed(flags, javaArgs, null);
    }

    private static Timed timed(List<String> flags, List<String> javaArgs, TestAgent agent) throws Exception {
        Path report = Files.createTempFile("hb-time", ".txt");
        List<String> command =
                new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", report.toString(), JarProcess.java()));
        command.addAll(flags);
        command.addAll(javaArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (agent != null) {
            pb.environment().putAll(agent.env());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String time = Files.readString(report);
        Files.delete(report);
        boolean help = javaArgs.contains("--help");
        if (exit != 0 && !(javaArgs.contains("--once") && out.contains("connection refused")) && !help) {
            throw new IllegalStateException(String.join(" ", javaArgs) + " exited " + exit + ": " + out);
        }
        return new Timed(
                Stats.number(time, "User time \\(seconds\\): ([0-9.]+)")
                        + Stats.number(time, "System time \\(seconds\\): ([0-9.]+)"),
                (long) Stats.number(time, "Maximum resident set size \\(kbytes\\): (\\d+)"),
                (long) Stats.number(time, "File system outputs: (\\d+)") / 2);
    }

    /** The median of {@code samples[i] / yardstick[i]}: each sample over the yardstick of its own round. */
    static double pairedRatio(List<Double> samples, List<Double> yardstick) {
        double[] ratios = new double[samples.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = samples.get(i) / yardstick.get(i);
        }
        return Stats.median(ratios);
    }

    private static double median(List<Double> samples) {
        return Stats.median(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The yardstick of an import: each line of the file read as JSON, nothing stored. */
    public static final class ParseLines {
        public static void main(String[] args) throws Exception {
            ObjectMapper mapper = new ObjectMapper();
            long fields = 0;
            try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    fields += mapper.readTree(line).size();
                }
            }
            System.out.println(fields + " fields");
        }
    }
}
