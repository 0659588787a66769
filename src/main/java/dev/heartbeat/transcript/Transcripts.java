package dev.heartbeat.transcript;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.support.Json;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Transcript files in the providers' wire shapes: OpenAI Chat Completions messages and Anthropic
 * Messages messages, as a JSON array or JSONL. Reading never fails on bad input: what cannot be read
 * is returned with its line number and raw text, to be kept beside the session.
 */
public final class Transcripts {
    private Transcripts() {}

    public enum Format {
        OPENAI,
        ANTHROPIC;

        public String wire() {
            return name().toLowerCase();
        }
    }

    /** Text that could not be read as a message. */
    public record BadLine(int line, String raw, String problem) {}

    /**
     * What a file held: the messages in order, the format they were in, what could not be read, and for each
     * message the provider's own JSON it was read from ({@code raw}, same order as {@code messages}).
     */
    public record Read(List<Message> messages, Format format, List<BadLine> bad, List<String> raw) {}

    private record Element(int line, JsonNode node) {}

    public static Read read(String text) {
        List<Element> elements = new ArrayList<>();
        List<BadLine> bad = new ArrayList<>();
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("[")) {
            readArray(text, elements, bad);
        } else if (trimmed.startsWith("{") && isSingleDocumentWithMessages(text)) {
            JsonNode doc = Json.tree(text);
            JsonNode system = doc.path("system");
            if (system.isArray() && !system.isEmpty()) {
                // Anthropic's system blocks: kept whole (cache_control and all), their text the system message.
                elements.add(new Element(
                        1,
                        JsonNodeFactory.instance
                                .objectNode()
                                .put("role", "system")
                                .set("content", system)));
            }
            if (system.isTextual() && !system.asText().isBlank()) {
                elements.add(new Element(
                        1,
                        JsonNodeFactory.instance
                                .objectNode()
                                .put("role", "system")
                                .put("content", system.asText())));
            }
            readArray(doc.path("messages").toString(), elements, bad);
        } else {
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = Json.mapper().readTree(line);
                    if (node == null || !node.isObject()) {
                        bad.add(new BadLine(i + 1, line, "not a JSON object"));
                    } else {
                        elements.add(new Element(i + 1, node));
                    }
                } catch (IOException e) {
                    bad.add(new BadLine(i + 1, line, "not valid JSON (" + firstLine(e.getMessage()) + ")"));
                }
            }
        }
        Format format = detect(elements);
        List<Message> messages = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        for (Element e : elements) {
            try {
                if (format == Format.ANTHROPIC) {
                    AnthropicTranscript.read(e.node(), e.line(), messages, toolNames, bad);
                } else {
                    messages.add(fromOpenAi(e.node(), e.line(), toolNames, bad));
                }
            } catch (IllegalArgumentException ex) {
                bad.add(new BadLine(e.line(), Json.write(e.node()), String.valueOf(ex.getMessage())));
            }
            // One provider message can make several of ours (Anthropic's tool results and text): each keeps it.
            while (raw.size() < messages.size()) {
                raw.add(Json.write(e.node()));
            }
        }
        bad.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Read(List.copyOf(messages), format, List.copyOf(bad), List.copyOf(raw));
    }

    private static boolean isSingleDocumentWithMessages(String text) {
        try {
            JsonNode doc = Json.mapper().readTree(text);
            return doc != null && doc.path("messages").isArray();
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads array elements one by one, so a torn array keeps what came before the tear. */
    private static void readArray(String text, List<Element> elements, List<BadLine> bad) {
        try (JsonParser p = Json.mapper().createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                bad.add(new BadLine(1, text, "not a JSON array"));
                return;
            }
            while (true) {
                JsonToken t;
                int line;
                try {
                    t = p.nextToken();
                    line = p.currentTokenLocation().getLineNr();
                    if (t == JsonToken.END_ARRAY || t == null) {
                        return;
                    }
                    JsonNode node = p.readValueAsTree();
                    if (node == null || !node.isObject()) {
                        bad.add(new BadLine(line, String.valueOf(node), "not a JSON object"));
                    } else {
                        elements.add(new Element(line, node));
                    }
                } catch (IOException e) {
                    int at = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
                            ? jpe.getLocation().getLineNr()
                            : 0;
                    String rest = tail(text, at);
                    bad.add(new BadLine(at, rest, "not valid JSON from here on (" + firstLine(e.getMessage()) + ")"));
                    return;
                }
            }
        } catch (IOException e) {
            bad.add(new BadLine(1, text, "not valid JSON"));
        }
    }

    /** The text from line {@code line} (1-based) to the end. */
    private static String tail(String text, int line) {
        if (line <= 1) {
            return text;
        }
        int index = 0;
        for (int i = 1; i < line && index >= 0; i++) {
            index = text.indexOf('\n', index) + 1;
            if (index == 0) {
                return "";
            }
        }
        return text.substring(index);
    }

    private static String firstLine(@Nullable String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Anthropic when any message carries Anthropic's own blocks (tool use and results, thinking, images); OpenAI otherwise. */
    static Format detect(List<Element> elements) {
        for (Element e : elements) {
            JsonNode n = e.node();
            String role = n.path("role").asText();
            if (role.equals("tool") || n.has("tool_calls") || n.has("tool_call_id") || role.equals("developer")) {
                return Format.OPENAI;
            }
            JsonNode content = n.path("content");
            if (content.isArray()) {
                for (JsonNode block : content) {
                    String type = block.path("type").asText();
                    if (type.equals("tool_use")
                            || type.equals("tool_result")
                            || type.equals("thinking")
                            || type.equals("redacted_thinking")
                            || Attachment.holds(Attachment.ANTHROPIC, block)) {
                        return Format.ANTHROPIC;
                    }
                    if (Attachment.holds(Attachment.OPENAI, block)) {
                        return Format.OPENAI;
                    }
                    if (block.has("cache_control")) {
                        return Format.ANTHROPIC;
                    }
                }
            }
        }
        return Format.OPENAI;
    }

    // ---------------------------------------------------------------- OpenAI

    /**
     * One OpenAI message. Parts the session cannot hold yet (images, audio, files) are reported in {@code bad}
     * with the line and kept there; an OpenAI-compatible server's {@code reasoning_content} is kept as such.
     */
    private static Message fromOpenAi(JsonNode n, int line, Map<String, String> toolNames, List<BadLine> bad) {
        String role = n.path("role").asText("");
        List<Attachment> attached = new ArrayList<>();
        if (n.path("content").isArray()) {
            for (JsonNode part : n.path("content")) {
                String type = part.path("type").asText("text");
                if (role.equals("user") && Attachment.holds(Attachment.OPENAI, part)) {
                    attached.add(new Attachment(Attachment.OPENAI, part));
                } else if (!part.isTextual() && !type.equals("text")) {
                    bad.add(new BadLine(
                            line,
                            Json.write(part),
                            "a `" + type + "` part cannot be held in a session yet; kept here as it was"));
                }
            }
        }
        switch (role) {
            case "system", "developer" -> {
                return new SystemMessage(text(n.path("content")));
            }
            case "user" -> {
                return new UserMessage(text(n.path("content")), attached);
            }
            case "assistant" -> {
                List<ToolCall> calls = new ArrayList<>();
                for (JsonNode c : n.path("tool_calls")) {
                    JsonNode fn = c.path("function");
                    ToolCall call = new ToolCall(
                            c.path("id").asText(""), fn.path("name").asText(""), arguments(fn.path("arguments")));
                    toolNames.put(call.id(), call.name());
                    calls.add(call);
                }
                String text = text(n.path("content"));
                // A refusal is what the model said instead of an answer.
                if (text.isEmpty() && n.path("refusal").isTextual()) {
                    text = n.path("refusal").asText();
                }
                JsonNode reasoning = n.path("reasoning_content");
                return new AssistantMessage(
                        text,
                        calls,
                        reasoning.isTextual() && !reasoning.asText().isEmpty()
                                ? List.of(new Reasoning.ReasoningContent(reasoning.asText()))
                                : List.of(),
                        null);
            }
            case "tool" -> {
                String id = n.path("tool_call_id").asText("");
                String name = n.path("name").asText(toolNames.getOrDefault(id, ""));
                return new ToolResultMessage(
                        id, name, text(n.path("content")), n.path("is_error").asBoolean(false));
            }
            default ->
                throw new IllegalArgumentException(
                        "not a message: role '" + role + "' is none of system, " + "developer, user, assistant, tool");
        }
    }

    /** A tool call's arguments as the text the store keeps: a JSON string as it stands, an object written out. */
    static String arguments(JsonNode args) {
        return args.isTextual() ? args.asText() : args.isMissingNode() ? "{}" : Json.write(args);
    }

    /** Content as text: a string, or the text parts of an array of parts. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode part : content) {
                String t = part.isTextual() ? part.asText() : part.path("text").asText("");
                if (!t.isEmpty()) {
                    if (out.length() > 0) {
                        out.append("\n");
                    }
                    out.append(t);
                }
            }
            return out.toString();
        }
        return "";
    }

    /** One message as a line of OpenAI's JSONL (without its newline): export writes a long session line by line. */
    public static String toOpenAiLine(Message m) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (m instanceof SystemMessage s) {
            o.put("role", "system").put("content", s.text());
        } else if (m instanceof UserMessage u) {
            o.put("role", "user");
            if (u.attachments().isEmpty()) {
                o.put("content", u.text());
            } else {
                ArrayNode parts = o.putArray("content");
                if (!u.text().isEmpty()) {
                    parts.addObject().put("type", "text").put("text", u.text());
                }
                for (Attachment a : u.attachments()) {
                    parts.add(a.in(Attachment.OPENAI).orElseGet(() -> AnthropicTranscript.unheld(a)));
                }
            }
        } else if (m instanceof AssistantMessage a) {
            o.put("role", "assistant");
            if (a.text().isEmpty() && a.hasToolCalls()) {
                o.putNull("content");
            } else {
                o.put("content", a.text());
            }
            a.reasoning().stream()
                    .filter(Reasoning.ReasoningContent.class::isInstance)
                    .map(r -> ((Reasoning.ReasoningContent) r).text())
                    .findFirst()
                    .ifPresent(r -> o.put("reasoning_content", r));
            if (a.hasToolCalls()) {
                ArrayNode calls = o.putArray("tool_calls");
                for (ToolCall c : a.toolCalls()) {
                    ObjectNode call = calls.addObject();
                    call.put("id", c.id()).put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                }
            }
        } else if (m instanceof ToolResultMessage t) {
            o.put("role", "tool").put("tool_call_id", t.callId()).put("content", t.text());
            if (t.isError()) {
                o.put("is_error", true);
            }
        }
        return Json.write(o);
    }

    /** Anthropic's {@code {"system": ..., "messages": [...]}} document of these messages. */
    public static String toAnthropic(List<Message> messages) {
        return AnthropicTranscript.write(messages);
    }

    /**
     * The same document written to {@code out}, the messages handed over by {@code walk} (called twice: the
     * system field first, then the turns as they come), so a long session need not be held.
     */
    public static void toAnthropic(Writer out, Consumer<Consumer<Message>> walk) throws IOException {
        AnthropicTranscript.write(out, walk);
    }
}
