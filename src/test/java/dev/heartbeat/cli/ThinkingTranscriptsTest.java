package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.RepairLog;
import dev.heartbeat.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real provider history — thinking with signatures, an empty thinking text with its signature, redacted
 * thinking, images and documents, a system block array — goes in and out without loss: what a session holds
 * comes back exactly, what it cannot hold yet is reported with its line and kept, and every broken thinking
 * variant is flagged by {@code sessions check} and mended by {@code sessions repair}.
 */
class ThinkingTranscriptsTest extends AgentTest {
    // As it stands in the file: JSON escapes included (\u002b is "+", \" a quote).
    private static final String SIGNED = "EqQBCkYIBRgCKkDnR2pwMk/4bSYGNdtsqDUqR8+VMxU=\\u002b/éà\\\"quoted\\\"";

    private static String doc() {
        return """
                {"system": [{"type": "text", "text": "You watch the servers.", "cache_control": {"type": "ephemeral"}}],
                 "messages": [
                  {"role": "user", "content": [
                    {"type": "text", "text": "Look at this graph."},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
                  {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "The graph shows disk at 97%.\\nCheck the logs first.", "signature": "SIGNED_VALUE"},
                    {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFRydW5jYXRlZA=="},
                    {"type": "text", "text": "Reading the log."},
                    {"type": "tool_use", "id": "toolu_01", "name": "read_file", "input": {"path": "log.txt"}}]},
                  {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_01", "content": "disk full"},
                    {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "runbook"}}]},
                  {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "", "signature": "c2lnbmF0dXJlLW9ubHk="},
                    {"type": "thinking", "thinking": "no signature here"},
                    {"type": "thinking", "thinking": "an empty one", "signature": ""},
                    {"type": "thinking", "thinking": null, "signature": "bnVsbC10ZXh0"},
                    {"type": "text", "text": "Disk is full; I told the operator."},
                    {"type": "thinking", "thinking": "after the text", "signature": "bWlzcGxhY2Vk"}]},
                  {"role": "user", "content": "thanks"}]}
                """.replace("SIGNED_VALUE", SIGNED);
    }

    private static List<JsonNode> reasoning(JsonNode exported) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : exported.path("messages")) {
            for (JsonNode b : m.path("content")) {
                String type = b.path("type").asText();
                if (type.equals("thinking") || type.equals("redacted_thinking")) {
                    out.add(b);
                }
            }
        }
        return out;
    }

    @Test
    void everyBlockIsKeptOrReportedAndThinkingComesBackExactly() throws Exception {
        Path file = home.resolve("claude.json");
        Files.writeString(file, doc());
        TestAgent.Result imported = agent.run("sessions", "import", file.toString(), "--name", "claude");
        assertThat(imported.exit()).as(imported.all()).isZero();
        assertThat(imported.out()).contains("(anthropic)");
        try (Store store = agent.store()) {
            assertThat(store.repairLog().rawLines("claude"))
                    .extracting(RepairLog.RawLine::problem)
                    .as("everything in this history is held: nothing left as raw lines")
                    .isEmpty();
        }

        try (Store store = agent.store()) {
            // Each message keeps the provider's own message it was read from.
            long assistant = store.sessions().history("claude").stream()
                    .filter(m -> m.message().role().equals("assistant"))
                    .findFirst()
                    .orElseThrow()
                    .id();
            TestAgent.Result raw = agent.run("sessions", "show", "claude", "--raw", Long.toString(assistant));
            assertThat(raw.exit()).as(raw.all()).isZero();
            assertThat(JSON.readTree(raw.out()))
                    .isEqualTo(JSON.readTree(doc()).path("messages").get(1));
        }

        Path out = home.resolve("out.json");
        assertThat(agent.run("sessions", "export", "claude", "--format", "anthropic", "--output", out.toString())
                        .exit())
                .isZero();
        JsonNode original = JSON.readTree(doc());
        JsonNode exported = JSON.readTree(Files.readString(out));
        List<JsonNode> before = reasoning(original);
        List<JsonNode> after = reasoning(exported);
        // Same blocks, same values (the misplaced one now first in its turn, as the API requires).
        assertThat(after).hasSize(before.size());
        assertThat(after.get(0)).isEqualTo(before.get(0));
        assertThat(after.get(0).path("signature").asText())
                .isEqualTo(JSON.readTree("\"" + SIGNED + "\"").asText());
        assertThat(after.get(1)).isEqualTo(before.get(1));
        assertThat(after.subList(2, 7)).containsExactlyInAnyOrderElementsOf(before.subList(2, 7));
        assertThat(exported.path("messages")
                        .get(1)
                        .path("content")
                        .get(0)
                        .path("type")
                        .asText())
                .isEqualTo("thinking");
        // The system blocks (cache_control and all), the image and the document come back as they were sent.
        assertThat(exported.path("system")).isEqualTo(original.path("system"));
        assertThat(exported.path("messages").get(0).path("content").get(1))
                .isEqualTo(original.path("messages").get(0).path("content").get(1));
        assertThat(exported.path("messages").get(2).path("content").get(1))
                .isEqualTo(original.path("messages").get(2).path("content").get(1));

        assertThat(agent.run("sessions", "show", "claude").out())
                .contains("(thinking, signed, 50 chars) The graph shows disk at 97%.")
                .contains("(redacted thinking, 44 bytes of data)")
                .contains("(thinking, UNSIGNED, 17 chars) no signature here")
                .contains("(thinking, NO TEXT, 0 chars)")
                .contains("(image image/png, 8 bytes, as anthropic sent it)")
                .contains("(document text/plain, 7 bytes, as anthropic sent it)");

        TestAgent.Result check = agent.run("sessions", "check", "claude");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out().split("thinking_invalid", -1)).hasSize(4);
        assertThat(check.out().split("thinking_misplaced", -1)).hasSize(2);

        TestAgent.Result repair = agent.run("sessions", "repair", "claude", "--json");
        assertThat(repair.exit()).as(repair.all()).isZero();
        assertThat(JSON.readTree(repair.out()).path("actions").findValuesAsText("rule"))
                .containsExactly("drop_invalid_thinking", "move_thinking_first");
        assertThat(agent.run("sessions", "check", "claude").exit()).isZero();

        agent.run("sessions", "export", "claude", "--format", "anthropic", "--output", out.toString());
        List<JsonNode> kept = reasoning(JSON.readTree(Files.readString(out)));
        ArrayNode valid = JSON.createArrayNode();
        valid.add(before.get(0)).add(before.get(1)).add(before.get(2)).add(before.get(6));
        assertThat(kept).containsExactlyInAnyOrderElementsOf(valid::elements);
        assertThat(kept).noneMatch(b -> b instanceof ObjectNode o && !o.has("signature") && o.has("thinking"));
    }

    @Test
    void aPartASessionCannotHoldIsReportedWithItsLineAndKept() throws Exception {
        Path file = home.resolve("audio.jsonl");
        Files.writeString(
                file,
                "{\"role\": \"user\", \"content\": \"hello\"}\n"
                        + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"listen\"}, "
                        + "{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"UklGRg==\", \"format\": \"wav\"}}]}\n"
                        + "{\"role\": \"assistant\", \"content\": \"heard\", \"refusal\": null}\n");
        TestAgent.Result r = agent.run("sessions", "import", file.toString(), "--name", "audio");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("line 2");
        try (Store store = agent.store()) {
            assertThat(store.repairLog().rawLines("audio")).singleElement().satisfies(l -> {
                assertThat(l.line()).isEqualTo(2);
                assertThat(l.raw()).contains("UklGRg==");
                assertThat(l.problem()).contains("`input_audio` part cannot be held");
            });
        }
    }
}
