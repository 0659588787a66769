package dev.heartbeat.model.anthropic;

import dev.langchain4j.model.anthropic.internal.client.AnthropicClient;
import dev.langchain4j.model.anthropic.internal.client.AnthropicClientBuilderFactory;

/**
 * LangChain4j's service for the Anthropic client its models build (named in
 * {@code META-INF/services/dev.langchain4j.model.anthropic.internal.client.AnthropicClientBuilderFactory}):
 * every {@code AnthropicChatModel} of this process gets a {@link LeanAnthropicClient}.
 */
public final class LeanAnthropicClientFactory implements AnthropicClientBuilderFactory {
    @Override
    @SuppressWarnings("rawtypes") // the service's type is the raw builder
    public AnthropicClient.Builder get() {
        return new LeanAnthropicClient.Builder();
    }
}
