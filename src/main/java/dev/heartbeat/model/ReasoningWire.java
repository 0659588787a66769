package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reasoning to and from LangChain4j's {@link AiMessage}: its thinking text, and the attributes its Anthropic
 * mapper reads and writes ({@value #SIGNATURE}, {@value #REDACTED}). LangChain4j carries one thinking block per
 * message (several are joined into one text), so a turn goes back with its first signed block and all of its
 * redacted ones.
 */
final class ReasoningWire {
    static final String SIGNATURE = "thinking_signature";
    static final String REDACTED = "redacted_thinking";

    private ReasoningWire() {}

    /** The name a turn's model goes by in the store: {@code provider/model}. */
    static String modelId(ModelConfig settings) {
        return settings.provider().wire() + "/" + settings.name();
    }

    /**
     * The model whose own reasoning goes back to it in requests, or null: only Anthropic with thinking on
     * takes it (with thinking off it refuses a final assistant turn that carries any).
     */
    static @Nullable String sendsBackTo(ModelConfig settings) {
        return settings.provider() == Provider.ANTHROPIC && settings.thinking() != null ? modelId(settings) : null;
    }

    /** What a reply carried: Anthropic's signed and redacted thinking, or another server's reasoning text. */
    static List<Reasoning> from(AiMessage ai, Provider provider) {
        List<Reasoning> out = new ArrayList<>();
        String text = ai.thinking();
        String signature = ai.attribute(SIGNATURE, String.class);
        if (provider == Provider.ANTHROPIC) {
            if (text != null || signature != null) {
                out.add(new Reasoning.Thinking(text == null ? "" : text, signature));
            }
            List<?> redacted = ai.attribute(REDACTED, List.class);
            if (redacted != null) {
                for (Object data : redacted) {
                    out.add(new Reasoning.RedactedThinking(String.valueOf(data)));
                }
            }
        } else if (text != null && !text.isEmpty()) {
            out.add(new Reasoning.ReasoningContent(text));
        }
        return out;
    }

    /**
     * Whether this request must go with thinking off: thinking is on, and the assistant turn of the open tool
     * loop (the request ends with tool results) has no thinking this model made — it was lost, or another model
     * (a fallback) made the turn. Anthropic refuses that request ("When `thinking` is enabled, a final
     * `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and
     * `tool_result` blocks) ... To avoid this requirement, disable `thinking`", and its extended-thinking guide:
     * thinking cannot be toggled within an assistant turn, tool loop included). So that one request goes to the
     * same model with thinking off (no {@code thinking} in the request); the next turn thinks again.
     */
    static boolean openLoopWithoutThinking(List<Message> messages, @Nullable String to) {
        if (to == null || messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof ToolResultMessage)) {
            return false;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof AssistantMessage a) {
                return atBlock(a, 0, to) == null;
            }
        }
        return false;
    }

    /**
     * The reasoning block a provider's {@code content.M} names in the wire message {@link #toAi} made of
     * {@code a}: LangChain4j writes the thinking block first, then the redacted ones, then text and tool use.
     */
    static @Nullable Reasoning atBlock(AssistantMessage a, int block, @Nullable String to) {
        if (to == null || !to.equals(a.model())) {
            return null;
        }
        List<Reasoning> sent = new ArrayList<>();
        a.reasoning().stream()
                .filter(r -> r instanceof Reasoning.Thinking t && t.valid())
                .findFirst()
                .ifPresent(sent::add);
        a.reasoning().stream()
                .filter(Reasoning.RedactedThinking.class::isInstance)
                .forEach(sent::add);
        return block >= 0 && block < sent.size() ? sent.get(block) : null;
    }

    /**
     * The wire message for a stored turn. Its reasoning goes along only to the model that produced it
     * ({@code to}); a block another model signed would be refused, and reasoning text is never sent.
     */
    static AiMessage toAi(AssistantMessage a, List<ToolExecutionRequest> requests, @Nullable String to) {
        AiMessage.Builder b = AiMessage.builder();
        if (!a.text().isBlank()) {
            b.text(a.text());
        }
        if (!requests.isEmpty()) {
            b.toolExecutionRequests(requests);
        }
        if (to != null && to.equals(a.model())) {
            Map<String, Object> attributes = new HashMap<>();
            List<String> redacted = new ArrayList<>();
            for (Reasoning r : a.reasoning()) {
                if (r instanceof Reasoning.Thinking t && t.valid() && !attributes.containsKey(SIGNATURE)) {
                    b.thinking(String.valueOf(t.thinking()));
                    attributes.put(SIGNATURE, String.valueOf(t.signature()));
                } else if (r instanceof Reasoning.RedactedThinking d) {
                    redacted.add(d.data());
                }
            }
            if (!redacted.isEmpty()) {
                attributes.put(REDACTED, redacted);
            }
            b.attributes(attributes);
        }
        return b.build();
    }
}
