package dev.heartbeat.repair;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.heartbeat.config.Provider;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Attachment;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the tokens a message costs with a provider. OpenAI: the o200k_base tokenizer its current
 * models use (jtokkit). Anthropic and Ollama publish no Java tokenizer: cl100k_base counts scaled by
 * a factor, rounded up, which errs on the side of sending less.
 */
public final class TokenEstimator {
    /** Role markers and separators each message adds on the wire. */
    private static final int PER_MESSAGE = 4;

    private static final int IMAGE_TOKENS = 1_600;

    private final EncodingType type;
    private final double factor;

    /** Loading an encoding reads its whole BPE table: once per process, and only when something is counted. */
    private static final Map<EncodingType, Encoding> ENCODINGS = new ConcurrentHashMap<>();

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenEstimator(EncodingType type, double factor) {
        this.type = type;
        this.factor = factor;
    }

    public static TokenEstimator forProvider(Provider provider) {
        return switch (provider) {
            case OPENAI -> new TokenEstimator(EncodingType.O200K_BASE, 1.0);
            // Claude's tokenizer yields more tokens than cl100k for the same English text.
            case ANTHROPIC -> new TokenEstimator(EncodingType.CL100K_BASE, 1.2);
            case OLLAMA -> new TokenEstimator(EncodingType.CL100K_BASE, 1.1);
        };
    }

    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        Encoding encoding = ENCODINGS.computeIfAbsent(type, REGISTRY::getEncoding);
        return (int) Math.ceil(encoding.countTokensOrdinary(text) * factor);
    }

    public int count(Message m) {
        int tokens = PER_MESSAGE;
        if (m instanceof AssistantMessage a) {
            tokens += count(a.text());
            for (ToolCall c : a.toolCalls()) {
                tokens += count(c.name()) + count(c.arguments()) + PER_MESSAGE;
            }
            // Thinking that goes back with the turn is read as input too (an upper bound: only the turn's own
            // model gets it).
            for (Reasoning r : a.reasoning()) {
                if (r instanceof Reasoning.Thinking t && t.thinking() != null) {
                    tokens += count(t.thinking());
                }
            }
        } else if (m instanceof ToolResultMessage t) {
            tokens += count(t.text());
        } else if (m instanceof UserMessage u) {
            tokens += count(u.text());
            for (Attachment a : u.attachments()) {
                // An image costs about what a 1,000-pixel picture does; a document about its size in text.
                tokens += a.kind().equals("image") ? IMAGE_TOKENS : a.size() / 4;
            }
        } else {
            tokens += count(((SystemMessage) m).text());
        }
        return tokens;
    }
}
