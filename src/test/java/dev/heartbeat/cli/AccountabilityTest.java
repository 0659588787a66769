package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Ids;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.UserMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Decision records against their schema, cost, stats, status and prune. */
class AccountabilityTest extends AgentTest {
    private static final Schema SCHEMA;

    static {
        try (InputStream in = AccountabilityTest.class.getResourceAsStream("/schema/decision.schema.json")) {
            SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        agent.model("  provider: openai\n  name: gpt-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n" + "  max-retries: 0\n");
        agent.yaml("pricing:\n  gpt-test: { input: 2.0, output: 8.0 }\n");
    }

    private static void valid(JsonNode record) {
        List<Error> problems = SCHEMA.validate(record);
        assertThat(problems).as(record.toPrettyString()).isEmpty();
    }

    private void beats() throws Exception {
        fake.text("HEARTBEAT_OK");
        fake.call("notify", "{\"message\": \"disk 91% full\", \"severity\": \"warning\"}")
                .text("Told the operator.");
        fake.call("read_file", "{\"path\": \"../etc\"}").call("nope", "{bad").text("HEARTBEAT_OK");
        for (int i = 0; i < 3; i++) {
            assertThat(agent.run("--once").exit()).isZero();
        }
        agent.env().put("HB_TEST_KEY", "sk-wrong-key-1234567890");
        assertThat(agent.run("--once").exit()).isEqualTo(1);
        agent.env().put("HB_TEST_KEY", TestAgent.KEY);
        agent.replaceYaml("pricing:\n  gpt-test: { input: 2.0, output: 8.0 }\nheartbeat:\n  enabled: false\n");
        assertThat(agent.run("--once").exit()).isZero();
    }

    @Test
    void anAmbiguousIdPrefixSaysSo() throws Exception {
        agent.replaceYaml("heartbeat:\n  enabled: false\n");
        assertThat(agent.run("--once").exit()).isZero();
        assertThat(agent.run("--once").exit()).isZero();
        TestAgent.Result show = agent.run("decisions", "show", "0");
        assertThat(show.exit()).isEqualTo(1);
        assertThat(show.err()).contains("ambiguous").contains("2 decisions");
        TestAgent.Result none = agent.run("decisions", "show", "ZZZ");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no decision 'ZZZ'");
    }

    @Test
    void everyDecisionMatchesTheSchema() throws Exception {
        beats();
        JsonNode list = json(agent.run("decisions", "list", "--json").out());
        assertThat(list).hasSize(5);
        for (JsonNode record : list) {
            valid(record);
            valid(json(agent.run("decisions", "show", record.path("id").asText(), "--json")
                    .out()));
        }
        fake.text("HEARTBEAT_OK");
        agent.replaceYaml("pricing:\n  gpt-test: { input: 2.0, output: 8.0 }\n");
        valid(json(agent.run("--once", "--json").out()));
    }

    @Test
    void modelCallsUseTheGenAiNamesAndDecisionsCarryTheirCost() throws Exception {
        fake.text("HEARTBEAT_OK");
        JsonNode d = json(agent.run("--once", "--json").out());
        JsonNode call = d.path("model_calls").get(0);
        assertThat(call.path("gen_ai.provider.name").asText()).isEqualTo("openai");
        assertThat(call.path("gen_ai.request.model").asText()).isEqualTo("gpt-test");
        assertThat(call.path("gen_ai.response.id").asText()).startsWith("chatcmpl-");
        assertThat(call.path("gen_ai.response.finish_reasons").get(0).asText()).isEqualTo("stop");
        long in = d.path("usage").path("input_tokens").asLong();
        long out = d.path("usage").path("output_tokens").asLong();
        assertThat(call.path("gen_ai.usage.input_tokens").asLong()).isEqualTo(in);
        assertThat(d.path("cost_usd").asDouble()).isCloseTo((in * 2.0 + out * 8.0) / 1e6, Offset.offset(1e-12));
        assertThat(agent.run("decisions", "show", d.path("id").asText()).out()).contains("$0.00");
    }

    @Test
    void statsAddUpTheLog() throws Exception {
        beats();
        TestAgent.Result human = agent.run("decisions", "stats");
        assertThat(human.exit()).as(human.all()).isZero();
        assertThat(human.out())
                .contains("5 beat(s) since")
                .contains("2 quiet")
                .contains("1 acted")
                .contains("1 skipped")
                .contains("1 failed")
                .contains("DAY")
                .contains("model latency over")
                .contains("cost $");
        JsonNode stats =
                json(agent.run("decisions", "stats", "--since", "1h", "--json").out());
        assertThat(stats.path("beats").asInt()).isEqualTo(5);
        assertThat(stats.path("by_outcome").path("quiet").asInt()).isEqualTo(2);
        assertThat(stats.path("days")).hasSize(1);
        // 1 + 2 + 3 answered calls; the refused one has no latency to count.
        assertThat(stats.path("model_latency_ms").path("calls").asInt()).isEqualTo(6);
        assertThat(stats.path("cost_usd").asDouble()).isPositive();
        assertThat(agent.run("decisions", "stats", "--since", "a while").exit()).isEqualTo(2);

        // status adds up today's part of each record alone; the same beats give the same totals
        JsonNode today = json(agent.run("status", "--json").out()).path("today");
        assertThat(today.path("beats").asInt()).isEqualTo(5);
        assertThat(today.path("input_tokens").asLong())
                .isEqualTo(stats.path("input_tokens").asLong())
                .isPositive();
        assertThat(today.path("output_tokens").asLong())
                .isEqualTo(stats.path("output_tokens").asLong());
        assertThat(today.path("cost_usd").asDouble()) // summed in another order: equal up to rounding
                .isCloseTo(stats.path("cost_usd").asDouble(), Offset.offset(1e-12));

        // a stored record without an outcome or usage is left out of the day's totals, as the list leaves it out
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate(
                    "INSERT INTO decisions (id, agent, session, trigger_type, outcome, started_at, finished_at,"
                            + " record, prev_hash, hash) VALUES ('01TORN', 'test-agent', 'test-agent', 'manual', 'quiet', '"
                            + Instant.now() + "', '" + Instant.now() + "', '{\"id\":\"01TORN\"}', 'x', 'y')");
        }
        TestAgent.Result torn = agent.run("status", "--json");
        assertThat(torn.exit()).as(torn.all()).isZero();
        assertThat(json(torn.out()).path("today").path("beats").asInt()).isEqualTo(5);
    }

    @Test
    void statusShowsTheNextThreeBeatsWithoutADaemon() throws Exception {
        agent.yaml("heartbeat:\n  every: 1h\n");
        JsonNode status = json(agent.run("status", "--json").out());
        JsonNode next = status.path("next_beats");
        assertThat(next).hasSize(3);
        List<OffsetDateTime> times = new ArrayList<>();
        next.forEach(n -> times.add(OffsetDateTime.parse(n.asText())));
        assertThat(next.get(0).asText())
                .isEqualTo(status.path("next_beat").asText())
                .matches(".*([+-]\\d\\d:\\d\\d|Z)$");
        assertThat(Duration.between(times.get(0), times.get(1))).isEqualTo(Duration.ofHours(1));
        assertThat(Duration.between(times.get(1), times.get(2))).isEqualTo(Duration.ofHours(1));
        assertThat(times.get(0)).isAfter(OffsetDateTime.now());
        String text = agent.run("status").out();
        assertThat(text).contains("next beats");
    }

    @Test
    void statusShowsDaemonLastAndNextBeatAndToday() throws Exception {
        TestAgent.Result empty = agent.run("status");
        assertThat(empty.exit()).as(empty.all()).isZero();
        assertThat(empty.out()).contains("not running").contains("none yet (no database)");
        fake.text("HEARTBEAT_OK");
        agent.run("--once");
        TestAgent.Result r = agent.run("status");
        assertThat(r.out())
                .contains("daemon     not running")
                .contains("every 30m")
                .contains("(once a daemon runs)")
                .contains("manual quiet")
                .contains("today      1 beat(s) (1 quiet)");
        JsonNode doc = json(agent.run("status", "--json").out());
        assertThat(doc.path("daemon_running").asBoolean()).isFalse();
        assertThat(doc.path("last_beat").path("outcome").asText()).isEqualTo("quiet");
        assertThat(doc.path("next_beat").asText()).isNotBlank();
        assertThat(doc.path("today").path("beats").asInt()).isEqualTo(1);
    }

    @Test
    void pruneArchivesOldTurnsFirstAndKeepsTheNewest() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-09-01T00:00:00Z"), ZoneOffset.UTC);
        try (Store store = Store.open(agent.database(), clock)) {
            store.sessions().ensureSession("test-agent");
            for (int i = 0; i < 30; i++) {
                store.sessions().append("test-agent", new UserMessage("beat " + i), "b" + i);
                store.sessions().append("test-agent", new AssistantMessage("did thing " + i, List.of()), "b" + i);
                clock.advance(Duration.ofDays(2));
            }
        }
        clock.set(Instant.parse("2026-11-22T00:00:00Z"));
        agent.clock(clock);

        TestAgent.Result dry =
                agent.run("sessions", "prune", "test-agent", "--older-than", "30d", "--keep-turns", "5", "--dry-run");
        // Turns 0..25 are older than 30 days (2026-10-23); the newest 5 are kept whatever their age: 25 turns go.
        assertThat(dry.out()).contains("would archive and remove 50 message(s)");

        TestAgent.Result r = agent.run("sessions", "prune", "test-agent", "--older-than", "30d", "--keep-turns", "5");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("archived 50 message(s)").contains("10 kept");
        Path archive;
        try (var files = Files.list(agent.database().getParent().resolve("archive"))) {
            archive = files.findFirst().orElseThrow();
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            assertThat(lines).hasSize(50);
            assertThat(json(lines.get(0)).path("message").path("text").asText()).isEqualTo("beat 0");
        }
        try (Store store = agent.store()) {
            assertThat(store.sessions().history("test-agent")).hasSize(10);
            assertThat(((UserMessage) store.sessions()
                                    .history("test-agent")
                                    .get(0)
                                    .message())
                            .text())
                    .isEqualTo("beat 25");
        }
        assertThat(agent.run("sessions", "check", "test-agent").exit()).isZero();
        assertThat(agent.run("sessions", "prune", "test-agent", "--older-than", "1d", "--keep-turns", "5")
                        .out())
                .contains("nothing older than 1d to prune");
        TestAgent.Result again =
                agent.run("sessions", "prune", "test-agent", "--older-than", "1d", "--keep-turns", "2");
        assertThat(again.out()).contains("archived 6 message(s)").contains("4 kept");
    }

    @Test
    void showIsReadableAndListHasSizes() throws Exception {
        fake.call("write_file", "{\"path\": \"r.md\", \"content\": \"x\"}").text("HEARTBEAT_OK");
        agent.run("--once");
        TestAgent.Result show = agent.run("sessions", "show", "test-agent");
        assertThat(show.out())
                .contains("-> write_file [")
                .contains("\"path\" : \"r.md\"")
                .contains("<- write_file")
                .doesNotContain("\u001b[");
        TestAgent.Result list = agent.run("sessions", "list");
        assertThat(list.out()).contains("SIZE").containsPattern("\\d+(\\.\\d)? (B|KiB)");
    }

    /** A daemon's beat carries the node that ran it and the tick it took; the schema knows both. */
    @Test
    void aFencedBeatNamesItsNodeAndTickAndMatchesTheSchema() throws Exception {
        fake.text("HEARTBEAT_OK");
        var config = new ConfigLoader(agent.env()).read(agent.config());
        Instant tick = Instant.parse("2026-11-22T12:00:05Z");
        String id = Ids.next(Clock.systemUTC());
        try (var runtime = new AgentRuntime(config, Clock.systemUTC())) {
            runtime.beat(
                    new BeatOptions(Decision.Trigger.SCHEDULE, false, false).fenced(id, tick, "web1-1795378150145"));
        }
        TestAgent.Result show = agent.run("decisions", "show", id, "--json");
        JsonNode record = json(show.out());
        valid(record);
        assertThat(record.path("node").asText()).isEqualTo("web1-1795378150145");
        assertThat(OffsetDateTime.parse(record.path("scheduled_at").asText()).toInstant())
                .isEqualTo(tick);
    }
}
