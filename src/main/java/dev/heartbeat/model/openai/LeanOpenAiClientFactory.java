package dev.heartbeat.model.openai;

import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.spi.OpenAiClientBuilderFactory;

/**
 * LangChain4j's service for the OpenAI client its models build (named in
 * {@code META-INF/services/dev.langchain4j.model.openai.internal.spi.OpenAiClientBuilderFactory}):
 * every {@code OpenAiChatModel} of this process gets a {@link LeanOpenAiClient}.
 */
public final class LeanOpenAiClientFactory implements OpenAiClientBuilderFactory {
    @Override
    @SuppressWarnings("rawtypes") // the service's type is the raw builder
    public OpenAiClient.Builder get() {
        return new LeanOpenAiClient.Builder();
    }
}
