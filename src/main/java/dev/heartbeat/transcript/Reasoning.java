package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;

/**
 * What a model thought before it answered, as the provider sent it: kept exactly (a signed block that is
 * changed by one byte is rejected by the provider), sent back to the model that made it, never shown as the
 * answer. Its JSON is the provider's block: {@code {"type":"thinking","thinking":..,"signature":..}} or
 * {@code {"type":"redacted_thinking","data":..}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Reasoning.Thinking.class, name = "thinking"),
    @JsonSubTypes.Type(value = Reasoning.RedactedThinking.class, name = "redacted_thinking"),
    @JsonSubTypes.Type(value = Reasoning.ReasoningContent.class, name = "reasoning_content")
})
public sealed interface Reasoning {

    /**
     * A thinking block. {@code signature} proves to the provider that the text is the one it produced; a block
     * without one cannot be sent back. The text may be empty (newer models send only the signature).
     * {@code misplaced}: an imported history had it after text or tool use, where the API refuses it; a
     * repair puts it first (as every turn is sent) and clears the mark.
     */
    record Thinking(
            @Nullable String thinking,
            @Nullable String signature,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean misplaced)
            implements Reasoning {
        public Thinking(@Nullable String thinking, @Nullable String signature) {
            this(thinking, signature, false);
        }

        /** The same block in its place: first in its turn. */
        public Thinking inPlace() {
            return new Thinking(thinking, signature, false);
        }

        /** Whether it carries a non-empty signature. */
        public boolean signed() {
            return signature != null && !signature.isBlank();
        }

        /**
         * Whether the provider would take this block back: a text (which may be empty: newer models send only
         * the signature) and a non-empty signature. Anything else is refused with a 400.
         */
        public boolean valid() {
            return thinking != null && signed();
        }
    }

    /** Thinking the provider encrypted: opaque {@code data}, sent back as it came. */
    record RedactedThinking(String data) implements Reasoning {
        public RedactedThinking {
            data = data == null ? "" : data;
        }
    }

    /**
     * An OpenAI-compatible server's {@code reasoning_content} (vLLM, DeepSeek): kept for the record, never sent
     * back (those APIs refuse it in a request).
     */
    record ReasoningContent(String text) implements Reasoning {
        public ReasoningContent {
            text = text == null ? "" : text;
        }
    }
}
