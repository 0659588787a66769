package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.PostgresServer;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.support.Ids;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole store on a real PostgreSQL server, through the same commands and migrations as SQLite. */
class PostgresStoreTest extends AgentTest {
    /** Found (or started) before each test, so a machine without PostgreSQL skips them with a reason. */
    static PostgresServer SERVER;

    @BeforeEach
    void onPostgres() throws Exception {
        SERVER = PostgresServer.shared();
        agent.postgres(SERVER, "");
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
    }

    private List<String> tables() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SERVER.connect(agent.postgresUrl());
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                + "ORDER BY table_name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aBeatCreatesOurTablesAndQuartzsAndIsRecorded() throws Exception {
        fake.call("set_state", "{\"key\": \"disk\", \"value\": \"95%\"}").text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once", "--json");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        assertThat(tables())
                .contains(
                        "sessions",
                        "messages",
                        "decisions",
                        "state",
                        "tool_intents",
                        "beat_fence",
                        "approvals",
                        "flyway_schema_history",
                        "qrtz_triggers",
                        "qrtz_scheduler_state",
                        "qrtz_locks",
                        "qrtz_fired_triggers");
        JsonNode d = json(r.out());
        assertThat(d.path("tool_calls").get(0).path("name").asText()).isEqualTo("set_state");
        try (Store store = agent.store()) {
            assertThat(store.database().clustered()).isTrue();
            assertThat(store.agentState().state("test-agent", "disk")).contains("\"95%\"");
            assertThat(store.sessions().history("test-agent"))
                    .extracting(m -> m.message().role())
                    .containsExactly("user", "assistant", "tool", "assistant");
        }
        TestAgent.Result verify = agent.run("decisions", "verify");
        assertThat(verify.exit()).as(verify.all()).isZero();
        assertThat(agent.run("sessions", "check").exit()).isZero();
    }

    @Test
    void aBeatThatLostItsBeatLockStopsBeforeItsNextSideEffect() throws Exception {
        Path sent = home.resolve("sent.jsonl");
        agent.yaml("notify:\n  channels:\n    - { type: file, path: \"" + sent + "\" }\n");
        fake.reply(new FakeProvider.Slow(
                Duration.ofMillis(1500),
                new FakeProvider.Calls(List.of(new FakeProvider.Call(
                        null, "notify", "{\"message\": \"restart db1\", \"severity\": \"critical\"}")))));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<TestAgent.Result> beat = pool.submit(() -> agent.run("--once", "--json"));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (fake.requests().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            // The server ends the session holding the beat lock, as it does for a node cut off by the network.
            try (Connection c = SERVER.connect(agent.postgresUrl());
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                    + "AND classid = " + PostgresDatabase.BEAT_LOCK + " AND objsubid = 2")) {
                assertThat(rs.next()).as("the beat holds its lock").isTrue();
            }
            JsonNode d = json(beat.get().out());
            assertThat(d.path("outcome").asText()).isEqualTo("failed");
            assertThat(d.path("reason").asText()).contains("lost its beat lock").contains("notify");
            assertThat(sent).as("the side effect never ran").doesNotExist();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A write waiting for the database (another node holds the write lock) does not hold up this process's
     * other store calls: the watchdog's ping answers at once. With one JVM-wide monitor around the store it
     * waited behind the write, and systemd would have killed a healthy daemon.
     */
    @Test
    void aWriteWaitingForTheDatabaseNeverHoldsUpTheWatchdogsPing() throws Exception {
        try (Store store = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC());
                Connection otherNode = SERVER.connect(agent.postgresUrl())) {
            otherNode.setAutoCommit(false);
            try (Statement s = otherNode.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + PostgresDatabase.WRITE_LOCK + ")");
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Long> waiting =
                        pool.submit(() -> store.control().requestWake("a", "queued behind the other node"));
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!waitsForTheWriteLock(otherNode) && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                assertThat(waitsForTheWriteLock(otherNode))
                        .as("the write waits for the other node")
                        .isTrue();
                assertThat(waiting.isDone()).isFalse();

                ExecutorService watchdog = Executors.newSingleThreadExecutor();
                try {
                    Future<Boolean> ping = watchdog.submit(() -> store.control().ping());
                    assertThat(ping.get(5, TimeUnit.SECONDS))
                            .as("the ping answers while the write waits")
                            .isTrue();
                } finally {
                    watchdog.shutdownNow();
                }

                otherNode.commit();
                assertThat(waiting.get(10, TimeUnit.SECONDS)).isPositive();
            } finally {
                otherNode.rollback();
                pool.shutdownNow();
            }
        }
    }

    /** Whether some session waits for the store's write lock (an advisory lock not granted). */
    private static boolean waitsForTheWriteLock(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    @Test
    void theFenceLetsATickBeTakenOnce() {
        Instant tick = Instant.parse("2026-11-22T10:00:00Z");
        try (Store store = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC())) {
            assertThat(store.cluster().takeFence("a", tick, "01BEAT0000000000000000000A", "node-1"))
                    .isTrue();
            assertThat(store.cluster().takeFence("a", tick, "01BEAT0000000000000000000B", "node-2"))
                    .isFalse();
            assertThat(store.cluster().takeFence("b", tick, "01BEAT0000000000000000000C", "node-2"))
                    .as("another agent")
                    .isTrue();
            assertThat(store.cluster().lastFence("a")).get().satisfies(f -> {
                assertThat(f.beatId()).isEqualTo("01BEAT0000000000000000000A");
                assertThat(f.node()).isEqualTo("node-1");
            });
        }
    }

    /** Two processes' stores appending at once: the advisory write lock keeps the hash chain one line. */
    @Test
    void decisionsFromTwoNodesAtOnceKeepOneChain() throws Exception {
        agent.run("--once");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Store one = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC());
                Store two = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC())) {
            List<Future<?>> done = new ArrayList<>();
            for (Store store : List.of(one, two)) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        store.decisionLog().append(skipped(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        TestAgent.Result verify = agent.run("decisions", "verify");
        assertThat(verify.exit()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("81 record(s)");
    }

    private static Decision skipped(int i) {
        OffsetDateTime now = OffsetDateTime.now();
        return Decision.builder(Ids.next(Clock.systemUTC()), "test-agent", "test-agent")
                .trigger(Decision.Trigger.SCHEDULE)
                .times(now, now)
                .outcome(Decision.Outcome.SKIPPED, "test " + i)
                .model(new Decision.ModelInfo("openai", "test-model"))
                .build();
    }

    /**
     * A beat running on another node holds the agent's beat lock: a beat here is skipped, and the other
     * beat's messages are not taken for a crash. Once the lock is free, a beat that left messages and no
     * decision is one that crashed.
     */
    @Test
    void beatsOfOneAgentNeverOverlapAcrossNodes() throws Exception {
        agent.run("--once");
        try (Store other = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC())) {
            BeatLock lock = other.cluster().tryLockBeat("test-agent").orElseThrow();
            String running = Ids.next(Clock.systemUTC());
            other.sessions().append("test-agent", new UserMessage("Heartbeat (schedule)"), running);
            assertThat(other.cluster().tryLockBeat("test-agent"))
                    .as("held already")
                    .isEmpty();

            JsonNode skipped = beat();
            assertThat(skipped.path("outcome").asText()).isEqualTo("skipped");
            assertThat(skipped.path("reason").asText()).contains("another beat of this agent was still running");
            assertThat(agent.run("decisions", "list", "--outcome", "failed").out())
                    .doesNotContain("interrupted");

            lock.close();
            JsonNode next = beat();
            assertThat(next.path("outcome").asText()).isEqualTo("quiet");
            TestAgent.Result failed = agent.run("decisions", "list", "--outcome", "failed", "--json");
            assertThat(failed.out()).contains(running).contains("interrupted");
        }
    }

    /**
     * A node that died after taking a tick but before storing anything still leaves the beat on record;
     * a missed-ticks record takes its tick and its decision at once, so it is never taken for a crash.
     */
    @Test
    void aTickTakenByANodeThatDiedAtOnceIsRecordedAsInterrupted() throws Exception {
        agent.run("--once");
        String lost = Ids.next(Clock.systemUTC());
        try (Store other = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC())) {
            assertThat(other.cluster().takeFence("test-agent", Instant.now().minusSeconds(5), lost, "web9-1"))
                    .isTrue();
            OffsetDateTime now = OffsetDateTime.now();
            Decision missed = Decision.builder(Ids.next(Clock.systemUTC()), "test-agent", "test-agent")
                    .trigger(Decision.Trigger.MISSED)
                    .times(now, now)
                    .outcome(Decision.Outcome.SKIPPED, "1 scheduled beat(s) missed")
                    .model(new Decision.ModelInfo("openai", "test-model"))
                    .tick("web9-1", now.minusSeconds(3))
                    .build();
            assertThat(other.decisionLog().appendFenced(missed)).isPresent();
            assertThat(other.decisionLog().appendFenced(missed))
                    .as("its tick is taken")
                    .isEmpty();
        }
        agent.run("--once");
        TestAgent.Result failed = agent.run("decisions", "list", "--outcome", "failed", "--json");
        assertThat(failed.out()).contains(lost).contains("interrupted");
        JsonNode interrupted =
                json(agent.run("decisions", "show", lost, "--json").out());
        assertThat(interrupted.path("reason").asText()).startsWith("interrupted");
        assertThat(interrupted.path("node").asText()).isEqualTo("web9-1");
        assertThat(agent.run("decisions", "list", "--outcome", "failed", "--json")
                        .out())
                .as("only the lost beat")
                .doesNotContain("missed");
    }

    @Test
    void inspectionCommandsReadThePostgresStore() throws Exception {
        TestAgent.Result before = agent.run("status");
        assertThat(before.exit()).as(before.all()).isZero();
        assertThat(before.out()).contains("none yet");
        TestAgent.Result list = agent.run("decisions", "list");
        assertThat(list.exit()).isEqualTo(1);
        assertThat(list.err()).contains("has no heartbeat-agent tables yet").contains("--once");
        agent.run("--once");
        TestAgent.Result sessions = agent.run("sessions", "list", "--json");
        assertThat(sessions.exit()).as(sessions.all()).isZero();
        assertThat(json(sessions.out()).get(0).path("name").asText()).isEqualTo("test-agent");
        assertThat(json(sessions.out()).get(0).path("health").asText()).isEqualTo("ok");
        JsonNode whole =
                json(agent.run("sessions", "show", "test-agent", "--json").out());
        TestAgent.Result tail = agent.run("sessions", "show", "test-agent", "--tail", "1", "--json");
        assertThat(tail.exit()).as(tail.all()).isZero();
        assertThat(json(tail.out())).containsExactly(whole.get(whole.size() - 1));
        TestAgent.Result status = agent.run("status", "--json");
        assertThat(status.exit()).as(status.all()).isZero();
        JsonNode doc = json(status.out());
        assertThat(doc.path("daemon_running").asBoolean()).isFalse();
        assertThat(doc.path("cluster").path("database").asText()).isEqualTo(agent.postgresUrl());
        assertThat(doc.path("last_beat").path("outcome").asText()).isEqualTo("quiet");
        TestAgent.Result text = agent.run("status");
        assertThat(text.out()).contains("none has joined the cluster");
    }

    /** With a shared store, 'pause' stops the agent on every node: it is kept in the database, not a local file. */
    @Test
    void pauseStopsEveryNodeUntilResume() throws Exception {
        TestAgent.Result pause = agent.run("pause", "--reason", "database maintenance");
        assertThat(pause.exit()).as(pause.all()).isZero();
        assertThat(pause.out()).contains("on every node of " + agent.postgresUrl());
        assertThat(home.resolve("PAUSE")).doesNotExist();
        JsonNode skipped = beat();
        assertThat(skipped.path("outcome").asText()).isEqualTo("skipped");
        assertThat(skipped.path("reason").asText()).startsWith("paused: database maintenance");
        try (Store other = Store.open(SERVER.database(agent.postgresUrl()), Clock.systemUTC())) {
            assertThat(other.control().pause("test-agent"))
                    .get()
                    .satisfies(p -> assertThat(p.reason()).isEqualTo("database maintenance"));
        }
        assertThat(agent.run("status").out()).contains("PAUSED").contains("on every node");
        assertThat(agent.run("resume").out()).contains("resumed");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(agent.run("resume").out()).contains("not paused");
    }

    @Test
    void thePasswordNeverShows() throws Exception {
        agent.run("--once");
        TestAgent.Result check = agent.run("config", "check");
        assertThat(check.exit()).as(check.all()).isZero();
        assertThat(check.out()).contains(agent.postgresUrl()).contains("<redacted>");
        TestAgent.Result status = agent.run("status");
        for (TestAgent.Result r :
                List.of(check, status, agent.run("decisions", "list"), agent.run("--once", "--json"))) {
            assertThat(r.all()).doesNotContain(SERVER.password());
        }
        assertThat(Files.readString(agent.config())).doesNotContain(SERVER.password());
    }

    @Test
    void aWrongPasswordSaysWhatToCheck() throws Exception {
        agent.env().put("HB_TEST_PG_PASSWORD", "not-the-password");
        TestAgent.Result r = agent.run("--once");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot connect to " + agent.postgresUrl())
                .contains("storage.password")
                .doesNotContain("not-the-password")
                .doesNotContain("\tat ");
    }

    @Test
    void aNodeWhoseClockIsOffTheDatabasesRefusesToJoin() throws Exception {
        agent.yaml("heartbeat:\n  every: 1s\n");
        agent.clock(Clock.offset(Clock.systemDefaultZone(), Duration.ofSeconds(5)));
        TestAgent.Result r = agent.run("run");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.err())
                .as(r.all())
                .contains("clock is 5.0 s")
                .contains("ahead of the database server's")
                .contains("within 1 s");
    }
}
