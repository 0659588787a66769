package dev.heartbeat.model.openai;

import static dev.heartbeat.model.wire.TreeFields.field;
import static dev.heartbeat.model.wire.TreeFields.integer;
import static dev.heartbeat.model.wire.TreeFields.list;
import static dev.heartbeat.model.wire.TreeFields.object;
import static dev.heartbeat.model.wire.TreeFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.model.wire.Decline;
import dev.heartbeat.support.Json;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionChoice;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.chat.FunctionCall;
import dev.langchain4j.model.openai.internal.chat.ToolCall;
import dev.langchain4j.model.openai.internal.shared.CompletionTokensDetails;
import dev.langchain4j.model.openai.internal.shared.PromptTokensDetails;
import dev.langchain4j.model.openai.internal.shared.Usage;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenAI's chat completion answer into LangChain4j's {@link ChatCompletionResponse} from the streaming
 * parser's tree ({@link Json#tree}), as its client's databind mapper reads it (compared under the crosscheck): the
 * same fields, unknown ones skipped. Why: that mapper builds a deserializer for each answer class on its first
 * answer, which a fresh JVM pays on every {@code --once}.
 *
 * <p>It <em>declines</em> (an empty result) what it would have to convert or might read differently — a field of
 * another JSON type than the one expected, a number that does not fit, a streaming delta, log probabilities (never
 * asked for) — and {@link LeanOpenAiClient} reads that answer with the mapper.
 */
final class ChatResponseReader {
    private ChatResponseReader() {}

    /**
     * The answer, or empty where this reader declines it — a body that is not JSON too, so that the caller gets
     * the mapper's error for it, the one LangChain4j's client gives.
     */
    static Optional<ChatCompletionResponse> read(String body) {
        try {
            return Optional.of(response(Json.tree(body)));
        } catch (Decline | UncheckedIOException d) {
            return Optional.empty();
        }
    }

    private static ChatCompletionResponse response(JsonNode answer) {
        JsonNode root = object(answer);
        ChatCompletionResponse.Builder b = ChatCompletionResponse.builder()
                .id(text(root, "id"))
                .created(whole(root, "created"))
                .model(text(root, "model"))
                .systemFingerprint(text(root, "system_fingerprint"))
                .serviceTier(text(root, "service_tier"));
        JsonNode choices = field(root, "choices");
        if (choices != null) {
            b.choices(list(choices, ChatResponseReader::choice));
        }
        JsonNode usage = field(root, "usage");
        if (usage != null) {
            b.usage(usage(usage));
        }
        return b.build();
    }

    private static ChatCompletionChoice choice(JsonNode choice) {
        if (field(object(choice), "delta") != null || field(choice, "logprobs") != null) {
            throw Decline.INSTANCE;
        }
        ChatCompletionChoice.Builder b = ChatCompletionChoice.builder()
                .index(integer(choice, "index"))
                .finishReason(text(choice, "finish_reason"));
        JsonNode message = field(choice, "message");
        if (message != null) {
            b.message(message(message));
        }
        return b.build();
    }

    private static AssistantMessage message(JsonNode m) {
        if (field(object(m), "function_call") != null) {
            throw Decline.INSTANCE;
        }
        AssistantMessage.Builder b = AssistantMessage.builder()
                .content(text(m, "content"))
                .reasoningContent(text(m, "reasoning_content"))
                .name(text(m, "name"))
                .refusal(text(m, "refusal"));
        JsonNode calls = field(m, "tool_calls");
        if (calls != null) {
            b.toolCalls(list(calls, ChatResponseReader::toolCall));
        }
        return b.build();
    }

    private static ToolCall toolCall(JsonNode call) {
        ToolCall.Builder b = ToolCall.builder().id(text(object(call), "id")).index(integer(call, "index"));
        String type = text(call, "type");
        if (type != null) {
            b.type(type);
        }
        JsonNode function = field(call, "function");
        if (function != null) {
            b.function(FunctionCall.builder()
                    .name(text(object(function), "name"))
                    .arguments(text(function, "arguments"))
                    .build());
        }
        return b.build();
    }

    private static Usage usage(JsonNode usage) {
        Usage.Builder b = Usage.builder()
                .totalTokens(integer(object(usage), "total_tokens"))
                .promptTokens(integer(usage, "prompt_tokens"))
                .completionTokens(integer(usage, "completion_tokens"));
        JsonNode prompt = field(usage, "prompt_tokens_details");
        if (prompt != null) {
            b.promptTokensDetails(PromptTokensDetails.builder()
                    .cachedTokens(integer(object(prompt), "cached_tokens"))
                    .build());
        }
        JsonNode completion = field(usage, "completion_tokens_details");
        if (completion != null) {
            b.completionTokensDetails(CompletionTokensDetails.builder()
                    .reasoningTokens(integer(object(completion), "reasoning_tokens"))
                    .build());
        }
        return b.build();
    }

    private static @Nullable Long whole(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (value == null) {
            return null;
        }
        if (!value.isInt() && !value.isLong()) {
            throw Decline.INSTANCE;
        }
        return value.longValue();
    }
}
