package dev.heartbeat.model.anthropic;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.model.wire.Lazy;
import dev.heartbeat.model.wire.LeanHttp;
import dev.heartbeat.model.wire.MapperSide;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCountTokensRequest;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageRequest;
import dev.langchain4j.model.anthropic.internal.api.AnthropicCreateMessageResponse;
import dev.langchain4j.model.anthropic.internal.api.AnthropicModelsListResponse;
import dev.langchain4j.model.anthropic.internal.api.MessageTokenCountResponse;
import dev.langchain4j.model.anthropic.internal.client.AnthropicClient;
import dev.langchain4j.model.anthropic.internal.client.AnthropicCreateMessageOptions;
import dev.langchain4j.model.anthropic.internal.client.DefaultAnthropicClient;
import dev.langchain4j.model.anthropic.internal.client.ParsedAndRawResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's Anthropic client ({@code AnthropicChatModel} builds it through {@link LeanAnthropicClientFactory})
 * that sends a message as {@link DefaultAnthropicClient} does — the same URL, headers, HTTP client and timeouts —
 * with its JSON written by {@link MessageRequestWriter} and the answer read by {@link MessageResponseReader} instead
 * of the databind mapper LangChain4j keeps for it. Whatever those decline, and everything else the client can do
 * (streaming, token counts, the model list), is LangChain4j's own client's, built the first time it is needed. With
 * {@code -Dhb.bind.crosscheck=true} (the tests set it) each request is also written, and each answer read, the
 * mapper's way, and a difference fails the call.
 */
final class LeanAnthropicClient extends AnthropicClient {
    private final HttpClient http;
    private final String baseUrl;
    private final String apiKey;
    private final String version;
    private final @Nullable String beta;
    private final Supplier<Map<String, String>> customHeaders;
    private final Lazy<AnthropicClient> fallback;

    private LeanAnthropicClient(Builder b) {
        this.http = LeanHttp.client(b.httpClientBuilder, b.timeout, b.timeout);
        this.baseUrl = required(b.baseUrl, "baseUrl");
        this.apiKey = required(b.apiKey, "apiKey");
        this.version = required(b.version, "version");
        this.beta = b.beta;
        this.customHeaders = b.customHeadersSupplier != null ? b.customHeadersSupplier : Map::of;
        this.fallback = new Lazy<>(b::defaultClient);
    }

    /** As LangChain4j's client refuses a blank setting, with the same words. */
    private static String required(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " cannot be null or blank");
        }
        return value;
    }

    @Override
    public AnthropicCreateMessageResponse createMessage(AnthropicCreateMessageRequest request) {
        return createMessageWithRawResponse(request).parsedResponse();
    }

    @Override
    public ParsedAndRawResponse createMessageWithRawResponse(AnthropicCreateMessageRequest request) {
        Optional<String> body = request.isStream() ? Optional.empty() : MessageRequestWriter.write(request);
        if (body.isEmpty()) {
            return fallback().createMessageWithRawResponse(request);
        }
        MAPPER.crosscheck(request, body.get());
        HttpRequest.Builder r = HttpRequest.builder()
                .method(HttpMethod.POST)
                .url(baseUrl, "messages")
                .addHeader("Content-Type", "application/json")
                .addHeader("x-api-key", apiKey)
                .addHeader("anthropic-version", version)
                .addHeaders(customHeaders.get())
                .body(body.get());
        if (beta != null) {
            r.addHeader("anthropic-beta", beta);
        }
        SuccessfulHttpResponse response = http.execute(r.build());
        return new ParsedAndRawResponse(read(response.body()), response);
    }

    /** LangChain4j's mapper, as its client sets it up: reads what the reader declines; the crosscheck's other side. */
    static final MapperSide MAPPER = new MapperSide() {
        @Override
        protected ObjectMapper make() {
            return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
    };

    private static AnthropicCreateMessageResponse read(String body) {
        return MAPPER.answer(MessageResponseReader.read(body), body, AnthropicCreateMessageResponse.class);
    }

    private AnthropicClient fallback() {
        return fallback.get();
    }

    @Override
    public void createMessage(AnthropicCreateMessageRequest request, StreamingChatResponseHandler handler) {
        fallback().createMessage(request, handler);
    }

    @Override
    public void createMessage(
            AnthropicCreateMessageRequest request,
            AnthropicCreateMessageOptions options,
            StreamingChatResponseHandler handler) {
        fallback().createMessage(request, options, handler);
    }

    @Override
    public MessageTokenCountResponse countTokens(AnthropicCountTokensRequest request) {
        return fallback().countTokens(request);
    }

    @Override
    public AnthropicModelsListResponse listModels() {
        return fallback().listModels();
    }

    /** The settings LangChain4j's {@code AnthropicChatModel} hands its client; logging ones get LangChain4j's. */
    static final class Builder extends AnthropicClient.Builder<AnthropicClient, Builder> {
        @Override
        public AnthropicClient build() {
            // Its client logs the request and answer bodies through its own HTTP client wrapper.
            return Boolean.TRUE.equals(logRequests) || Boolean.TRUE.equals(logResponses)
                    ? defaultClient()
                    : new LeanAnthropicClient(this);
        }

        AnthropicClient defaultClient() {
            DefaultAnthropicClient.Builder b = DefaultAnthropicClient.builder()
                    .httpClientBuilder(httpClientBuilder)
                    .baseUrl(baseUrl)
                    .apiKey(apiKey)
                    .version(version)
                    .beta(beta)
                    .timeout(timeout)
                    .logRequests(logRequests)
                    .logResponses(logResponses)
                    .logger(logger);
            if (customHeadersSupplier != null) {
                b.customHeaders(customHeadersSupplier);
            }
            return b.build();
        }
    }
}
