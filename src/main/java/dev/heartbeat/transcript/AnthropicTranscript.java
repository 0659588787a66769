package dev.heartbeat.transcript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.support.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Anthropic Messages transcripts: content blocks to and from the project's messages. */
final class AnthropicTranscript {
    private AnthropicTranscript() {}

    static void read(JsonNode n, List<Message> out, Map<String, String> toolNames) {
        String role = n.path("role").asText("");
        JsonNode content = n.path("content");
        switch (role) {
            case "system" -> out.add(new SystemMessage(Transcripts.text(content)));
            case "user" -> {
                if (!content.isArray()) {
                    out.add(new UserMessage(Transcripts.text(content)));
                    return;
                }
                StringBuilder text = new StringBuilder();
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    if (type.equals("tool_result")) {
                        flushUser(text, out);
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
                    }
                }
                flushUser(text, out);
            }
            case "assistant" -> {
                if (!content.isArray()) {
                    out.add(new AssistantMessage(Transcripts.text(content), List.of()));
                    return;
                }
                StringBuilder text = new StringBuilder();
                List<ToolCall> calls = new ArrayList<>();
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    if (type.equals("text")) {
                        if (text.length() > 0) {
                            text.append("\n");
                        }
                        text.append(block.path("text").asText(""));
                    } else if (type.equals("tool_use")) {
                        JsonNode input = block.path("input");
                        String arguments =
                                input.isTextual() ? input.asText() : input.isMissingNode() ? "{}" : Json.write(input);
                        ToolCall call = new ToolCall(
                                block.path("id").asText(""), block.path("name").asText(""), arguments);
                        toolNames.put(call.id(), call.name());
                        calls.add(call);
                    }
                }
                out.add(new AssistantMessage(text.toString(), calls));
            }
            default ->
                throw new IllegalArgumentException("not a message: role '" + role + "' is neither user nor assistant");
        }
    }

    private static void flushUser(StringBuilder text, List<Message> out) {
        if (text.length() > 0) {
            out.add(new UserMessage(text.toString()));
            text.setLength(0);
        }
    }

    /**
     * {@code {"system": "...", "messages": [...]}}: system messages joined into the system field, tool
     * results grouped into the user turn that follows the call, results first.
     */
    static String write(List<Message> messages) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        StringBuilder system = new StringBuilder();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        ObjectNode userTurn = null;
        for (Message m : messages) {
            if (m instanceof SystemMessage s) {
                if (system.length() > 0) {
                    system.append("\n\n");
                }
                system.append(s.text());
            } else if (m instanceof AssistantMessage a) {
                userTurn = null;
                ObjectNode o = out.addObject();
                o.put("role", "assistant");
                ArrayNode blocks = o.putArray("content");
                if (!a.text().isBlank()) {
                    blocks.addObject().put("type", "text").put("text", a.text());
                }
                for (ToolCall c : a.toolCalls()) {
                    ObjectNode use = blocks.addObject();
                    use.put("type", "tool_use").put("id", c.id()).put("name", c.name());
                    JsonNode input;
                    try {
                        input = Json.MAPPER.readTree(c.arguments());
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
                    blocks.addObject().put("type", "text").put("text", ((UserMessage) m).text());
                }
            }
        }
        if (system.length() > 0) {
            doc.put("system", system.toString());
        }
        doc.set("messages", out);
        return Json.pretty(doc) + "\n";
    }
}
