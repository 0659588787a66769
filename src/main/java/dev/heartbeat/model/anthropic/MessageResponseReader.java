package dev.heartbeat.model.anthropic;

import static dev.heartbeat.model.wire.TreeFields.field;
import static dev.heartbeat.model.wire.TreeFields.integer;
import static dev.heartbeat.model.wire.TreeFields.list;
import static dev.heartbeat.model.wire.TreeFields.object;
import static dev.heartbeat.model.wire.TreeFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.model.wire.Decline;
import dev.heartbeat.support.Json;
import dev.langchain4j.model.anthropic.internal.api.AnthropicContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageResponse;
import dev.langchain4j.model.anthropic.internal.api.AnthropicUsage;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads Anthropic's message answer into LangChain4j's {@link AnthropicCreateMessageResponse} from the streaming
 * parser's tree ({@link Json#tree}), as its client's databind mapper reads it (compared under the crosscheck): the
 * same public fields, unknown ones skipped, a tool call's input as the plain maps and lists the mapper makes.
 *
 * <p>It <em>declines</em> (an empty result) what it would have to convert or might read differently — a field of
 * another JSON type than expected, a number past an {@code int} where one is expected, diagnostics — and {@link
 * LeanAnthropicClient} reads that answer with the mapper.
 */
final class MessageResponseReader {
    private MessageResponseReader() {}

    /**
     * The answer, or empty where this reader declines it — a body that is not JSON too, so that the caller gets
     * the mapper's error for it, the one LangChain4j's client gives.
     */
    static Optional<AnthropicCreateMessageResponse> read(String body) {
        try {
            return Optional.of(response(object(Json.tree(body))));
        } catch (Decline | UncheckedIOException d) {
            return Optional.empty();
        }
    }

    private static AnthropicCreateMessageResponse response(JsonNode root) {
        if (field(root, "diagnostics") != null) {
            throw Decline.INSTANCE;
        }
        AnthropicCreateMessageResponse r = new AnthropicCreateMessageResponse();
        r.id = text(root, "id");
        r.type = text(root, "type");
        r.role = text(root, "role");
        JsonNode content = field(root, "content");
        if (content != null) {
            r.content = list(content, MessageResponseReader::content);
        }
        r.model = text(root, "model");
        r.stopReason = text(root, "stop_reason");
        r.stopSequence = text(root, "stop_sequence");
        JsonNode usage = field(root, "usage");
        if (usage != null) {
            object(usage);
            AnthropicUsage u = new AnthropicUsage();
            u.inputTokens = integer(usage, "input_tokens");
            u.outputTokens = integer(usage, "output_tokens");
            u.cacheCreationInputTokens = integer(usage, "cache_creation_input_tokens");
            u.cacheReadInputTokens = integer(usage, "cache_read_input_tokens");
            r.usage = u;
        }
        return r;
    }

    private static AnthropicContent content(JsonNode node) {
        JsonNode block = object(node);
        AnthropicContent c = new AnthropicContent();
        c.type = text(block, "type");
        c.text = text(block, "text");
        c.id = text(block, "id");
        c.name = text(block, "name");
        JsonNode input = field(block, "input");
        if (input != null) {
            if (!input.isObject()) {
                throw Decline.INSTANCE;
            }
            @SuppressWarnings("unchecked") // an object node reads as a map
            Map<String, Object> map = (Map<String, Object>) plain(input);
            c.input = map;
        }
        c.thinking = text(block, "thinking");
        c.signature = text(block, "signature");
        c.data = text(block, "data");
        c.toolUseId = text(block, "tool_use_id");
        JsonNode content = field(block, "content");
        c.content = content == null ? null : plain(content);
        return c;
    }

    /** A value as the mapper reads one into {@code Object}: maps, lists, text, Integer/Long/BigInteger, Double. */
    private static @Nullable Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, @Nullable Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<@Nullable Object> list = new ArrayList<>();
            for (JsonNode item : node) {
                list.add(plain(item));
            }
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToInt()
                    ? (Object) node.intValue()
                    : node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isFloatingPointNumber()) {
            return node.doubleValue();
        }
        if (node.isNull()) {
            return null;
        }
        throw Decline.INSTANCE;
    }
}
