package dev.heartbeat.transcript;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.Transcripts.BadLine;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
        StringWriter out = new StringWriter();
        try {
            write(out, messages::forEach);
        } catch (IOException e) { // a StringWriter does not fail
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The same document written to {@code out} as {@code walk} hands the messages over, twice: first for the
     * system field, which comes first, then for the turns, each written as it comes. Only the system messages
     * are held, so a long session is exported without holding its history.
     */
    static void write(Writer out, Consumer<Consumer<Message>> walk) throws IOException {
        StringBuilder system = new StringBuilder();
        ArrayNode systemBlocks = JsonNodeFactory.instance.arrayNode();
        boolean[] allBlocks = {true};
        walk.accept(m -> {
            if (m instanceof SystemMessage s) {
                if (system.length() > 0) {
                    system.append("\n\n");
                }
                system.append(s.text());
                systemBlocks.addAll(s.blocks());
                allBlocks[0] &= !s.blocks().isEmpty();
            }
        });
        // Json.pretty's layout, without starting the mapper: once started, it would read the rest of the session.
        JsonGenerator g = Json.prettyGenerator(out);
        g.writeStartObject();
        if (allBlocks[0] && !systemBlocks.isEmpty()) {
            g.writeFieldName("system"); // the blocks as they came (cache_control and all)
            Json.writeTree(g, systemBlocks);
        } else if (system.length() > 0) {
            g.writeStringField("system", system.toString());
        }
        g.writeArrayFieldStart("messages");
        Turns turns = new Turns(g);
        walk.accept(m -> {
            try {
                turns.add(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        turns.endUserTurn();
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.write("\n");
    }

    /** The messages array as it is written: a user turn stays open for the results and text that follow. */
    private static final class Turns {
        private final JsonGenerator g;
        private boolean inUserTurn;

        Turns(JsonGenerator g) {
            this.g = g;
        }

        void add(Message m) throws IOException {
            if (m instanceof SystemMessage) {
                return; // in the system field
            }
            if (m instanceof AssistantMessage a) {
                endUserTurn();
                assistant(a);
                return;
            }
            if (!inUserTurn) {
                g.writeStartObject();
                g.writeStringField("role", "user");
                g.writeArrayFieldStart("content");
                inUserTurn = true;
            }
            if (m instanceof ToolResultMessage t) {
                g.writeStartObject();
                g.writeStringField("type", "tool_result");
                g.writeStringField("tool_use_id", t.callId());
                g.writeStringField("content", t.text());
                if (t.isError()) {
                    g.writeBooleanField("is_error", true);
                }
                g.writeEndObject();
            } else {
                UserMessage u = (UserMessage) m;
                if (!u.text().isEmpty() || u.attachments().isEmpty()) {
                    text(u.text());
                }
                for (Attachment a : u.attachments()) {
                    Json.writeTree(g, a.in(Attachment.ANTHROPIC).orElseGet(() -> unheld(a)));
                }
            }
        }

        void endUserTurn() throws IOException {
            if (inUserTurn) {
                g.writeEndArray();
                g.writeEndObject();
                inUserTurn = false;
            }
        }

        private void assistant(AssistantMessage a) throws IOException {
            g.writeStartObject();
            g.writeStringField("role", "assistant");
            g.writeArrayFieldStart("content");
            for (Reasoning r : a.reasoning()) {
                if (r instanceof Reasoning.Thinking t) {
                    g.writeStartObject();
                    g.writeStringField("type", "thinking");
                    g.writeStringField("thinking", t.thinking());
                    if (t.signature() != null) {
                        g.writeStringField("signature", t.signature());
                    }
                    g.writeEndObject();
                } else if (r instanceof Reasoning.RedactedThinking d) {
                    g.writeStartObject();
                    g.writeStringField("type", "redacted_thinking");
                    g.writeStringField("data", d.data());
                    g.writeEndObject();
                }
            }
            if (!a.text().isBlank()) {
                text(a.text());
            }
            for (ToolCall c : a.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("type", "tool_use");
                g.writeStringField("id", c.id());
                g.writeStringField("name", c.name());
                JsonNode input;
                try {
                    input = Json.tree(c.arguments());
                } catch (UncheckedIOException e) { // not JSON: the arguments go as they were
                    input = null;
                }
                g.writeFieldName("input");
                if (input != null && input.isObject()) {
                    Json.writeTree(g, input);
                } else {
                    g.writeString(c.arguments());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }

        private void text(String text) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", text);
            g.writeEndObject();
        }
    }
}
