package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.Requires;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;

/** The packaged jar, run as a process: what a user gets from the README. */
class JarOnceIT {
    @TempDir
    Path home;

    @Test
    void aQuietAndAnActingBeatFromTheJar() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY);
                WebhookReceiver hook = new WebhookReceiver()) {
            TestAgent agent = new TestAgent(home, fake);
            agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\" }\n");
            Map<String, String> env = Map.of("HB_TEST_KEY", TestAgent.KEY);
            String config = agent.config().toString();

            fake.text("HEARTBEAT_OK");
            JarProcess.Result quiet = JarProcess.run(env, "--config", config, "--once");
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.out()).startsWith("QUIET: HEARTBEAT_OK");

            fake.call("notify", "{\"message\": \"certificate expires in 3 days\", \"severity\": \"warning\"}")
                    .text("HEARTBEAT_OK");
            JarProcess.Result acting = JarProcess.run(env, "--config", config, "--once", "--json");
            assertThat(acting.exit()).as(acting.err()).isZero();
            JsonNode record = new ObjectMapper().readTree(acting.out());
            assertThat(record.path("outcome").asText()).isEqualTo("acted");
            assertThat(hook.deliveries()).hasSize(1);
            assertThat(fake.rejections()).isEmpty();

            JarProcess.Result verify = JarProcess.run(env, "--config", config, "decisions", "verify");
            assertThat(verify.exit()).isZero();
            assertThat(verify.out()).contains("intact: 2 record(s)");

            for (JarProcess.Result r : new JarProcess.Result[] {quiet, acting, verify}) {
                assertThat(r.out() + r.err()).doesNotContain(TestAgent.KEY);
            }
            assertThat(Files.readString(agent.database(), StandardCharsets.ISO_8859_1))
                    .doesNotContain(TestAgent.KEY);
        }
    }

    @Test
    void inspectionWorksForAUserWhoMayNotWriteTheDatabasesFolder() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "runs another user's command only as root");
        Requires.program("runuser", "util-linux");
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            TestAgent agent = new TestAgent(home, fake);
            fake.text("HEARTBEAT_OK");
            JarProcess.Result quiet = JarProcess.run(
                    Map.of("HB_TEST_KEY", TestAgent.KEY),
                    "--config",
                    agent.config().toString(),
                    "--once");
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            // Readable by everyone, writable by its owner only.
            try (var all = Files.walk(home)) {
                for (Path p : all.toList()) {
                    Files.setPosixFilePermissions(
                            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            for (Path p = home.getParent(); p != null; p = p.getParent()) {
                assertThat(Files.isExecutable(p)).isTrue();
            }
            // The build's own folder may be private to its owner (a clone under mktemp -d): the other user runs a
            // copy of the jar from the home, which it can read.
            Path jar = Files.copy(JarProcess.jar(), home.resolve("heartbeat-agent.jar"));
            Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
            byte[] before = Files.readAllBytes(agent.database());
            for (String[] command :
                    new String[][] {{"decisions", "list"}, {"decisions", "verify"}, {"sessions", "list"}, {"status"}}) {
                List<String> argv = new ArrayList<>(List.of(
                        "runuser",
                        "-u",
                        "nobody",
                        "--",
                        JarProcess.java(),
                        "-jar",
                        jar.toString(),
                        "--config",
                        agent.config().toString()));
                argv.addAll(List.of(command));
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor())
                        .as(String.join(" ", command) + ": " + out)
                        .isZero();
            }
            assertThat(Files.readAllBytes(agent.database())).isEqualTo(before);
        }
    }

    @Test
    void aBadConfigIsOneLineOnStderrAndExitTwo() throws Exception {
        Path config = home.resolve("agent.yaml");
        Files.writeString(config, "model:\n  provider: openai\n  name: gpt-4o-mini\n  api-key: ${NO_SUCH_KEY_VAR}\n");
        JarProcess.Result r = JarProcess.run(Map.of(), "--config", config.toString(), "--once");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains(config + ":4: model.api-key").contains("NO_SUCH_KEY_VAR is not set");
    }

    @Test
    void helpTeachesAndVersionAnswers() throws Exception {
        JarProcess.Result help = JarProcess.run(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--once").contains("decisions").contains("Examples:");
        JarProcess.Result version = JarProcess.run(Map.of(), "--version");
        assertThat(version.out()).startsWith("heartbeat-agent 0.1.0");
    }

    @Test
    void aBeatOnAStoreWithThisReleasesSchemaLoadsOnlyWhatItNeeds() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Map<String, String> env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
            String config = agent.config().toString();
            Path first = home.resolve("first-classes.txt");
            Path second = home.resolve("second-classes.txt");

            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + first);
            assertThat(JarProcess.run(env, "--config", config, "--once").exit()).isZero();
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + second);
            JarProcess.Result again = JarProcess.run(env, "--config", config, "--once");

            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(Files.readString(first)).as("a new store is migrated").contains("org.flywaydb.core.Flyway ");
            assertThat(Files.readString(second))
                    .as("a current one is opened after one query")
                    .doesNotContain("org.flywaydb.core.Flyway ");
            assertThat(Files.readString(second))
                    .as("a model at an http:// URL needs no trust store read")
                    .doesNotContain("sun.security.ssl.TrustStoreManager ")
                    .as("nor its TLS provider")
                    .doesNotContain("sun.security.ssl.SunJSSE ")
                    .as("one request and its answer need no asynchronous HTTP client")
                    .doesNotContain("jdk.internal.net.http.HttpClientImpl ");
            assertThat(Files.readString(second))
                    .as("logging is set up in code, without logback's XML reader")
                    .doesNotContain("ch.qos.logback.classic.joran.JoranConfigurator ")
                    .as("nor its context initializer")
                    .doesNotContain("ch.qos.logback.classic.util.ContextInitializer ")
                    .as("--once builds no command's model")
                    .doesNotContain("dev.heartbeat.cli.SessionsCommand$ListSessions ");
            assertThat(Files.readString(second))
                    .as("the sqlite library's platform is remembered, not asked of uname in a process")
                    // Not ProcessImpl: on Java 25 reading the environment loads it, and no process is started.
                    .doesNotContain("java.lang.ProcessBuilder ")
                    .as("the beat's records (their times) are written without databind's serializers")
                    .doesNotContain("com.fasterxml.jackson.datatype.jsr310.ser.OffsetDateTimeSerializer ")
                    .as("the model's request is written, and its answer read, without LangChain4j's databind mapper")
                    .doesNotContain("dev.langchain4j.model.openai.internal.Json ")
                    .doesNotContain("com.fasterxml.jackson.databind.ser.BeanSerializer ")
                    .doesNotContain("com.fasterxml.jackson.databind.deser.BuilderBasedDeserializer ");
        }
    }

    /** The same for Anthropic: its request and answer, and the cache's one-hour mark, without a databind mapper. */
    @Test
    void aQuietAnthropicBeatStartsNoDatabindMapper() throws Exception {
        try (FakeAnthropic fake = new FakeAnthropic(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Map<String, String> env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
            String config = agent.config().toString();
            assertThat(JarProcess.run(env, "--config", config, "--once").exit()).isZero();
            Path classes = home.resolve("anthropic-classes.txt");
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
            JarProcess.Result quiet = JarProcess.run(env, "--config", config, "--once");

            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.out()).startsWith("QUIET: HEARTBEAT_OK");
            assertThat(fake.requests().get(1).toString())
                    .as("the stable prefix is marked for an hour (heartbeat.every 30m)")
                    .contains("\"ttl\":\"1h\"");
            assertThat(Files.readString(classes))
                    .contains("dev.heartbeat.model.anthropic.LeanAnthropicClient ")
                    .doesNotContain("dev.langchain4j.model.anthropic.internal.client.Json ")
                    .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ");
        }
    }

    @Test
    void inspectionReadsTheConfigurationAndTheRecordsWithoutStartingDatabind() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Map<String, String> env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
            String config = agent.config().toString();
            assertThat(JarProcess.run(env, "--config", config, "--once").exit()).isZero();

            Map<List<String>, String> shows = Map.of(
                    List.of("status"), "quiet",
                    List.of("decisions", "list"), "quiet",
                    List.of("sessions", "list"), "test-agent");
            for (Map.Entry<List<String>, String> e : shows.entrySet()) {
                List<String> command = e.getKey();
                Path classes = home.resolve(String.join("-", command) + "-classes.txt");
                env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
                List<String> args = new ArrayList<>(List.of("--config", config));
                args.addAll(command);
                JarProcess.Result r = JarProcess.run(env, args.toArray(String[]::new));

                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.out()).as("%s shows the beat", command).contains(e.getValue());
                assertThat(Files.readString(classes))
                        .as("%s binds agent.yaml, the decisions and the messages with TreeBinder", command)
                        .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ")
                        .as("%s logs nothing at WARN, so logback's console is not set up", command)
                        .doesNotContain("ch.qos.logback.core.ConsoleAppender ");
            }
        }
    }

    @Test
    void anOperatorsOwnLogbackFileIsStillRead() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Path logback = home.resolve("my-logback.xml");
            Files.writeString(
                    logback,
                    "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                            + "<encoder><pattern>MINE %logger %msg%n</pattern></encoder></appender>"
                            + "<logger name=\"dev.heartbeat\" level=\"INFO\"/>"
                            + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>");
            Map<String, String> env =
                    Map.of("HB_TEST_KEY", TestAgent.KEY, "JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + logback);

            JarProcess.Result r = JarProcess.run(env, "--config", agent.config().toString(), "--once");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("MINE dev.heartbeat.decision beat ");
        }
    }

    @Test
    void theSqliteLibraryIsExtractedOnceBesideTheStoreNotIntoTheTempFolderOnEveryStart() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Path tmp = Files.createDirectories(home.resolve("tmp"));
            Map<String, String> env =
                    new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY, "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp));
            String config = agent.config().toString();

            assertThat(JarProcess.run(env, "--config", config, "--once").exit()).isZero();
            Path lib;
            try (var found = Files.find(
                    agent.database().getParent().resolve(".native"),
                    3,
                    (path, attributes) -> path.getFileName().toString().equals("libsqlitejdbc.so"))) {
                lib = found.findFirst().orElseThrow();
            }
            var written = Files.getLastModifiedTime(lib);
            // What the driver sweeps its temp folder for before every load: a copy a killed process left there.
            // Ours are never there, so the sweep (a listing of all of /tmp) is not run and this one stays.
            Path others = Files.writeString(
                    tmp.resolve("sqlite-" + SQLiteJDBCLoader.getVersion() + "-0-libsqlitejdbc.so"), "another's");
            assertThat(JarProcess.run(env, "--config", config, "--once").exit()).isZero();
            assertThat(JarProcess.run(env, "--config", config, "decisions", "list")
                            .exit())
                    .isZero();

            assertThat(Files.getLastModifiedTime(lib)).as("extracted once").isEqualTo(written);
            try (var left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("no copy of ours in the temp folder, and the temp folder not swept")
                        .containsExactly(others.getFileName().toString());
            }
        }
    }

    @Test
    void theInstallersClassDataArchiveIsOneTheJvmMapsForTheInstalledJar() throws Exception {
        Path stage = home.resolve("stage");
        ProcessBuilder install = new ProcessBuilder("sh", "systemd/install.sh");
        install.environment().put("DESTDIR", stage.toString());
        install.environment().put("JAR", JarProcess.jar().toString());
        assertThat(succeeds(install)).contains("class-data sharing archive");
        Path lib = stage.resolve("usr/lib/heartbeat-agent");

        // -Xshare:on makes an archive the JVM cannot use (another jar, another JDK) a hard error.
        String loaded = succeeds(fromTheArchive(lib, "--help"));
        assertThat(loaded)
                .as("the command line's classes come from the archive, picocli's too (compiled for Java 5)")
                .contains("dev.heartbeat.cli.Main source: shared objects file")
                .contains("picocli.CommandLine source: shared objects file");

        // The archive is made from a quiet beat, the common one: reading the model's answer is in it.
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home.resolve("quiet"), fake);
            ProcessBuilder once = fromTheArchive(lib, "--config", agent.config().toString(), "--once");
            once.environment().put("HB_TEST_KEY", TestAgent.KEY);
            assertThat(succeeds(once))
                    .contains("QUIET")
                    .contains("dev.langchain4j.data.message.AiMessage source: shared objects file")
                    .contains("dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse$Builder source: "
                            + "shared objects file");

            // The daemon from the installed jar and its archive says nothing about it; from a jar the archive was
            // not made for (the build's own copy), the JVM shares nothing without a word, and the daemon says so.
            Path archive = lib.resolve("heartbeat-agent.jsa");
            assertThat(daemonOutput(agent, archive, lib.resolve("heartbeat-agent.jar"), "installed.log"))
                    .doesNotContain("class-data sharing archive")
                    .as("the daemon logs from its first line: the archive holds its console logging")
                    .contains("ch.qos.logback.core.ConsoleAppender source: shared objects file");
            assertThat(daemonOutput(agent, archive, JarProcess.jar(), "other-jar.log"))
                    .contains("the class-data sharing archive " + archive + " is not in use");
        }

        // The command line it installs starts from the same archive.
        ProcessBuilder launcher =
                new ProcessBuilder(stage.resolve("usr/bin/heartbeat-agent").toString(), "--version");
        launcher.environment().put("HEARTBEAT_AGENT_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info");
        assertThat(succeeds(launcher))
                .contains("dev.heartbeat.cli.Main source: shared objects file")
                .contains("heartbeat-agent 0.1.0");
    }

    /**
     * What {@code run} of {@code jar} with {@code archive} says until it has started, each class's source logged;
     * then it is stopped.
     */
    private String daemonOutput(TestAgent agent, Path archive, Path jar, String log) throws Exception {
        ProcessBuilder run = new ProcessBuilder(
                        JarProcess.java(),
                        "-XX:SharedArchiveFile=" + archive,
                        "-Xlog:class+load=info",
                        "-jar",
                        jar.toString(),
                        "--config",
                        agent.config().toString(),
                        "run")
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(log).toFile());
        run.environment().put("HB_TEST_KEY", TestAgent.KEY);
        try (DaemonProcess daemon = DaemonProcess.watching(run.start(), home.resolve(log))) {
            assertThat(daemon.awaitOutput("daemon started", Duration.ofSeconds(30)))
                    .as(daemon.output())
                    .isTrue();
            assertThat(daemon.terminate(Duration.ofSeconds(30)))
                    .as(daemon.output())
                    .isZero();
            return daemon.output();
        }
    }

    /** The installed jar in {@code lib} run with {@code args}, its archive required, each class's source logged. */
    private static ProcessBuilder fromTheArchive(Path lib, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:SharedArchiveFile=" + lib.resolve("heartbeat-agent.jsa"),
                "-Xshare:on",
                "-Xlog:class+load=info",
                "-jar",
                lib.resolve("heartbeat-agent.jar").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Runs a process to its end, its stderr in its output; it must exit 0. Returns the output. */
    private static String succeeds(ProcessBuilder process) throws Exception {
        Process p = process.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void withUnchangedProbesASecondOnceSpendsNoTokensAndAChangeWakesTheModel() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            TestAgent agent = new TestAgent(home, fake);
            Files.writeString(agent.workspace().resolve("inbox.md"), "- nothing new\n");
            agent.yaml("probes:\n  - { name: inbox, file: inbox.md }\n");
            Map<String, String> env = Map.of("HB_TEST_KEY", TestAgent.KEY);
            String config = agent.config().toString();

            JarProcess.Result first = JarProcess.run(env, "--config", config, "--once");
            assertThat(first.out()).as(first.err()).startsWith("QUIET").contains("probes:   inbox changed");
            JarProcess.Result second = JarProcess.run(env, "--config", config, "--once");
            assertThat(second.exit()).isZero();
            assertThat(second.out())
                    .startsWith("SKIPPED: nothing changed")
                    .contains("probes:   inbox unchanged")
                    .contains("tokens:   0 in / 0 out, 0 model call(s)");
            assertThat(fake.requests()).hasSize(1);

            Files.writeString(agent.workspace().resolve("inbox.md"), "- the backup failed\n");
            JarProcess.Result third = JarProcess.run(env, "--config", config, "--once");
            assertThat(third.out()).startsWith("QUIET").contains("probes:   inbox changed");
            assertThat(fake.requests()).hasSize(2);
            assertThat(fake.requests().get(1).toString()).contains("the backup failed");
        }
    }
}
