package dev.heartbeat.model.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.model.wire.Lazy;
import dev.heartbeat.model.wire.LeanHttp;
import dev.heartbeat.model.wire.MapperSide;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.openai.internal.AsyncResponseHandling;
import dev.langchain4j.model.openai.internal.DefaultOpenAiClient;
import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.ParsedAndRawResponse;
import dev.langchain4j.model.openai.internal.StreamingResponseHandling;
import dev.langchain4j.model.openai.internal.SyncOrAsync;
import dev.langchain4j.model.openai.internal.SyncOrAsyncOrStreaming;
import dev.langchain4j.model.openai.internal.audio.texttospeech.OpenAiTextToSpeechRequest;
import dev.langchain4j.model.openai.internal.audio.texttospeech.OpenAiTextToSpeechResponse;
import dev.langchain4j.model.openai.internal.audio.transcription.OpenAiAudioTranscriptionRequest;
import dev.langchain4j.model.openai.internal.audio.transcription.OpenAiAudioTranscriptionResponse;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.completion.CompletionRequest;
import dev.langchain4j.model.openai.internal.completion.CompletionResponse;
import dev.langchain4j.model.openai.internal.embedding.EmbeddingRequest;
import dev.langchain4j.model.openai.internal.embedding.EmbeddingResponse;
import dev.langchain4j.model.openai.internal.image.EditImageRequest;
import dev.langchain4j.model.openai.internal.image.GenerateImagesRequest;
import dev.langchain4j.model.openai.internal.image.GenerateImagesResponse;
import dev.langchain4j.model.openai.internal.models.ModelsListResponse;
import dev.langchain4j.model.openai.internal.moderation.ModerationRequest;
import dev.langchain4j.model.openai.internal.moderation.ModerationResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's OpenAI client ({@code OpenAiChatModel} builds it through {@link LeanOpenAiClientFactory}) that
 * sends a chat completion as {@link DefaultOpenAiClient} does — the same URL, headers, HTTP client and timeouts —
 * with its JSON written by {@link ChatRequestWriter} and the answer read by {@link ChatResponseReader} instead of
 * the databind mapper LangChain4j keeps for it. Whatever those decline, and everything else the client can do
 * (streaming, embeddings, images ...), is LangChain4j's own client's, built the first time it is needed. With
 * {@code -Dhb.bind.crosscheck=true} (the tests set it) each request is also written, and each answer read, the
 * mapper's way, and a difference fails the call.
 */
final class LeanOpenAiClient extends OpenAiClient {
    private final HttpClient http;
    private final String baseUrl;
    private final Map<String, String> headers;
    private final Supplier<Map<String, String>> customHeaders;
    private final @Nullable Map<String, String> queryParams;
    private final Lazy<OpenAiClient> fallback;

    private LeanOpenAiClient(Builder b) {
        this.http = LeanHttp.client(b.httpClientBuilder, b.connectTimeout, b.readTimeout);
        if (b.baseUrl == null || b.baseUrl.isBlank()) {
            throw new IllegalArgumentException("baseUrl cannot be null or blank");
        }
        this.baseUrl = b.baseUrl;
        Map<String, String> h = new HashMap<>();
        if (b.apiKey != null) {
            h.put("Authorization", "Bearer " + b.apiKey);
        }
        if (b.organizationId != null) {
            h.put("OpenAI-Organization", b.organizationId);
        }
        if (b.projectId != null) {
            h.put("OpenAI-Project", b.projectId);
        }
        if (b.userAgent != null) {
            h.put("User-Agent", b.userAgent);
        }
        this.headers = Map.copyOf(h);
        this.customHeaders = b.customHeadersSupplier != null ? b.customHeadersSupplier : Map::of;
        this.queryParams = b.customQueryParams;
        this.fallback = new Lazy<>(b::defaultClient);
    }

    @Override
    public SyncOrAsyncOrStreaming<ChatCompletionResponse> chatCompletion(ChatCompletionRequest request) {
        ChatCompletionRequest sync =
                ChatCompletionRequest.builder().from(request).stream(false).build();
        Optional<String> body = ChatRequestWriter.write(sync);
        if (body.isEmpty()) {
            return fallback().chatCompletion(request);
        }
        MAPPER.crosscheck(sync, body.get());
        HttpRequest.Builder r = HttpRequest.builder()
                .method(HttpMethod.POST)
                .url(baseUrl, "chat/completions")
                .addHeader("Content-Type", "application/json")
                .addHeaders(requestHeaders())
                .body(body.get());
        if (queryParams != null) {
            r.addQueryParams(queryParams);
        }
        return new Call(r.build(), request);
    }

    /** As LangChain4j's client: its own headers, with the custom ones (which may replace them) on top. */
    private Map<String, String> requestHeaders() {
        Map<String, String> custom = customHeaders.get();
        if (custom == null || custom.isEmpty()) {
            return headers;
        }
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(custom);
        return all;
    }

    /** One chat completion: sent and read here when called synchronously, by LangChain4j's client otherwise. */
    private final class Call implements SyncOrAsyncOrStreaming<ChatCompletionResponse> {
        private final HttpRequest request;
        private final ChatCompletionRequest original;

        Call(HttpRequest request, ChatCompletionRequest original) {
            this.request = request;
            this.original = original;
        }

        @Override
        public ChatCompletionResponse execute() {
            return executeRaw().parsedResponse();
        }

        @Override
        public ParsedAndRawResponse<ChatCompletionResponse> executeRaw() {
            SuccessfulHttpResponse response = http.execute(request);
            return ParsedAndRawResponse.<ChatCompletionResponse>builder()
                    .parsedResponse(read(response.body()))
                    .rawHttpResponse(response)
                    .build();
        }

        @Override
        public AsyncResponseHandling onResponse(Consumer<ChatCompletionResponse> handler) {
            return fallback().chatCompletion(original).onResponse(handler);
        }

        @Override
        public StreamingResponseHandling onPartialResponse(Consumer<ChatCompletionResponse> handler) {
            return fallback().chatCompletion(original).onPartialResponse(handler);
        }
    }

    /** LangChain4j's mapper, as its client sets it up: reads what the reader declines; the crosscheck's other side. */
    static final MapperSide MAPPER = new MapperSide() {
        @Override
        protected ObjectMapper make() {
            return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);
        }
    };

    private static ChatCompletionResponse read(String body) {
        return MAPPER.answer(ChatResponseReader.read(body), body, ChatCompletionResponse.class);
    }

    private OpenAiClient fallback() {
        return fallback.get();
    }

    @Override
    public SyncOrAsyncOrStreaming<CompletionResponse> completion(CompletionRequest request) {
        return fallback().completion(request);
    }

    @Override
    public SyncOrAsync<EmbeddingResponse> embedding(EmbeddingRequest request) {
        return fallback().embedding(request);
    }

    @Override
    public SyncOrAsync<ModerationResponse> moderation(ModerationRequest request) {
        return fallback().moderation(request);
    }

    @Override
    public SyncOrAsync<GenerateImagesResponse> imagesGeneration(GenerateImagesRequest request) {
        return fallback().imagesGeneration(request);
    }

    @Override
    public SyncOrAsync<GenerateImagesResponse> imagesEdit(EditImageRequest request) {
        return fallback().imagesEdit(request);
    }

    @Override
    public SyncOrAsync<OpenAiAudioTranscriptionResponse> audioTranscription(OpenAiAudioTranscriptionRequest request) {
        return fallback().audioTranscription(request);
    }

    @Override
    public SyncOrAsync<OpenAiTextToSpeechResponse> textToSpeech(OpenAiTextToSpeechRequest request) {
        return fallback().textToSpeech(request);
    }

    @Override
    public SyncOrAsync<ModelsListResponse> listModels() {
        return fallback().listModels();
    }

    /** The settings LangChain4j's {@code OpenAiChatModel} hands its client; logging ones get LangChain4j's client. */
    static final class Builder extends OpenAiClient.Builder<OpenAiClient, Builder> {
        @Override
        public OpenAiClient build() {
            // Its client logs the request and answer bodies through its own HTTP client wrapper.
            return logRequests || logResponses ? defaultClient() : new LeanOpenAiClient(this);
        }

        OpenAiClient defaultClient() {
            DefaultOpenAiClient.Builder b = DefaultOpenAiClient.builder()
                    .httpClientBuilder(httpClientBuilder)
                    .baseUrl(baseUrl)
                    .organizationId(organizationId)
                    .projectId(projectId)
                    .apiKey(apiKey)
                    .connectTimeout(connectTimeout)
                    .readTimeout(readTimeout)
                    .userAgent(userAgent)
                    .logRequests(logRequests)
                    .logResponses(logResponses)
                    .logger(logger)
                    .customQueryParams(customQueryParams);
            if (customHeadersSupplier != null) {
                b.customHeaders(customHeadersSupplier);
            }
            return b.build();
        }
    }
}
