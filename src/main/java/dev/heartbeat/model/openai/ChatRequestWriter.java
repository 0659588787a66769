package dev.heartbeat.model.openai;

import static dev.heartbeat.model.wire.PlainValues.empty;
import static dev.heartbeat.model.wire.PlainValues.filled;
import static dev.heartbeat.model.wire.PlainValues.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.heartbeat.model.wire.Decline;
import dev.heartbeat.model.wire.PlainValues;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.Content;
import dev.langchain4j.model.openai.internal.chat.ContentType;
import dev.langchain4j.model.openai.internal.chat.Function;
import dev.langchain4j.model.openai.internal.chat.ImageUrl;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.chat.SystemMessage;
import dev.langchain4j.model.openai.internal.chat.Tool;
import dev.langchain4j.model.openai.internal.chat.ToolCall;
import dev.langchain4j.model.openai.internal.chat.ToolChoiceMode;
import dev.langchain4j.model.openai.internal.chat.ToolMessage;
import dev.langchain4j.model.openai.internal.chat.UserMessage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes LangChain4j's {@link ChatCompletionRequest} as the JSON its OpenAI client sends — the same document its
 * databind mapper writes (compared as trees under the crosscheck; the layout is compact instead of indented) — with
 * Jackson's streaming generator.
 *
 * <p>Why: the client's mapper is a static field of its own, started on the first request and introspecting each
 * request class (annotations, builders, a serializer per type): in a fresh JVM that was a fifth of a cold
 * {@code --once}'s main thread, more than the rest of the beat's JSON together.
 *
 * <p>It writes the shapes the agent sends: system, user (text, or text and image parts), assistant (text,
 * reasoning, tool calls) and tool messages; function tools with JSON-schema parameters; a tool-choice mode; and the
 * request's scalar settings. Anything else — the deprecated functions, a response format, stream options, audio,
 * files, video, a named tool choice, a value of a type it does not know — makes it <em>decline</em> (an empty
 * result), and LangChain4j's own client sends the request.
 */
final class ChatRequestWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private ChatRequestWriter() {}

    /** The request's JSON, or empty where this writer declines it. */
    static Optional<String> write(ChatCompletionRequest r) {
        if (r.streamOptions() != null
                || r.responseFormat() != null
                || r.functions() != null
                || r.functionCall() != null) {
            return Optional.empty();
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            // The request class leaves out empty values (null, "", [], {}), its messages only nulls.
            filled(g, "model", r.model());
            if (r.messages() != null && !r.messages().isEmpty()) {
                g.writeArrayFieldStart("messages");
                for (Message m : r.messages()) {
                    message(g, m);
                }
                g.writeEndArray();
            }
            filled(g, "temperature", r.temperature());
            filled(g, "top_p", r.topP());
            filled(g, "n", r.n());
            filled(g, "stream", r.stream());
            filled(g, "stop", r.stop());
            filled(g, "max_tokens", r.maxTokens());
            filled(g, "max_completion_tokens", r.maxCompletionTokens());
            filled(g, "presence_penalty", r.presencePenalty());
            filled(g, "frequency_penalty", r.frequencyPenalty());
            filled(g, "logit_bias", r.logitBias());
            filled(g, "user", r.user());
            filled(g, "seed", r.seed());
            if (r.tools() != null && !r.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (Tool t : r.tools()) {
                    tool(g, t);
                }
                g.writeEndArray();
            }
            toolChoice(g, r.toolChoice());
            filled(g, "parallel_tool_calls", r.parallelToolCalls());
            filled(g, "store", r.store());
            filled(g, "metadata", r.metadata());
            filled(g, "reasoning_effort", r.reasoningEffort());
            filled(g, "service_tier", r.serviceTier());
            filled(g, "logprobs", r.logprobs());
            filled(g, "top_logprobs", r.topLogprobs());
            anyProperties(g, r.customParameters());
            g.writeEndObject();
        } catch (Decline d) {
            return Optional.empty();
        } catch (IOException e) { // a StringWriter does not fail; the generator's signature says it might
            throw new UncheckedIOException(e);
        }
        return Optional.of(out.toString());
    }

    private static void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        if (m instanceof SystemMessage s) {
            role(g, s.role());
            text(g, "content", s.content());
            text(g, "name", s.name());
        } else if (m instanceof UserMessage u) {
            role(g, u.role());
            if (u.content() instanceof List<?> parts) {
                g.writeArrayFieldStart("content");
                for (Object part : parts) {
                    if (!(part instanceof Content c)) {
                        throw Decline.INSTANCE;
                    }
                    content(g, c);
                }
                g.writeEndArray();
            } else {
                value(g, "content", u.content());
            }
            text(g, "name", u.name());
        } else if (m instanceof AssistantMessage a) {
            if (a.functionCall() != null) {
                throw Decline.INSTANCE;
            }
            role(g, a.role());
            text(g, "content", a.content());
            text(g, "reasoning_content", a.reasoningContent());
            text(g, "name", a.name());
            if (a.toolCalls() != null) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall call : a.toolCalls()) {
                    toolCall(g, call);
                }
                g.writeEndArray();
            }
            text(g, "refusal", a.refusal());
            anyProperties(g, a.customParameters());
        } else if (m instanceof ToolMessage t) {
            role(g, t.role());
            text(g, "tool_call_id", t.toolCallId());
            text(g, "content", t.content());
        } else {
            throw Decline.INSTANCE; // a FunctionMessage, or a kind this writer has not seen
        }
        g.writeEndObject();
    }

    private static void content(JsonGenerator g, Content c) throws IOException {
        // Text and image parts only: the other kinds' JSON names are not their enum names (AUDIO is input_audio).
        if (c.type() != ContentType.TEXT && c.type() != ContentType.IMAGE_URL
                || c.inputImageUrl() != null
                || c.videoUrl() != null
                || c.inputAudio() != null
                || c.file() != null) {
            throw Decline.INSTANCE;
        }
        g.writeStartObject();
        g.writeStringField("type", lower(c.type()));
        text(g, "text", c.text());
        ImageUrl image = c.imageUrl();
        if (image != null) {
            g.writeObjectFieldStart("image_url");
            text(g, "url", image.getUrl());
            if (image.getDetail() != null) {
                g.writeStringField("detail", lower(image.getDetail()));
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void toolCall(JsonGenerator g, ToolCall call) throws IOException {
        g.writeStartObject();
        text(g, "id", call.id());
        value(g, "index", call.index());
        if (call.type() != null) {
            g.writeStringField("type", lower(call.type()));
        }
        if (call.function() != null) {
            g.writeObjectFieldStart("function");
            text(g, "name", call.function().name());
            text(g, "arguments", call.function().arguments());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void tool(JsonGenerator g, Tool t) throws IOException {
        g.writeStartObject();
        if (t.type() != null) {
            g.writeStringField("type", lower(t.type()));
        }
        Function f = t.function();
        if (f != null) {
            g.writeObjectFieldStart("function");
            text(g, "name", f.name());
            text(g, "description", f.description());
            value(g, "strict", f.strict());
            value(g, "parameters", f.parameters());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A mode ("auto", "required", "none") is written; a named tool to call is left to LangChain4j. */
    private static void toolChoice(JsonGenerator g, @Nullable Object choice) throws IOException {
        if (choice == null) {
            return;
        }
        if (!(choice instanceof ToolChoiceMode mode)) {
            throw Decline.INSTANCE;
        }
        g.writeStringField("tool_choice", lower(mode));
    }

    private static void role(JsonGenerator g, @Nullable Enum<?> role) throws IOException {
        if (role != null) {
            g.writeStringField("role", lower(role));
        }
    }

    /** LangChain4j's enums are written as their lower-case names ({@code IMAGE_URL} as {@code image_url}). */
    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static void text(JsonGenerator g, String name, @Nullable String text) throws IOException {
        if (text != null) {
            g.writeStringField(name, text);
        }
    }

    /**
     * The {@code customParameters} written as properties of the object they belong to (an any-getter). An empty
     * value among them is declined: whether the mapper writes it depends on the inclusion rules of each class.
     */
    private static void anyProperties(JsonGenerator g, @Nullable Map<String, ?> properties) throws IOException {
        if (properties != null) {
            for (Map.Entry<String, ?> e : properties.entrySet()) {
                if (empty(e.getValue())) {
                    throw Decline.INSTANCE;
                }
                g.writeFieldName(e.getKey());
                PlainValues.write(g, e.getValue());
            }
        }
    }
}
