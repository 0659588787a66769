package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.DecisionLog;
import dev.heartbeat.store.Store;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** decisions, sessions and config commands, human and JSON, through the real command line. */
class InspectionCommandsTest extends AgentTest {

    private List<String> threeBeats() {
        fake.text("HEARTBEAT_OK");
        fake.call("append_note", "{\"text\": \"rotated the logs\"}").text("HEARTBEAT_OK");
        fake.text("HEARTBEAT_OK");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestAgent.Result r = agent.run("--once", "--json");
            assertThat(r.exit()).as(r.all()).isZero();
            ids.add(readTree(r.out()).path("id").asText());
        }
        return ids;
    }

    private static JsonNode readTree(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void decisionsListShowsNewestFirstAndFilters() throws Exception {
        List<String> ids = threeBeats();

        TestAgent.Result list = agent.run("decisions", "list");
        assertThat(list.exit()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("OUTCOME").contains("REASON");
        assertThat(lines.get(1)).startsWith(ids.get(2));
        assertThat(lines.get(3)).startsWith(ids.get(0));

        JsonNode acted = readTree(
                agent.run("decisions", "list", "--outcome", "acted", "--json").out());
        assertThat(acted).hasSize(1);
        assertThat(acted.get(0).path("id").asText()).isEqualTo(ids.get(1));
        assertThat(readTree(agent.run("decisions", "list", "--since", "1h", "--json")
                        .out()))
                .hasSize(3);

        TestAgent.Result bad = agent.run("decisions", "list", "--outcome", "happy");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--outcome").contains("quiet, acted");
        assertThat(agent.run("decisions", "list", "--since", "yesterday").exit())
                .isEqualTo(2);
    }

    @Test
    void decisionsListShowsWhatTheWholeRecordsSayAndAnUnreadableOneAsSuch() throws Exception {
        List<String> ids = threeBeats();
        sql("UPDATE decisions SET record = substr(record, 1, 40) WHERE seq = 2"); // torn
        List<StoredDecision> whole;
        List<DecisionLog.Listed> listed;
        try (Store store = agent.store()) {
            whole = store.decisionLog().list(null, null, 10);
            listed = store.decisionLog().listed(null, null, null, 10);
        }
        assertThat(listed).extracting(DecisionLog.Listed::seq).containsExactly(3L, 2L, 1L);
        assertThat(listed)
                .extracting(DecisionLog.Listed::summary)
                .containsExactlyElementsOf(whole.stream()
                        .map(w -> w.decision() == null ? null : Decision.Summary.of(w.decision()))
                        .toList());
        assertThat(listed.get(1).summary()).as("the torn record").isNull();

        List<String> lines = agent.run("decisions", "list").out().lines().toList();
        assertThat(lines).hasSize(4);
        for (int i : new int[] {0, 2}) {
            Decision d = whole.get(i).decision();
            assertThat(lines.get(i + 1).split("\\s{2,}"))
                    .containsExactly(
                            d.id(),
                            Render.time(d.startedAt()),
                            d.trigger().wire(),
                            d.outcome().wire(),
                            d.usage().inputTokens() + "/" + d.usage().outputTokens(),
                            d.reason());
        }
        assertThat(lines.get(2)).startsWith("#2").contains("unreadable").contains("run 'decisions verify'");
        assertThat(ids.get(2)).isEqualTo(whole.get(0).decision().id());
    }

    @Test
    void decisionsShowGivesTheWholeBeat() throws Exception {
        List<String> ids = threeBeats();

        TestAgent.Result show = agent.run("decisions", "show", ids.get(1));
        assertThat(show.exit()).as(show.all()).isZero();
        assertThat(show.out())
                .contains("outcome    acted")
                .contains("append_note")
                .contains("rotated the logs")
                .contains("checklist")
                .contains("hash");
        TestAgent.Result prefix = agent.run("decisions", "show", ids.get(1).substring(0, 20), "--json");
        assertThat(readTree(prefix.out()).path("id").asText()).isEqualTo(ids.get(1));

        TestAgent.Result missing = agent.run("decisions", "show", "NOPE");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no decision 'NOPE'").contains("decisions list");
    }

    @Test
    void verifyNamesTheRecordThatWasAlteredBehindTheProgramsBack() throws Exception {
        List<String> ids = threeBeats();
        assertThat(agent.run("decisions", "verify").out()).startsWith("intact: 3 record(s)");

        sql(
                "UPDATE decisions SET record = replace(record, '\"outcome\":\"quiet\"', '\"outcome\":\"acted\"') WHERE seq = 1");

        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("BROKEN at record #1 (" + ids.get(0) + ")").contains("altered");
        JsonNode json = readTree(agent.run("decisions", "verify", "--json").out());
        assertThat(json.path("intact").asBoolean()).isFalse();
        assertThat(json.path("first_break").path("id").asText()).isEqualTo(ids.get(0));
    }

    @Test
    void verifyChecksEveryColumnStoredBesideTheRecord() throws Exception {
        List<String> ids = threeBeats();
        sql("UPDATE decisions SET outcome = 'failed' WHERE seq = 2");
        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("BROKEN at record #2 (" + ids.get(1) + ")").contains("outcome");
        assertThat(readTree(agent.run("decisions", "list", "--outcome", "failed", "--json")
                        .out()))
                .as("what list filters on is what verify checks")
                .hasSize(1);
    }

    @Test
    void verifyPrintsTheHeadAndCatchesACutTailThroughItsAnchor() throws Exception {
        List<String> ids = threeBeats();
        TestAgent.Result intact = agent.run("decisions", "verify");
        assertThat(intact.out()).contains("head: #3 " + ids.get(2));
        JsonNode head =
                readTree(agent.run("decisions", "verify", "--json").out()).path("head");
        assertThat(head.path("seq").asLong()).isEqualTo(3);
        String hash = head.path("hash").asText();
        assertThat(hash).hasSize(64);

        sql("DELETE FROM decisions WHERE seq = 3");
        TestAgent.Result cut = agent.run("decisions", "verify");
        assertThat(cut.exit()).isEqualTo(1);
        assertThat(cut.out()).contains("behind its anchor").contains(ids.get(2));

        // An operator who kept the head elsewhere can check against it even when the anchor file is gone too.
        Files.delete(agent.database().resolveSibling(agent.database().getFileName() + ".head"));
        assertThat(agent.run("decisions", "verify").exit())
                .as("no anchor left: the chain itself is intact")
                .isZero();
        TestAgent.Result kept = agent.run("decisions", "verify", "--head", "3:" + hash);
        assertThat(kept.exit()).isEqualTo(1);
        assertThat(kept.out()).contains("behind its anchor");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withAChainKeyARecordRewrittenWithoutTheKeyIsCaught(boolean forgedPrefix) throws Exception {
        String key = "k3y-0123456789abcdef-0123456789";
        Path keyFile = home.resolve("chain.key");
        Files.writeString(keyFile, key);
        agent.yaml("audit:\n  chain-key-file: " + keyFile + "\n");
        List<String> ids = threeBeats();
        TestAgent.Result intact = agent.run("decisions", "verify");
        assertThat(intact.exit()).as(intact.all()).isZero();
        JsonNode newest =
                readTree(agent.run("decisions", "show", ids.get(2), "--json").out());
        assertThat(newest.path("hash").asText()).startsWith("hmac-sha256:");
        assertThat(agent.run("config", "check").out()).doesNotContain(key);

        // Someone with the database and the anchor file, but not the key, rewrites the newest record.
        ObjectNode forged = (ObjectNode) readTree(newest.toString());
        forged.put("reason", "nothing happened");
        String hash = HashChain.hashOf(forged);
        forged.put("hash", forgedPrefix ? "hmac-sha256:" + hash : hash);
        String json = forged.toString().replace("'", "''");
        sql("UPDATE decisions SET record = '" + json + "', hash = '"
                + forged.path("hash").asText() + "' WHERE seq = 3");
        Path anchor = agent.database().resolveSibling(agent.database().getFileName() + ".head");
        Files.writeString(anchor, "3 " + ids.get(2) + " " + forged.path("hash").asText() + "\n");

        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("BROKEN at record #3 (" + ids.get(2) + ")")
                .contains(forgedPrefix ? "does not match its hash" : "rewritten by someone without the key");
    }

    @Test
    void verifyNamesTheRecordAfterADeletedOne() throws Exception {
        List<String> ids = threeBeats();
        sql("DELETE FROM decisions WHERE seq = 2");

        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("(" + ids.get(2) + ")").contains("removed or inserted");
    }

    @Test
    void sessionsListAndShow() throws Exception {
        threeBeats();

        TestAgent.Result list = agent.run("sessions", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("NAME").contains("test-agent").contains("ok");
        JsonNode sessions = readTree(agent.run("sessions", "list", "--json").out());
        assertThat(sessions.get(0).path("messages").asInt()).isEqualTo(8);
        assertThat(sessions.get(0).path("health").asText()).isEqualTo("ok");

        TestAgent.Result show = agent.run("sessions", "show", "test-agent");
        assertThat(show.out())
                .contains("user")
                .contains("-> append_note [")
                .contains("rotated the logs")
                .contains("<- append_note");
        JsonNode whole =
                readTree(agent.run("sessions", "show", "test-agent", "--json").out());
        TestAgent.Result tail = agent.run("sessions", "show", "test-agent", "--tail", "2", "--json");
        assertThat(readTree(tail.out())).containsExactly(whole.get(6), whole.get(7));
        assertThat(readTree(agent.run("sessions", "show", "test-agent", "--tail", "20", "--json")
                        .out()))
                .isEqualTo(whole);
        // The newest row torn behind the program's back: the tail is the last two messages that can be read.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE messages SET body = '{\"role\": \"assistant\", \"torn' "
                    + "WHERE id = (SELECT max(id) FROM messages)");
        }
        JsonNode readable =
                readTree(agent.run("sessions", "show", "test-agent", "--json").out());
        assertThat(readable).hasSize(7);
        assertThat(readTree(agent.run("sessions", "show", "test-agent", "--tail", "2", "--json")
                        .out()))
                .containsExactly(readable.get(5), readable.get(6));
        assertThat(agent.run("sessions", "show", "nobody").exit()).isEqualTo(1);
    }

    @Test
    void inspectionWorksWhileAnotherConnectionWrites() throws Exception {
        threeBeats();
        // A write transaction stays open (the lock a beat holds while it stores a message) while they read.
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = writer.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            writer.setAutoCommit(false);
            s.executeUpdate("INSERT INTO state (agent, key, value, updated_at) VALUES ('test-agent', 'k', '\"v\"', "
                    + "'2026-01-01T00:00:00Z')");
            for (String[] command :
                    new String[][] {{"decisions", "list"}, {"sessions", "list"}, {"decisions", "verify"}, {"status"}}) {
                TestAgent.Result r = agent.run(command);
                assertThat(r.exit())
                        .as(String.join(" ", command) + ": " + r.all())
                        .isZero();
            }
            writer.rollback();
        }
    }

    @Test
    void inspectingWithoutADatabaseSaysHowToMakeOne() {
        TestAgent.Result r = agent.run("decisions", "list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no database at").contains("--once");
        assertThat(agent.database()).doesNotExist();
    }

    @Test
    void aCorruptDatabaseFailsCleanlyAndIsLeftAlone() throws Exception {
        Files.createDirectories(agent.database().getParent());
        Files.writeString(agent.database(), "this is not a database, just text of sufficient length to look like one");
        byte[] before = Files.readAllBytes(agent.database());

        for (String[] command : new String[][] {
            {"decisions", "list"},
            {"decisions", "verify"},
            {"decisions", "stats"},
            {"decisions", "show", "X"},
            {"sessions", "list"},
            {"sessions", "check"},
            {"sessions", "show", "a"},
            {"status"}
        }) {
            TestAgent.Result r = agent.run(command);
            assertThat(r.exit()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(r.err())
                    .as(String.join(" ", command))
                    .startsWith("error: ")
                    .doesNotContain("\tat ");
        }
        assertThat(Files.readAllBytes(agent.database())).isEqualTo(before);
    }

    @Test
    void aBeatOnADatabaseWithADamagedTableRefusesAndLeavesItAlone() throws Exception {
        threeBeats();
        long root;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            try (var rs = s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'decisions'")) {
                rs.next();
                root = rs.getLong(1);
            }
        }
        try (var file = new RandomAccessFile(agent.database().toFile(), "rw")) {
            file.seek((root - 1) * 4096 + 8);
            file.write(new byte[200]);
        }
        byte[] before = Files.readAllBytes(agent.database());
        int asked = fake.requests().size();
        fake.text("HEARTBEAT_OK");
        TestAgent.Result r = agent.run("--once");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("damaged").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(Files.readAllBytes(agent.database())).as("not written to").isEqualTo(before);
        assertThat(fake.requests()).as("no model call on a damaged store").hasSize(asked);
    }

    @Test
    void controlCharactersFromTheModelNeverReachTheTerminalRaw() throws Exception {
        String hostile = "all fine\u001b[2J\u001b]0;pwned\u0007\u009b31m\r overwritten";
        fake.text(hostile);
        assertThat(agent.run("--once").exit()).isZero();
        for (String[] command : new String[][] {
            {"decisions", "list"},
            {"decisions", "show", "0"},
            {"sessions", "show", "test-agent"},
            {"decisions", "list", "--json"},
            {"sessions", "show", "test-agent", "--json"}
        }) {
            TestAgent.Result r = agent.run(command);
            String all = r.out() + r.err();
            assertThat(all.chars().filter(c -> (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)))
                    .as(String.join(" ", command))
                    .isEmpty();
        }
        assertThat(agent.run("decisions", "show", "0").out()).contains("\\u001b[2J");
        JsonNode list = readTree(agent.run("decisions", "list", "--json").out());
        assertThat(list.get(0).path("final_answer").asText()).isEqualTo(hostile);
    }

    @Test
    void configCheckPrintsTheEffectiveConfigWithoutSecrets() {
        TestAgent.Result r = agent.run("config", "check");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("is valid")
                .contains("api-key: <redacted>")
                .contains("max-steps: 8")
                .doesNotContain(TestAgent.KEY);
        JsonNode json = readTree(agent.run("config", "check", "--json").out());
        assertThat(json.path("model").path("api-key").asText()).isEqualTo("<redacted>");
        assertThat(json.path("heartbeat").path("every").asText()).isEqualTo("30m");
    }

    @Test
    void anInvalidConfigExitsTwoWithOneMessageAndNoStackTrace() throws Exception {
        agent.yaml("heartbeat:\n  evry: 5m\n");
        TestAgent.Result r = agent.run("config", "check");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err())
                .contains(agent.config() + ":")
                .contains("heartbeat.evry")
                .contains("Did you mean 'every'?")
                .doesNotContain("Exception");
        assertThat(agent.run("--once").exit()).isEqualTo(2);
    }

    @Test
    void inspectionNeedsNoApiKeyButABeatDoes() throws Exception {
        threeBeats();
        agent.model("  provider: openai\n  name: gpt-4o-mini\n  base-url: https://api.openai.example/v1\n"
                + "  api-key: ${HB_TEST_KEY}\n");
        agent.env().remove("HB_TEST_KEY");
        assertThat(agent.run("decisions", "list").exit()).isZero();
        assertThat(agent.run("sessions", "list").exit()).isZero();
        assertThat(agent.run("decisions", "verify").exit()).isZero();
        TestAgent.Result once = agent.run("--once");
        assertThat(once.exit()).isEqualTo(2);
        assertThat(once.err()).contains("HB_TEST_KEY is not set");
        assertThat(agent.run("config", "check").exit()).isEqualTo(2);
    }

    @Test
    void usageErrorsExitTwoAndPointToHelp() {
        TestAgent.Result r = agent.run("decisions", "lst");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Did you mean").contains("--help");
        assertThat(agent.run("--dry-run").exit()).isEqualTo(2);
    }
}
