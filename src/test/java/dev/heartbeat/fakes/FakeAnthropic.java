package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Anthropic Messages ({@code POST /v1/messages}) with the API's own history rules. */
public final class FakeAnthropic extends FakeProvider {
    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9_-]+$");

    public FakeAnthropic(String apiKey) {
        super("/v1/messages", apiKey);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1/";
    }

    @Override
    public String providerName() {
        return "anthropic";
    }

    @Override
    protected String checkAuth(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("x-api-key");
        if (exchange.getRequestHeaders().getFirst("anthropic-version") == null) {
            return "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"anthropic-version: "
                    + "header is required\"}}";
        }
        if (key != null && key.equals(apiKey)) {
            return null;
        }
        return "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
    }

    @Override
    protected String validate(JsonNode body) {
        if (!body.path("max_tokens").isInt()) {
            return "max_tokens: Field required";
        }
        JsonNode raw = body.path("messages");
        if (!raw.isArray() || raw.isEmpty()) {
            return "messages: at least one message is required";
        }
        for (int i = 0; i < raw.size(); i++) {
            String role = raw.get(i).path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                return "messages." + i + ".role: Input should be 'user' or 'assistant'";
            }
        }
        if (!raw.get(0).path("role").asText().equals("user")) {
            return "messages: first message must use the \"user\" role";
        }
        // The API combines consecutive turns of one role before applying its rules.
        List<String> roles = new ArrayList<>();
        List<List<JsonNode>> turns = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            JsonNode m = raw.get(i);
            List<JsonNode> blocks = blocks(m.path("content"));
            if (blocks.isEmpty()
                    && !(i == raw.size() - 1 && m.path("role").asText().equals("assistant"))) {
                return "messages." + i + ": all messages must have non-empty content except for the optional final "
                        + "assistant message";
            }
            for (int b = 0; b < blocks.size(); b++) {
                JsonNode block = blocks.get(b);
                String type = block.path("type").asText();
                if (type.equals("text") && block.path("text").asText("").isBlank()) {
                    return "messages." + i + ".content." + b
                            + ".text: text content blocks must contain non-whitespace text";
                }
                if (type.equals("tool_use")) {
                    if (!ID.matcher(block.path("id").asText("")).matches()) {
                        return "messages." + i + ".content." + b
                                + ".tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'";
                    }
                    if (!block.path("input").isObject()) {
                        return "messages." + i + ".content." + b
                                + ".tool_use.input: Input should be a valid dictionary";
                    }
                }
            }
            String role = m.path("role").asText();
            if (!roles.isEmpty() && roles.get(roles.size() - 1).equals(role)) {
                turns.get(turns.size() - 1).addAll(blocks);
            } else {
                roles.add(role);
                turns.add(new ArrayList<>(blocks));
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int t = 0; t < turns.size(); t++) {
            List<JsonNode> blocks = turns.get(t);
            Set<String> uses = new LinkedHashSet<>();
            for (JsonNode b : blocks) {
                if (b.path("type").asText().equals("tool_use")) {
                    if (!seen.add(b.path("id").asText())) {
                        return "messages." + t + ": `tool_use` ids must be unique";
                    }
                    uses.add(b.path("id").asText());
                }
            }
            if (!uses.isEmpty()) {
                if (!roles.get(t).equals("assistant")) {
                    return "messages." + t + ": `tool_use` blocks can only be in assistant messages";
                }
                Set<String> answered = new LinkedHashSet<>();
                if (t + 1 < turns.size()) {
                    boolean leading = true;
                    for (JsonNode b : turns.get(t + 1)) {
                        boolean isResult = b.path("type").asText().equals("tool_result");
                        if (isResult && !leading) {
                            return "messages." + (t + 1) + ": tool_result blocks must come first in the user message, "
                                    + "before any other content";
                        }
                        leading &= isResult;
                        if (isResult) {
                            answered.add(b.path("tool_use_id").asText());
                        }
                    }
                }
                Set<String> missing = new LinkedHashSet<>(uses);
                missing.removeAll(answered);
                if (!missing.isEmpty()) {
                    return "messages." + t
                            + ": `tool_use` ids were found without `tool_result` blocks immediately after: "
                            + String.join(", ", missing) + ". Each `tool_use` block must have a corresponding "
                            + "`tool_result` block in the next message.";
                }
            }
            Set<String> previousUses = new LinkedHashSet<>();
            if (t > 0) {
                for (JsonNode b : turns.get(t - 1)) {
                    if (b.path("type").asText().equals("tool_use")) {
                        previousUses.add(b.path("id").asText());
                    }
                }
            }
            for (JsonNode b : blocks) {
                if (b.path("type").asText().equals("tool_result")) {
                    String id = b.path("tool_use_id").asText();
                    if (!previousUses.contains(id)) {
                        return "messages." + t + ".content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
                                + id + ". Each `tool_result` block must have a corresponding `tool_use` block in the "
                                + "previous message.";
                    }
                }
            }
        }
        if (!roles.get(roles.size() - 1).equals("user")) {
            return "messages: the final message must have the \"user\" role";
        }
        return null;
    }

    private static List<JsonNode> blocks(JsonNode content) {
        List<JsonNode> out = new ArrayList<>();
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                out.add(JSON.createObjectNode().put("type", "text").put("text", content.asText()));
            }
        } else if (content.isArray()) {
            content.forEach(out::add);
        }
        return out;
    }

    @Override
    protected String invalidRequest(String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "error");
        out.putObject("error").put("type", "invalid_request_error").put("message", message);
        return out.toString();
    }

    @Override
    protected String serverError(String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"" + message + "\"}}";
    }

    @Override
    protected String render(JsonNode request, Reply reply, int n) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "msg_fake" + n);
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", request.path("model").asText());
        ArrayNode content = out.putArray("content");
        String produced;
        if (reply instanceof Text t) {
            content.addObject().put("type", "text").put("text", t.text());
            out.put("stop_reason", "end_turn");
            produced = t.text();
        } else {
            StringBuilder all = new StringBuilder();
            int k = 0;
            for (Call c : ((Calls) reply).calls()) {
                ObjectNode use = content.addObject();
                use.put("type", "tool_use");
                use.put("id", c.id() != null ? c.id() : "toolu_fake" + n + "_" + (++k));
                use.put("name", c.name());
                use.set("input", JSON.readTree(c.arguments()));
                all.append(c.name()).append(c.arguments());
            }
            out.put("stop_reason", "tool_use");
            produced = all.toString();
        }
        out.putNull("stop_sequence");
        out.putObject("usage")
                .put("input_tokens", tokens(request.path("messages").toString()))
                .put("output_tokens", tokens(produced));
        return out.toString();
    }
}
