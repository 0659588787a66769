package dev.heartbeat.model.anthropic;

import static dev.heartbeat.model.wire.PlainValues.filled;
import static dev.heartbeat.model.wire.PlainValues.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.heartbeat.model.wire.Decline;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCacheControl;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageRequest;
import dev.langchain4j.model.anthropic.internal.api.AnthropicMessage;
import dev.langchain4j.model.anthropic.internal.api.AnthropicMessageContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicTextContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicTool;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolResultContent;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolSchema;
import dev.langchain4j.model.anthropic.internal.api.AnthropicToolUseContent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes LangChain4j's {@link AnthropicCreateMessageRequest} as the JSON its Anthropic client sends — the document
 * its databind mapper writes (compared as trees under the crosscheck; compact instead of indented) — with Jackson's
 * streaming generator. Why: that mapper is a static field of LangChain4j's client, started on the first request
 * with a serializer built for each request class; a cold quiet beat against Anthropic paid ~190 ms of CPU for it.
 *
 * <p>It writes what a beat sends: the model, system blocks, user and assistant messages of text, tool calls and
 * tool results (as text), tools with a JSON schema, cache marks and the scalar settings. Anything else — extended
 * thinking, a tool choice, images, documents, metadata, output settings, a container, custom parameters — makes it
 * <em>decline</em> (an empty result), and LangChain4j's own client sends the request.
 */
final class MessageRequestWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private MessageRequestWriter() {}

    /** The request's JSON, or empty where this writer declines it. */
    static Optional<String> write(AnthropicCreateMessageRequest r) {
        if (r.getToolChoice() != null
                || r.getThinking() != null
                || r.getMetadata() != null
                || r.outputConfig != null
                || r.container != null
                || r.diagnostics != null
                || r.customParameters != null && !r.customParameters.isEmpty()) {
            return Optional.empty();
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            // The request class leaves out empty values (null, "", [], {}); its parts leave out nulls.
            filled(g, "model", r.getModel());
            if (r.getMessages() != null && !r.getMessages().isEmpty()) {
                g.writeArrayFieldStart("messages");
                for (AnthropicMessage m : r.getMessages()) {
                    message(g, m);
                }
                g.writeEndArray();
            }
            if (r.getSystem() != null && !r.getSystem().isEmpty()) {
                g.writeArrayFieldStart("system");
                for (AnthropicTextContent block : r.getSystem()) {
                    content(g, block);
                }
                g.writeEndArray();
            }
            g.writeNumberField("max_tokens", r.getMaxTokens());
            filled(g, "stop_sequences", r.getStopSequences());
            g.writeBooleanField("stream", r.isStream());
            filled(g, "temperature", r.getTemperature());
            filled(g, "top_p", r.getTopP());
            filled(g, "top_k", r.getTopK());
            if (r.getTools() != null && !r.getTools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (AnthropicTool tool : r.getTools()) {
                    tool(g, tool);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (Decline d) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return Optional.of(out.toString());
    }

    private static void message(JsonGenerator g, AnthropicMessage m) throws IOException {
        if (m.role == null) {
            throw Decline.INSTANCE;
        }
        g.writeStartObject();
        g.writeStringField("role", m.role.serialize());
        if (m.content != null) {
            g.writeArrayFieldStart("content");
            for (AnthropicMessageContent c : m.content) {
                content(g, c);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A block of a message or of the system prompt; its class decides its fields, as for the mapper. */
    private static void content(JsonGenerator g, AnthropicMessageContent c) throws IOException {
        g.writeStartObject();
        value(g, "type", c.type);
        if (c.getClass() == AnthropicTextContent.class) {
            value(g, "text", ((AnthropicTextContent) c).text);
        } else if (c.getClass() == AnthropicToolUseContent.class) {
            AnthropicToolUseContent use = (AnthropicToolUseContent) c;
            value(g, "id", use.id);
            value(g, "name", use.name);
            if (use.input != null) {
                g.writeFieldName("input");
                g.writeRawValue(use.input); // the call's arguments, JSON already (a raw value for the mapper too)
            }
        } else if (c.getClass() == AnthropicToolResultContent.class) {
            AnthropicToolResultContent result = (AnthropicToolResultContent) c;
            value(g, "tool_use_id", result.toolUseId);
            if (result.content != null && !(result.content instanceof String)) {
                throw Decline.INSTANCE; // blocks of a result (images): the mapper's
            }
            value(g, "content", result.content);
            value(g, "is_error", result.isError);
        } else {
            throw Decline.INSTANCE; // thinking, images, documents: LangChain4j's client writes them
        }
        cacheControl(g, c.cacheControl);
        g.writeEndObject();
    }

    private static void cacheControl(JsonGenerator g, @Nullable AnthropicCacheControl control) throws IOException {
        if (control != null) {
            g.writeObjectFieldStart("cache_control");
            value(g, "type", control.getType());
            g.writeEndObject();
        }
    }

    private static void tool(JsonGenerator g, AnthropicTool tool) throws IOException {
        if (tool.customParameters != null && !tool.customParameters.isEmpty()) {
            throw Decline.INSTANCE;
        }
        g.writeStartObject();
        value(g, "name", tool.name);
        value(g, "description", tool.description);
        AnthropicToolSchema schema = tool.inputSchema;
        if (schema != null) {
            g.writeObjectFieldStart("input_schema");
            value(g, "type", schema.type);
            value(g, "properties", schema.properties);
            value(g, "required", schema.required);
            value(g, "additionalProperties", schema.additionalProperties);
            value(g, "$defs", schema.defs);
            g.writeEndObject();
        }
        cacheControl(g, tool.cacheControl);
        value(g, "strict", tool.strict);
        g.writeEndObject();
    }
}
