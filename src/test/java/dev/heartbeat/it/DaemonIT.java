package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The real jar as a daemon: schedule, stop, a second instance, wake, systemd notify, kill -9. */
class DaemonIT {
    @TempDir
    Path home;

    FakeOpenAi fake;
    TestAgent agent;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAi(TestAgent.KEY);
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        agent = new TestAgent(home, fake);
        agent.yaml("heartbeat:\n  every: 1s\n  shutdown-grace: 2s\n");
        env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private DaemonProcess start(String log) throws Exception {
        return DaemonProcess.running(env, home.resolve(log), agent.config());
    }

    private List<Decision> decisions() {
        try (Store store = agent.store()) {
            List<Decision> out = new ArrayList<>();
            for (StoredDecision d : store.decisionLog().list(null, null, 10_000)) {
                out.add(0, d.decision());
            }
            return out;
        }
    }

    @Test
    void aOnceBeatHoldsTheStoreForItsWholeBeat() throws Exception {
        agent.model("  provider: openai\n  name: gpt-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n" + "  timeout: 30s\n  max-retries: 0\n");
        fake.reply(new FakeProvider.Slow(Duration.ofSeconds(8), new FakeProvider.Text("HEARTBEAT_OK")));
        Process once = JarProcess.builder(env, "--config", agent.config().toString(), "--once")
                .redirectOutput(home.resolve("once.out").toFile())
                .redirectError(home.resolve("once.err").toFile())
                .start();
        long waitFor = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (fake.requests().isEmpty() && System.nanoTime() < waitFor) {
            Thread.sleep(50);
        }
        assertThat(fake.requests()).as("the --once beat asked the model").hasSize(1);

        JarProcess.Result second =
                JarProcess.run(env, "--config", agent.config().toString(), "--once");
        assertThat(second.exit()).as(second.out() + second.err()).isEqualTo(2);
        assertThat(second.err()).contains("--once").contains("pid " + once.pid());

        try (DaemonProcess daemon = DaemonProcess.start(
                env, home.resolve("run.log"), "--config", agent.config().toString(), "run")) {
            assertThat(daemon.awaitOutput("waiting for the --once beat", Duration.ofSeconds(30)))
                    .as(daemon.output())
                    .isTrue();
            assertThat(once.waitFor())
                    .as(Files.readString(home.resolve("once.out")))
                    .isZero();
            assertThat(daemon.awaitOutput("daemon started", Duration.ofSeconds(30)))
                    .as(daemon.output())
                    .isTrue();
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
        List<Decision> decisions = decisions();
        assertThat(decisions).noneMatch(d -> d.reason().startsWith("interrupted"));
        assertThat(decisions.get(0).trigger()).isEqualTo(Decision.Trigger.MANUAL);
        assertThat(decisions.get(0).outcome()).isEqualTo(Decision.Outcome.QUIET);
    }

    @Test
    void beatsOnScheduleAndStopsCleanlyOnSigterm() throws Exception {
        agent.yaml("logging:\n  json-file: logs/heartbeat.jsonl\n");
        try (DaemonProcess daemon = start("run.log")) {
            Thread.sleep(4500);
            int exit = daemon.terminate(Duration.ofSeconds(20));
            assertThat(exit).as(daemon.output()).isZero();
            assertThat(daemon.output())
                    .contains("SIGTERM received")
                    .contains("stopped cleanly")
                    .doesNotContain(TestAgent.KEY);
        }
        List<Decision> decisions = decisions();
        assertThat(decisions.size()).isBetween(3, 7);
        assertThat(decisions).allSatisfy(d -> {
            assertThat(d.trigger()).isEqualTo(Decision.Trigger.SCHEDULE);
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.QUIET);
        });
        // Every beat the provider answered is on record, and nothing else ran.
        assertThat(fake.served()).isEqualTo(decisions.size());
        assertThat(JarProcess.run(env, "--config", agent.config().toString(), "decisions", "verify")
                        .exit())
                .isZero();
        // One structured event per decision in the JSON log, with the beat id.
        assertThat(Files.readString(home.resolve("logs/heartbeat.jsonl"))).doesNotContain(TestAgent.KEY);
        List<String> events = Files.readAllLines(home.resolve("logs/heartbeat.jsonl")).stream()
                .filter(l -> l.contains("\"beat_id\""))
                .toList();
        assertThat(events).hasSize(decisions.size());
        JsonNode event = new ObjectMapper().readTree(events.get(0));
        assertThat(event.path("level").asText()).isEqualTo("INFO");
        assertThat(event.toString()).contains(decisions.get(0).id()).contains("\"outcome\"");
    }

    @Test
    void aSecondDaemonOnTheSameStoreIsRefusedAndInspectionStillWorks() throws Exception {
        try (DaemonProcess daemon = start("first.log")) {
            JarProcess.Result second =
                    JarProcess.run(env, "--config", agent.config().toString(), "run");
            assertThat(second.exit()).isEqualTo(2);
            assertThat(second.err()).contains("another daemon (pid " + daemon.pid());
            assertThat(second.millis()).as("refused at once").isLessThan(15_000);

            JarProcess.Result once =
                    JarProcess.run(env, "--config", agent.config().toString(), "--once");
            assertThat(once.exit()).isEqualTo(2);
            assertThat(once.err()).contains("wake");

            daemon.awaitOutput("schedule quiet", Duration.ofSeconds(10));
            for (String[] command : new String[][] {
                {"decisions", "list"},
                {"decisions", "show", "0"},
                {"decisions", "verify"},
                {"decisions", "stats"},
                {"sessions", "list"},
                {"sessions", "check"},
                {"sessions", "show", "test-agent", "--tail", "2"},
                {"status"}
            }) {
                List<String> args =
                        new ArrayList<>(List.of("--config", agent.config().toString()));
                args.addAll(List.of(command));
                JarProcess.Result r = JarProcess.run(env, args.toArray(String[]::new));
                assertThat(r.exit())
                        .as(String.join(" ", command) + ": " + r.err())
                        .isIn(0, 1);
                assertThat(r.err())
                        .as(String.join(" ", command))
                        .doesNotContain("SQLITE_BUSY")
                        .doesNotContain("locked");
            }
            JarProcess.Result status =
                    JarProcess.run(env, "--config", agent.config().toString(), "status");
            assertThat(status.out()).contains("running (pid " + daemon.pid());
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void wakeAsksTheRunningDaemonForAManualBeat() throws Exception {
        agent.replaceYaml("heartbeat:\n  every: 1h\n");
        try (DaemonProcess daemon = start("wake.log")) {
            JarProcess.Result wake =
                    JarProcess.run(env, "--config", agent.config().toString(), "wake", "--reason", "deploy finished");
            assertThat(wake.exit()).isZero();
            assertThat(wake.out()).contains("takes it within a second");
            assertThat(daemon.awaitOutput("manual quiet", Duration.ofSeconds(15)))
                    .as(daemon.output())
                    .isTrue();
            // Heard through the file beside the store, not found by the poll (every 10 s).
            assertThat(daemon.output()).contains("taken (signalled): deploy finished");
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
        Decision d = decisions().get(decisions().size() - 1);
        assertThat(d.trigger()).isEqualTo(Decision.Trigger.MANUAL);
        assertThat(d.gates().get(0).detail()).contains("deploy finished");
    }

    @Test
    void systemdHearsReadyStatusAndWatchdog() throws Exception {
        Path socketPath = home.resolve("notify.sock");
        try (AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance()) {
            socket.bind(AFUNIXSocketAddress.of(socketPath));
            socket.setSoTimeout(15_000);
            env.put("NOTIFY_SOCKET", socketPath.toString());
            env.put("WATCHDOG_USEC", "1000000");
            List<String> messages = new ArrayList<>();
            try (DaemonProcess daemon = start("notify.log")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (System.nanoTime() < deadline
                        && !(has(messages, "READY=1")
                                && has(messages, "WATCHDOG=1")
                                && has(messages, "STATUS=last beat quiet"))) {
                    DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
                    socket.receive(packet);
                    messages.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
                }
                assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            }
            assertThat(has(messages, "READY=1")).as(messages.toString()).isTrue();
            assertThat(has(messages, "STATUS=last beat quiet"))
                    .as(messages.toString())
                    .isTrue();
            assertThat(has(messages, "WATCHDOG=1")).as(messages.toString()).isTrue();
            assertThat(String.join("|", messages)).contains("next beat");
        }
    }

    private static boolean has(List<String> messages, String part) {
        return messages.stream().anyMatch(m -> m.contains(part));
    }

    @Test
    void afterKill9ARestartFindsAValidSessionAndRecordsTheMissedBeats() throws Exception {
        fake.otherwise(new FakeProvider.Calls(
                List.of(new FakeProvider.Call(null, "append_note", "{\"text\": \"still here\"}"))));
        try (DaemonProcess daemon = start("crash.log")) {
            Thread.sleep(2500);
            daemon.kill9();
        }
        Thread.sleep(3000);
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        JarProcess.Result check = JarProcess.run(env, "--config", agent.config().toString(), "sessions", "check");
        assertThat(check.exit())
                .as("after kill -9 the stored history may need repair, but it must load: %s", check.out())
                .isIn(0, 1);
        try (DaemonProcess daemon = start("restart.log")) {
            assertThat(daemon.awaitOutput("schedule quiet", Duration.ofSeconds(20)))
                    .as(daemon.output())
                    .isTrue();
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
        assertThat(fake.rejections()).isEmpty();
        List<Decision> all = decisions();
        assertThat(all).anySatisfy(d -> {
            assertThat(d.trigger()).isEqualTo(Decision.Trigger.MISSED);
            assertThat(d.reason()).contains("missed");
        });
        assertThat(JarProcess.run(env, "--config", agent.config().toString(), "sessions", "check")
                        .exit())
                .isZero();
        assertThat(JarProcess.run(env, "--config", agent.config().toString(), "decisions", "verify")
                        .exit())
                .isZero();
    }

    @Test
    void aBeatStillRunningWhenTheGraceEndsIsCutOffAndRecorded() throws Exception {
        agent.replaceYaml("heartbeat:\n  every: 1h\n  shutdown-grace: 1s\n");
        agent.model("  provider: openai\n  name: m\n  base-url: " + fake.baseUrl() + "\n  api-key: ${HB_TEST_KEY}\n"
                + "  timeout: 60s\n  max-retries: 0\n");
        fake.otherwise(new FakeProvider.Hang(Duration.ofSeconds(30)));
        try (DaemonProcess daemon = start("grace.log")) {
            JarProcess.run(env, "--config", agent.config().toString(), "wake");
            Thread.sleep(2500);
            long start = System.nanoTime();
            assertThat(daemon.terminate(Duration.ofSeconds(20)))
                    .as(daemon.output())
                    .isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            assertThat(daemon.output()).contains("did not finish within 1s");
        }
        Decision d = decisions().get(decisions().size() - 1);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.FAILED);
        assertThat(d.reason()).containsAnyOf("interrupted", "stopped");
    }

    /**
     * A daemon that finds no store has it made by 'migrate' in a process of its own, so Flyway's classes, which the
     * application's class loader keeps for the JVM's life, are never the daemon's: its first start idles as every
     * later one does.
     */
    @Test
    void aDaemonsFirstStartMigratesInAProcessOfItsOwn() throws Exception {
        Path classes = home.resolve("classes");
        Files.createDirectories(classes);
        // %p: each JVM (the daemon, the migration it starts) writes its own list.
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes.resolve("%p.txt"));
        try (DaemonProcess daemon = start("run.log")) {
            assertThat(daemon.awaitOutput("daemon started", Duration.ofSeconds(30)))
                    .as(daemon.output())
                    .isTrue();
            assertThat(daemon.output())
                    .as(daemon.output())
                    .contains("is not at this release's schema: migrating it in a process of its own")
                    .contains("now at this release's schema");
            Path own = classes.resolve(daemon.pid() + ".txt");
            assertThat(Files.readString(own)).as("the daemon's classes").doesNotContain("org.flywaydb.core.Flyway ");
            List<Path> others;
            try (var files = Files.list(classes)) {
                others = files.filter(f -> !f.equals(own)).toList();
            }
            assertThat(others).as("one process migrated").hasSize(1);
            assertThat(Files.readString(others.get(0))).contains("org.flywaydb.core.Flyway ");
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
        assertThat(Store.current(new dev.heartbeat.store.SqliteDatabase(agent.database())))
                .isTrue();
    }

    /** A store made by another build is refused as before, the migration's error the daemon's, and left as it is. */
    @Test
    void aStoreTheMigrationRefusesStopsTheDaemonWithItsReason() throws Exception {
        Path db = home.resolve("state/heartbeat.db");
        Store.open(db, java.time.Clock.systemUTC()).close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 1119044668 WHERE version = '1'");
        }
        JarProcess.Result run = JarProcess.run(env, "--config", agent.config().toString(), "run");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err())
                .as(run.out() + run.err())
                .contains("error: the store's migration failed (exit 1): cannot prepare the database " + db)
                .contains("version 1")
                .contains("Nothing was changed")
                .doesNotContain("\tat ");
        assertThat(run.out()).doesNotContain("daemon started");
    }
}
