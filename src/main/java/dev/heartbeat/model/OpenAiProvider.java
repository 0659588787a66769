package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.jspecify.annotations.Nullable;

/** {@code provider: openai}, and any server speaking OpenAI's chat completions API at {@code base-url}. */
final class OpenAiProvider implements ModelProvider {
    @Override
    public String defaultBaseUrl() {
        return "https://api.openai.com/v1";
    }

    @Override
    public ChatModel chatModel(ModelConfig m, String baseUrl, HttpClientBuilder http, @Nullable String key) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(baseUrl)
                .apiKey(key != null ? key : "none")
                .modelName(m.name())
                .temperature(m.temperature())
                .maxCompletionTokens(m.maxTokens())
                .timeout(m.timeout())
                .maxRetries(0)
                // reasoning_content from OpenAI-compatible servers is kept; it is never sent back.
                .returnThinking(true);
        ModelConfig.Thinking thinking = m.thinking();
        if (thinking != null && thinking.effort() != null) {
            b.reasoningEffort(thinking.effort());
        }
        return b.build();
    }
}
