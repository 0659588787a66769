package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.anthropic.internal.mapper.AnthropicMapper;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which of a request's messages a provider's 400 names. Anthropic's errors start with the path of what they
 * refuse ({@code messages.3.content.0: Invalid `signature` in `thinking` block}); its message numbers count
 * the wire messages, in which LangChain4j joins consecutive tool results into one user message, so the number
 * is mapped back through the same mapper.
 */
final class RejectedPart {
    private static final Pattern PATH = Pattern.compile("messages\\.(\\d+)\\.content\\.(\\d+)");

    private RejectedPart() {}

    static Optional<ModelFailure.Rejected> of(
            ModelConfig settings,
            List<Message> messages,
            List<ChatMessage> wire,
            String error,
            @Nullable String sendsBackTo) {
        Matcher m = PATH.matcher(error);
        if (settings.provider() != Provider.ANTHROPIC || !m.find()) {
            return Optional.empty();
        }
        int wireIndex = Integer.parseInt(m.group(1));
        int block = Integer.parseInt(m.group(2));
        List<ChatMessage> conversation =
                wire.stream().filter(c -> !(c instanceof SystemMessage)).toList();
        if (conversation.size() != messages.size()) {
            return Optional.empty();
        }
        for (int k = 0; k < conversation.size(); k++) {
            if (AnthropicMapper.toAnthropicMessages(conversation.subList(0, k + 1))
                                    .size()
                            - 1
                    == wireIndex) {
                Message named = messages.get(k);
                return Optional.of(new ModelFailure.Rejected(
                        k,
                        named instanceof AssistantMessage a ? ReasoningWire.atBlock(a, block, sendsBackTo) : null,
                        error));
            }
        }
        return Optional.empty();
    }
}
