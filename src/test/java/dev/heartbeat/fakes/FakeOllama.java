package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Set;

/** Ollama's chat API ({@code POST /api/chat}, not streamed): tool calls come back without ids. */
public final class FakeOllama extends FakeProvider {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    public FakeOllama() {
        super("/api/chat", null);
    }

    @Override
    public String baseUrl() {
        return origin();
    }

    @Override
    public String providerName() {
        return "ollama";
    }

    @Override
    protected String checkAuth(HttpExchange exchange) {
        return null;
    }

    @Override
    protected String validate(JsonNode body) {
        if (!body.path("model").isTextual()) {
            return "model is required";
        }
        if (body.path("stream").asBoolean(true)) {
            return "this fake answers only stream: false";
        }
        JsonNode messages = body.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            String role = messages.get(i).path("role").asText();
            if (!ROLES.contains(role)) {
                return "json: invalid role \"" + role + "\" in messages[" + i + "]";
            }
        }
        return null;
    }

    @Override
    protected String invalidRequest(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    @Override
    protected String serverError(String message) {
        return invalidRequest(message);
    }

    @Override
    protected String render(JsonNode request, Reply reply, int n) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", request.path("model").asText());
        out.put("created_at", "2026-11-22T12:00:00.000000Z");
        ObjectNode message = out.putObject("message");
        message.put("role", "assistant");
        String produced;
        if (reply instanceof Text t) {
            message.put("content", t.text());
            produced = t.text();
        } else {
            message.put("content", "");
            ArrayNode calls = message.putArray("tool_calls");
            StringBuilder all = new StringBuilder();
            for (Call c : ((Calls) reply).calls()) {
                ObjectNode fn = calls.addObject().putObject("function");
                fn.put("name", c.name());
                fn.set("arguments", JSON.readTree(c.arguments()));
                all.append(c.name()).append(c.arguments());
            }
            produced = all.toString();
        }
        out.put("done", true);
        out.put("done_reason", "stop");
        out.put("prompt_eval_count", tokens(request.path("messages").toString()));
        out.put("eval_count", tokens(produced));
        return out.toString();
    }
}
