package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Anthropic Messages ({@code POST /v1/messages}) with the API's own history rules. */
public final class FakeAnthropic extends FakeProvider {
    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9_-]+$");
    static final String THINKING_FIRST =
            "Expected `thinking` or `redacted_thinking`, but found `%s`. When `thinking` is "
                    + "enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of "
                    + "`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To "
                    + "avoid this requirement, disable `thinking`. Please consult our documentation at "
                    + "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    /** Signs thinking blocks as the real API does in spirit: a block changed by one byte no longer verifies. */
    private final byte[] signingKey = ("fake-anthropic-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    /** Signed blocks the API is to refuse from now on, by their thinking text (a key rotated, a model retired). */
    private final Set<String> refusedThinking = ConcurrentHashMap.newKeySet();

    public FakeAnthropic(String apiKey) {
        super("/v1/messages", apiKey);
    }

    /**
     * The signature this server gives {@code thinking} by {@code model}: bound to the model, as the real API's
     * are (a block replayed to another model is refused). A test forges a block by using anything else.
     */
    public String sign(String model, String thinking) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal((model + "\n" + thinking).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From now on, a block with this thinking text is refused as having an invalid signature. */
    public FakeAnthropic refuseThinking(String thinking) {
        refusedThinking.add(thinking);
        return this;
    }

    @Override
    public String baseUrl() {
        return origin() + "/v1/";
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
        String thinkingProblem = thinking(body, raw);
        if (thinkingProblem != null) {
            return thinkingProblem;
        }
        String cacheProblem = cacheControl(body);
        if (cacheProblem != null) {
            return cacheProblem;
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

    /**
     * The API's thinking rules: the budget fits; every thinking block carries the signature this server gave
     * its text; with thinking on, the assistant turn of an open tool loop (the last user message holds only
     * tool results) starts with a thinking block; with thinking off, that turn carries none.
     */
    private String thinking(JsonNode body, JsonNode raw) {
        String thinkingType = body.path("thinking").path("type").asText();
        boolean enabled = thinkingType.equals("enabled") || thinkingType.equals("adaptive");
        if (body.path("thinking").path("type").asText().equals("disabled")
                && body.path("thinking").size() > 1) {
            return "thinking.disabled.budget_tokens: Extra inputs are not permitted";
        }
        if (thinkingType.equals("adaptive") && body.path("thinking").has("budget_tokens")) {
            return "thinking.adaptive.budget_tokens: Extra inputs are not permitted";
        }
        if (thinkingType.equals("enabled")) {
            int budget = body.path("thinking").path("budget_tokens").asInt(0);
            if (budget < 1024) {
                return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
            }
            if (body.path("max_tokens").asInt() <= budget) {
                return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation "
                        + "at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-"
                        + "window-size";
            }
        }
        for (int i = 0; i < raw.size(); i++) {
            List<JsonNode> blocks = blocks(raw.get(i).path("content"));
            for (int b = 0; b < blocks.size(); b++) {
                JsonNode block = blocks.get(b);
                if (!block.path("type").asText().equals("thinking")) {
                    continue;
                }
                if (!block.path("signature").isTextual()) {
                    return "messages." + i + ".content." + b + ".thinking.signature: Field required";
                }
                String text = block.path("thinking").asText("");
                if (!block.path("signature")
                                .asText()
                                .equals(sign(body.path("model").asText(), text))
                        || refusedThinking.contains(text)) {
                    return "messages." + i + ".content." + b + ": Invalid `signature` in `thinking` block";
                }
            }
        }
        // The open tool loop: the last message is the user's tool results, the one before it the assistant's.
        int last = raw.size() - 1;
        if (last < 1 || !raw.get(last).path("role").asText().equals("user")) {
            return null;
        }
        List<JsonNode> results = blocks(raw.get(last).path("content"));
        boolean onlyResults = !results.isEmpty()
                && results.stream().allMatch(b -> b.path("type").asText().equals("tool_result"));
        JsonNode turn = raw.get(last - 1);
        if (!onlyResults || !turn.path("role").asText().equals("assistant")) {
            return null;
        }
        List<JsonNode> blocks = blocks(turn.path("content"));
        if (enabled) {
            String first =
                    blocks.isEmpty() ? "none" : blocks.get(0).path("type").asText();
            if (!first.equals("thinking") && !first.equals("redacted_thinking")) {
                return "messages." + (last - 1) + ".content.0.type: " + String.format(THINKING_FIRST, first);
            }
        } else {
            for (int b = 0; b < blocks.size(); b++) {
                String type = blocks.get(b).path("type").asText();
                if (type.equals("thinking") || type.equals("redacted_thinking")) {
                    return "messages." + (last - 1) + ".content." + b + ": When thinking is disabled, an `assistant` "
                            + "message in the final position cannot contain `" + type + "`. To use thinking blocks, "
                            + "enable `thinking` in your request.";
                }
            }
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

    /** Minimum tokens of a prefix the cache keeps (the API's for Sonnet models); shorter ones are not cached. */
    public static final int CACHE_MINIMUM_TOKENS = 1024;

    /** Cached prefixes (by their text's hash) and when each expires. */
    private final Map<String, Instant> cache = new ConcurrentHashMap<>();

    /** One place a request marks with cache_control: where in the request, and the TTL it asks for. */
    private record Breakpoint(String at, int segment, String ttl) {}

    /**
     * The request's content in the order the API caches it (tools, system, then each message's blocks), each
     * segment without its cache_control (the mark is not content), and the breakpoints among them.
     */
    private static List<String> segments(JsonNode body, List<Breakpoint> breakpoints) {
        List<String> out = new ArrayList<>();
        java.util.function.BiConsumer<String, JsonNode> add = (at, node) -> {
            if (node.has("cache_control")) {
                JsonNode control = node.path("cache_control");
                breakpoints.add(new Breakpoint(
                        at,
                        out.size(),
                        control.path("ttl").isMissingNode()
                                ? ""
                                : control.path("ttl").asText()));
                ObjectNode copy = ((ObjectNode) node).deepCopy();
                copy.remove("cache_control");
                out.add(copy.toString());
            } else {
                out.add(node.toString());
            }
        };
        JsonNode tools = body.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            add.accept("tools." + i, tools.get(i));
        }
        JsonNode system = body.path("system");
        if (system.isTextual()) {
            out.add(system.toString());
        }
        for (int i = 0; system.isArray() && i < system.size(); i++) {
            add.accept("system." + i, system.get(i));
        }
        JsonNode messages = body.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).path("content");
            if (content.isTextual()) {
                out.add(messages.get(i).path("role").asText() + content);
            }
            for (int b = 0; content.isArray() && b < content.size(); b++) {
                add.accept("messages." + i + ".content." + b, content.get(b));
            }
        }
        return out;
    }

    /** The API's rules for cache_control: at most four, ephemeral, 5m or 1h, and no 1h after a 5m. */
    private static String cacheControl(JsonNode body) {
        List<Breakpoint> breakpoints = new ArrayList<>();
        segments(body, breakpoints);
        if (breakpoints.size() > 4) {
            return "A maximum of 4 blocks with cache_control may be provided. Found " + breakpoints.size() + ".";
        }
        String shortSeen = null;
        for (Breakpoint b : breakpoints) {
            JsonNode control = at(body, b.at()).path("cache_control");
            if (!control.path("type").asText().equals("ephemeral")) {
                return b.at() + ".cache_control.ephemeral.type: Input should be 'ephemeral'";
            }
            String ttl = b.ttl().isEmpty() ? "5m" : b.ttl();
            if (!ttl.equals("5m") && !ttl.equals("1h")) {
                return b.at() + ".cache_control.ephemeral.ttl: Input should be '5m' or '1h'";
            }
            if (ttl.equals("1h") && shortSeen != null) {
                return "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that "
                        + "blocks are processed in the following order: `tools`, `system`, `messages`.";
            }
            if (ttl.equals("5m")) {
                shortSeen = b.at();
            }
        }
        return null;
    }

    private static JsonNode at(JsonNode body, String path) {
        JsonNode node = body;
        for (String part : path.split("\\.")) {
            node = part.chars().allMatch(Character::isDigit) ? node.path(Integer.parseInt(part)) : node.path(part);
        }
        return node;
    }

    /**
     * What the cache does with a request, as the API reports it: the tokens read (the longest marked prefix
     * cached and alive) and written (the longest marked prefix, past what was read, when it is long enough).
     */
    private long[] cacheUse(JsonNode body) {
        List<Breakpoint> breakpoints = new ArrayList<>();
        List<String> segments = segments(body, breakpoints);
        long total = tokens(String.join("", segments));
        if (breakpoints.isEmpty()) {
            return new long[] {0, 0, total};
        }
        Instant now = Instant.now();
        long read = 0;
        long written = 0;
        for (Breakpoint b : breakpoints) {
            String prefix = String.join("", segments.subList(0, b.segment() + 1));
            long tokens = tokens(prefix);
            if (tokens < CACHE_MINIMUM_TOKENS) {
                continue;
            }
            String key = Integer.toHexString(prefix.hashCode()) + ":" + prefix.length();
            Duration ttl = b.ttl().equals("1h") ? Duration.ofHours(1) : Duration.ofMinutes(5);
            Instant expires = cache.get(key);
            if (expires != null && expires.isAfter(now)) {
                read = Math.max(read, tokens);
            } else {
                written = Math.max(written, tokens);
            }
            cache.put(key, now.plus(ttl));
        }
        written = Math.max(0, written - read);
        return new long[] {read, written, total};
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
        String thinkingType = request.path("thinking").path("type").asText();
        if (thinkingType.equals("enabled") || thinkingType.equals("adaptive")) {
            String thought = "Step " + n + ": what does the checklist ask, and what do the tools show?";
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", thought)
                    .put("signature", sign(request.path("model").asText(), thought));
        }
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
        long[] cached = cacheUse(request);
        boolean marked = cached[0] + cached[1] > 0 || request.toString().contains("\"cache_control\"");
        out.putObject("usage")
                // input_tokens is what was neither read from nor written to the cache, as the API counts it.
                .put(
                        "input_tokens",
                        marked
                                ? cached[2] - cached[0] - cached[1]
                                : tokens(request.path("messages").toString()))
                .put("cache_creation_input_tokens", cached[1])
                .put("cache_read_input_tokens", cached[0])
                .put("output_tokens", tokens(produced));
        return out.toString();
    }
}
