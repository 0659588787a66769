package dev.heartbeat.transcript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.Transcripts.BadLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Anthropic Messages transcripts: content blocks to and from the project's messages. */
final class AnthropicTranscript {
    private AnthropicTranscript() {}

    /**
     * One message's blocks: text, tool use and results, thinking (kept exactly, signature and all) and
     * redacted thinking. A block the session cannot hold yet (an image, a document) is reported in {@code bad}
     * with its line and kept there as it was, never silently dropped.
     */
    static void read(JsonNode n, int line, List<Message> out, Map<String, String> toolNames, List<BadLine> bad) {
        String role = n.path("role").asText("");
        JsonNode content = n.path("content");
        switch (role) {
            case "system" -> {
                List<JsonNode> blocks = new ArrayList<>();
                content.forEach(blocks::add);
                out.add(new SystemMessage(Transcripts.text(content), blocks));
            }
            case "user" -> {
                if (!content.isArray()) {
                    out.add(new UserMessage(Transcripts.text(content)));
                    return;
                }
                StringBuilder text = new StringBuilder();
                List<Attachment> attached = new ArrayList<>();
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    if (type.equals("tool_result")) {
                        flushUser(text, attached, out);
                        String id = block.path("tool_use_id").asText("");
                        out.add(new ToolResultMessage(
                                id,
                                toolNames.getOrDefault(id, ""),
                                Transcripts.text(block.path("content")),
                                block.path("is_error").asBoolean(false)));
                    } else if (type.equals("text")) {
                        if (text.length() > 0) {
                            text.append("\n");
                        }
                        text.append(block.path("text").asText(""));
                    } else if (Attachment.holds(Attachment.ANTHROPIC, block)) {
                        attached.add(new Attachment(Attachment.ANTHROPIC, block));
                    } else {
                        bad.add(notKept(line, block));
                    }
                }
                flushUser(text, attached, out);
            }
            case "assistant" -> {
                if (!content.isArray()) {
                    out.add(new AssistantMessage(Transcripts.text(content), List.of()));
                    return;
                }
                StringBuilder text = new StringBuilder();
                List<ToolCall> calls = new ArrayList<>();
                List<Reasoning> reasoning = new ArrayList<>();
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    if (type.equals("thinking") || type.equals("redacted_thinking")) {
                        // After text or tool use the API refuses it: marked, for check to flag and repair to move.
                        boolean misplaced = text.length() > 0 || !calls.isEmpty();
                        reasoning.add(
                                type.equals("thinking")
                                        ? new Reasoning.Thinking(
                                                textOrNull(block, "thinking"),
                                                textOrNull(block, "signature"),
                                                misplaced)
                                        : new Reasoning.RedactedThinking(
                                                block.path("data").asText("")));
                    } else if (type.equals("text")) {
                        if (text.length() > 0) {
                            text.append("\n");
                        }
                        text.append(block.path("text").asText(""));
                    } else if (type.equals("tool_use")) {
                        ToolCall call = new ToolCall(
                                block.path("id").asText(""),
                                block.path("name").asText(""),
                                Transcripts.arguments(block.path("input")));
                        toolNames.put(call.id(), call.name());
                        calls.add(call);
                    } else {
                        bad.add(notKept(line, block));
                    }
                }
                out.add(new AssistantMessage(text.toString(), calls, reasoning, null));
            }
            default ->
                throw new IllegalArgumentException("not a message: role '" + role + "' is neither user nor assistant");
        }
    }

    /** An attachment this format cannot hold, written as a text block that says so rather than dropped. */
    static JsonNode unheld(Attachment a) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("type", "text")
                .put("text", "[a " + a.kind() + " (" + a.mediaType() + ") this format cannot hold: " + a.block() + "]");
    }

    private static BadLine notKept(int line, JsonNode block) {
        return new BadLine(
                line,
                Json.write(block),
                "a `" + block.path("type").asText("?")
                        + "` block cannot be held in a session yet; kept here as it was");
    }

    /** The field's text exactly, or null when it is missing or not text (a block the API would refuse). */
    private static @Nullable String textOrNull(JsonNode block, String field) {
        JsonNode v = block.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static void flushUser(StringBuilder text, List<Attachment> attached, List<Message> out) {
        if (text.length() > 0 || !attached.isEmpty()) {
            out.add(new UserMessage(text.toString(), attached));
            text.setLength(0);
            attached.clear();
        }
    }

    /**
     * {@code {"system": "...", "messages": [...]}}: system messages joined into the system field, tool
     * results grouped into the user turn that follows the call, results first.
     */
    static String write(List<Message> messages) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        StringBuilder system = new StringBuilder();
        ArrayNode systemBlocks = JsonNodeFactory.instance.arrayNode();
        boolean allBlocks = true;
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ObjectNode userTurn = null;
        for (Message m : messages) {
            if (m instanceof SystemMessage s) {
                if (system.length() > 0) {
                    system.append("\n\n");
                }
                system.append(s.text());
                systemBlocks.addAll(s.blocks());
                allBlocks &= !s.blocks().isEmpty();
            } else if (m instanceof AssistantMessage a) {
                userTurn = null;
                ObjectNode o = out.addObject();
                o.put("role", "assistant");
                ArrayNode blocks = o.putArray("content");
                for (Reasoning r : a.reasoning()) {
                    if (r instanceof Reasoning.Thinking t) {
                        ObjectNode b =
                                blocks.addObject().put("type", "thinking").put("thinking", t.thinking());
                        if (t.signature() != null) {
                            b.put("signature", t.signature());
                        }
                    } else if (r instanceof Reasoning.RedactedThinking d) {
                        blocks.addObject().put("type", "redacted_thinking").put("data", d.data());
                    }
                }
                if (!a.text().isBlank()) {
                    blocks.addObject().put("type", "text").put("text", a.text());
                }
                for (ToolCall c : a.toolCalls()) {
                    ObjectNode use = blocks.addObject();
                    use.put("type", "tool_use").put("id", c.id()).put("name", c.name());
                    JsonNode input;
                    try {
                        input = Json.mapper().readTree(c.arguments());
                    } catch (IOException e) {
                        input = null;
                    }
                    if (input != null && input.isObject()) {
                        use.set("input", input);
                    } else {
                        use.put("input", c.arguments());
                    }
                }
            } else {
                if (userTurn == null) {
                    userTurn = out.addObject();
                    userTurn.put("role", "user");
                    userTurn.putArray("content");
                }
                ArrayNode blocks = (ArrayNode) userTurn.get("content");
                if (m instanceof ToolResultMessage t) {
                    ObjectNode result = blocks.addObject();
                    result.put("type", "tool_result")
                            .put("tool_use_id", t.callId())
                            .put("content", t.text());
                    if (t.isError()) {
                        result.put("is_error", true);
                    }
                } else {
                    UserMessage u = (UserMessage) m;
                    if (!u.text().isEmpty() || u.attachments().isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", u.text());
                    }
                    for (Attachment a : u.attachments()) {
                        blocks.add(a.in(Attachment.ANTHROPIC).orElseGet(() -> unheld(a)));
                    }
                }
            }
        }
        if (allBlocks && !systemBlocks.isEmpty()) {
            // The blocks as they came (cache_control and all).
            doc.set("system", systemBlocks);
        } else if (system.length() > 0) {
            doc.put("system", system.toString());
        }
        doc.set("messages", out);
        return Json.pretty(doc) + "\n";
    }
}
