package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** OpenAI Chat Completions ({@code POST /v1/chat/completions}) with the API's own history rules. */
public final class FakeOpenAi extends FakeProvider {
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    public FakeOpenAi(String apiKey) {
        super("/v1/chat/completions", apiKey);
    }

    /** Over HTTPS, with {@code tls}'s certificate. */
    public FakeOpenAi(String apiKey, TestTls tls) {
        super("/v1/chat/completions", apiKey, tls);
    }

    @Override
    public String baseUrl() {
        return origin() + "/v1";
    }

    @Override
    public String providerName() {
        return "openai";
    }

    @Override
    protected String checkAuth(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.equals("Bearer " + apiKey)) {
            return null;
        }
        String given = header == null ? "" : header.replaceFirst("^Bearer ", "");
        return "{\"error\":{\"message\":\"Incorrect API key provided: " + masked(given) + ". You can find your API key "
                + "at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":\"invalid_api_key\"}}";
    }

    @Override
    protected String validate(JsonNode body) {
        if (!body.path("model").isTextual()) {
            return "you must provide a model parameter";
        }
        JsonNode effort = body.path("reasoning_effort");
        if (!effort.isMissingNode()
                && !List.of("minimal", "low", "medium", "high").contains(effort.asText())) {
            return "Invalid value: '" + effort.asText() + "'. Supported values are: 'minimal', 'low', 'medium', and "
                    + "'high'.";
        }
        JsonNode messages = body.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            // As the OpenAI-compatible reasoning servers do: reasoning is output only.
            if (messages.get(i).has("reasoning_content")) {
                return "messages[" + i + "]: reasoning_content is output only; remove it from the input";
            }
        }
        if (!messages.isArray() || messages.isEmpty()) {
            return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
        }
        Set<String> pending = new LinkedHashSet<>();
        int pendingFrom = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText();
            if (!ROLES.contains(role)) {
                return "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user', 'tool', "
                        + "and 'developer'. (messages.[" + i + "].role)";
            }
            if (!role.equals("tool") && !pending.isEmpty()) {
                return "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                        + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                        + String.join(", ", pending) + " (messages.[" + pendingFrom + "].role)";
            }
            switch (role) {
                case "tool" -> {
                    String id = m.path("tool_call_id").asText(null);
                    if (id == null || !pending.remove(id)) {
                        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message "
                                + "with 'tool_calls'. (messages.[" + i + "].role)";
                    }
                    if (!m.path("content").isTextual() && !m.path("content").isArray()) {
                        return "Invalid value for 'content': expected a string, got null. (messages.[" + i
                                + "].content)";
                    }
                }
                case "assistant" -> {
                    JsonNode calls = m.path("tool_calls");
                    boolean hasCalls = calls.isArray() && !calls.isEmpty();
                    if (!hasCalls && !m.path("content").isTextual()) {
                        return "Invalid value for 'content': expected a string, got null. (messages.[" + i
                                + "].content)";
                    }
                    if (hasCalls) {
                        pendingFrom = i;
                        for (JsonNode c : calls) {
                            String id = c.path("id").asText("");
                            if (id.isEmpty()) {
                                return "Missing required parameter: 'messages[" + i + "].tool_calls[0].id'.";
                            }
                            if (!c.path("function").path("arguments").isTextual()) {
                                return "Invalid type for 'messages[" + i + "].tool_calls[0].function.arguments': "
                                        + "expected a string.";
                            }
                            pending.add(id);
                        }
                    }
                }
                default -> {
                    if (m.path("content").isNull() || m.path("content").isMissingNode()) {
                        return "Invalid value for 'content': expected a string, got null. (messages.[" + i
                                + "].content)";
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            return "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                    + "'tool_call_id'. The following tool_call_ids did not have response messages: "
                    + String.join(", ", pending) + " (messages.[" + pendingFrom + "].role)";
        }
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            String name = tools.get(i).path("function").path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                return "Invalid 'tools[" + i + "].function.name': string does not match pattern. Expected a string "
                        + "that matches the pattern '^[a-zA-Z0-9_-]+$'.";
            }
        }
        return null;
    }

    @Override
    protected String invalidRequest(String message) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("message", message);
        inner.put("type", "invalid_request_error");
        inner.putNull("param");
        inner.putNull("code");
        return error.toString();
    }

    @Override
    protected String serverError(String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    }

    @Override
    protected String render(JsonNode request, Reply reply, int n) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", "chatcmpl-fake" + n);
        out.put("object", "chat.completion");
        out.put("created", 1_760_000_000L + n);
        out.put("model", request.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        String produced;
        if (reply instanceof Text t) {
            message.put("content", t.text());
            choice.put("finish_reason", "stop");
            produced = t.text();
        } else {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            StringBuilder all = new StringBuilder();
            int k = 0;
            for (Call c : ((Calls) reply).calls()) {
                ObjectNode call = calls.addObject();
                call.put("id", c.id() != null ? c.id() : "call_fake" + n + "_" + (++k));
                call.put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                all.append(c.name()).append(c.arguments());
            }
            choice.put("finish_reason", "tool_calls");
            produced = all.toString();
        }
        int in = tokens(request.path("messages").toString());
        int outTokens = tokens(produced);
        int reasoning = 0;
        if (request.has("reasoning_effort")) {
            String thought = "Reasoned about step " + n + " at "
                    + request.path("reasoning_effort").asText() + " effort.";
            message.put("reasoning_content", thought);
            reasoning = tokens(thought) * 4;
        }
        ObjectNode usage = out.putObject("usage")
                .put("prompt_tokens", in)
                .put("completion_tokens", outTokens + reasoning)
                .put("total_tokens", in + outTokens + reasoning);
        if (reasoning > 0) {
            usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        }
        return out.toString();
    }
}
