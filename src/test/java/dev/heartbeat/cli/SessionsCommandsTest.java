package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.store.RepairLog;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.Transcripts;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sessions import, check, repair, show --all and export, as an operator would use them. */
class SessionsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A transcript a crash left: a call without its result, an orphan result, a torn last line. */
    static final String BROKEN_OPENAI = String.join(
            "\n",
            "{\"role\": \"system\", \"content\": \"You are ops-watch.\"}",
            "{\"role\": \"user\", \"content\": \"Check the disks.\"}",
            "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"call_a\", \"type\": \"function\", "
                    + "\"function\": {\"name\": \"run_command\", \"arguments\": \"{\\\"program\\\": \\\"df\\\"}\"}}]}",
            "{\"role\": \"tool\", \"tool_call_id\": \"call_zzz\", \"content\": \"stray result\"}",
            "garbage in the middle",
            "{\"role\": \"user\", \"content\": \"Anything else?\"}",
            "{\"role\": \"assistant\", \"content\": \"All good.\"}",
            "{\"role\": \"user\", \"content\": \"torn li");

    @TempDir
    Path home;

    FakeAnthropic fake;
    TestAgent agent;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeAnthropic(TestAgent.KEY);
        agent = new TestAgent(home, fake);
        file = home.resolve("crashed.jsonl");
        Files.writeString(file, BROKEN_OPENAI);
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void importReportsTornLinesAndKeepsThem() throws Exception {
        TestAgent.Result r = agent.run("sessions", "import", file.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("imported 6 message(s) (openai) into session 'crashed'")
                .contains("skipped line 5")
                .contains("skipped line 8");
        try (Store store = agent.store()) {
            assertThat(store.repairLog().rawLines("crashed"))
                    .extracting(RepairLog.RawLine::raw)
                    .containsExactly("garbage in the middle", "{\"role\": \"user\", \"content\": \"torn li");
        }
        TestAgent.Result all = agent.run("sessions", "show", "crashed", "--all");
        assertThat(all.out()).contains("unreadable line 5").contains("garbage in the middle");
    }

    @Test
    void importOfNothingUsableExitsOne() throws Exception {
        Path junk = home.resolve("junk.jsonl");
        Files.writeString(junk, "not json\nalso not json\n");
        TestAgent.Result r = agent.run("sessions", "import", junk.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nothing usable");
    }

    @Test
    void listShowsEachSessionsHealthAsTheWholeHistoryHasIt() throws Exception {
        agent.run("sessions", "import", file.toString(), "--name", "ops");
        // A row torn behind the program's back: left out of the look, as every read of the session leaves it out.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE messages SET body = '{\"role\": \"user\", \"torn' WHERE session = 'ops' "
                    + "AND id = (SELECT min(id) FROM messages WHERE session = 'ops' AND role = 'user')");
        }
        int problems;
        try (Store store = agent.store()) {
            problems = HistoryValidator.validate(
                            StoredMessage.messages(store.sessions().history("ops")), HistoryValidator.Mode.HISTORY)
                    .size();
        }
        assertThat(problems).isGreaterThan(1);

        TestAgent.Result list = agent.run("sessions", "list", "--json");
        assertThat(list.exit()).as(list.all()).isZero();
        JsonNode ops = json(list.out()).get(0);
        assertThat(ops.path("name").asText()).isEqualTo("ops");
        assertThat(ops.path("health").asText()).isEqualTo("needs repair (" + problems + ")");
        assertThat(agent.run("sessions", "list").out()).contains("needs repair (" + problems + ")");
        JsonNode check =
                json(agent.run("sessions", "check", "ops", "--json").out()).get(0);
        assertThat(check.path("problems")).hasSize(problems);
        try (Store store = agent.store()) {
            List<Long> ids = store.sessions().history("ops").stream()
                    .map(StoredMessage::id)
                    .toList();
            assertThat(check.path("problems").findValuesAsText("message_id"))
                    .as("each problem names its stored message")
                    .allMatch(id -> id.equals("null") || ids.contains(Long.parseLong(id)));
            assertThat(check.path("problems").get(0).path("message_id").asLong())
                    .isIn(ids);
        }

        assertThat(agent.run("sessions", "repair", "ops").exit()).isZero();
        assertThat(json(agent.run("sessions", "list", "--json").out())
                        .get(0)
                        .path("health")
                        .asText())
                .isEqualTo("ok");
    }

    @Test
    void checkRepairAndTheHistoryStaysRepaired() throws Exception {
        agent.run("sessions", "import", file.toString(), "--name", "ops");

        TestAgent.Result check = agent.run("sessions", "check", "ops");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out())
                .contains("tool_call_unanswered")
                .contains("tool_result_orphan")
                .contains("sessions repair ops");

        TestAgent.Result dry = agent.run("sessions", "repair", "ops", "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("would be taken; nothing was written");
        assertThat(agent.run("sessions", "check", "ops").exit()).isEqualTo(1);

        TestAgent.Result repair = agent.run("sessions", "repair", "ops", "--json");
        assertThat(repair.exit()).as(repair.all()).isZero();
        JsonNode doc = json(repair.out());
        assertThat(doc.path("revision").asInt()).isEqualTo(2);
        assertThat(doc.path("actions").findValuesAsText("rule"))
                .contains("drop_orphan_result", "synthesize_missing_result");

        assertThat(agent.run("sessions", "check", "ops").exit()).isZero();
        assertThat(agent.run("sessions", "repair", "ops").out()).contains("nothing to repair");

        TestAgent.Result show = agent.run("sessions", "show", "ops", "--all");
        assertThat(show.out())
                .contains("revision 1 (superseded)")
                .contains("revision 2 (current)")
                .contains("stray result")
                .contains("repair -> revision 2");
        assertThat(agent.run("sessions", "show", "ops").out()).doesNotContain("stray result");
    }

    @Test
    void aRepairRefusesToDropAMessageAppendedAfterItReadTheSession() throws Exception {
        agent.run("sessions", "import", file.toString(), "--name", "ops");
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            List<StoredMessage> read = store.sessions().history("ops");
            Repairer.Result r = Repairer.repair(Entry.of(read));
            // A beat appends while the repair is between its read and its write.
            store.sessions().append("ops", new UserMessage("written meanwhile"), "beat-x");
            Assertions.assertThatThrownBy(() -> store.sessions()
                            .writeRevision(
                                    "ops",
                                    r.entries(),
                                    r.actions(),
                                    null,
                                    read.get(read.size() - 1).id()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("run the repair again");
            assertThat(store.sessions().session("ops").orElseThrow().revision()).isEqualTo(1);
            assertThat(store.sessions().history("ops"))
                    .extracting(m -> m.message().role())
                    .endsWith("user");
        }
        assertThat(agent.run("sessions", "repair", "ops").exit()).isZero();
        assertThat(agent.run("sessions", "show", "ops").out()).contains("written meanwhile");
    }

    @Test
    void exportWritesEachProvidersShapeAndReimportsTheSame() throws Exception {
        agent.run("sessions", "import", file.toString(), "--name", "ops");
        agent.run("sessions", "repair", "ops");

        TestAgent.Result openai = agent.run("sessions", "export", "ops", "--format", "openai");
        assertThat(openai.exit()).isZero();
        assertThat(openai.out().lines())
                .allSatisfy(line -> assertThat(json(line).has("role")).isTrue());
        assertThat(openai.out()).contains("\"tool_call_id\":\"call_a\"");
        Path openaiFile = home.resolve("ops-openai.jsonl");
        TestAgent.Result toFile = agent.run("sessions", "export", "ops", "--output", openaiFile.toString());
        assertThat(toFile.exit()).as(toFile.all()).isZero();
        assertThat(Files.readString(openaiFile)).isEqualTo(openai.out());
        assertThat(toFile.err()).contains("wrote " + openai.out().lines().count() + " message(s) to " + openaiFile);
        TestAgent.Result nowhere = agent.run(
                "sessions",
                "export",
                "ops",
                "--output",
                home.resolve("no/such/folder/ops.jsonl").toString());
        assertThat(nowhere.exit()).isEqualTo(1);
        assertThat(nowhere.err()).contains("cannot write").contains("no/such/folder/ops.jsonl");

        Path anthropicFile = home.resolve("ops-anthropic.json");
        TestAgent.Result anthropic =
                agent.run("sessions", "export", "ops", "--format", "anthropic", "--output", anthropicFile.toString());
        assertThat(anthropic.exit()).isZero();
        // Written from two passes of a cursor: the same document as from the whole history, the same count.
        try (Store store = agent.store()) {
            List<StoredMessage> history = store.sessions().history("ops");
            assertThat(Files.readString(anthropicFile))
                    .isEqualTo(Transcripts.toAnthropic(StoredMessage.messages(history)))
                    .isEqualTo(agent.run("sessions", "export", "ops", "--format", "anthropic")
                            .out());
            assertThat(anthropic.err()).contains("wrote " + history.size() + " message(s) to " + anthropicFile);
        }
        JsonNode doc = json(Files.readString(anthropicFile));
        assertThat(doc.path("system").asText()).isEqualTo("You are ops-watch.");
        assertThat(doc.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(doc.toString()).contains("\"type\":\"tool_use\"").contains("\"type\":\"tool_result\"");

        assertThat(agent.run("sessions", "import", anthropicFile.toString(), "--name", "again")
                        .out())
                .contains("(anthropic)");
        assertThat(normalized(agent.run("sessions", "export", "again", "--format", "openai")
                        .out()))
                .isEqualTo(normalized(openai.out()));
        assertThat(agent.run("sessions", "export", "ops", "--format", "xml").exit())
                .isEqualTo(2);
    }

    /** JSONL messages with each call's arguments parsed, so formatting inside them does not count. */
    private static List<JsonNode> normalized(String jsonl) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : jsonl.lines().toList()) {
            JsonNode node = json(line);
            for (JsonNode call : node.path("tool_calls")) {
                ObjectNode fn = (ObjectNode) call.path("function");
                fn.set("arguments", json(fn.path("arguments").asText()));
            }
            out.add(node);
        }
        return out;
    }

    @Test
    void anImportedCorruptSessionHealsAndTheNextBeatSucceeds() throws Exception {
        agent.run("sessions", "import", file.toString(), "--name", "test-agent");
        fake.text("HEARTBEAT_OK");

        TestAgent.Result beat = agent.run("--once", "--json");

        assertThat(beat.exit()).as(beat.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        JsonNode record = json(beat.out());
        assertThat(record.path("outcome").asText()).isEqualTo("quiet");
        assertThat(record.path("repairs").findValuesAsText("rule"))
                .contains("drop_orphan_result", "synthesize_missing_result");
        assertThat(fake.requests().get(0).toString())
                .contains("Check the disks.")
                .contains("outcome unknown");
        assertThat(agent.run("sessions", "check", "test-agent").exit()).isZero();
    }
}
