package dev.heartbeat.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.support.Json;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;

/**
 * Anthropic's one-hour cache: LangChain4j 1.18 writes {@code cache_control: {type: ephemeral}} on the prompt's
 * stable prefix but has no TTL setting, so this client adds {@code ttl} to each such mark of a request body
 * before it leaves. A body that is not JSON goes unchanged.
 */
final class CacheTtl implements HttpClientBuilder {
    private final HttpClientBuilder inner;
    private final String ttl;

    CacheTtl(HttpClientBuilder inner, String ttl) {
        this.inner = inner;
        this.ttl = ttl;
    }

    @Override
    public Duration connectTimeout() {
        return inner.connectTimeout();
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        inner.connectTimeout(timeout);
        return this;
    }

    @Override
    public Duration readTimeout() {
        return inner.readTimeout();
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        inner.readTimeout(timeout);
        return this;
    }

    @Override
    public HttpClient build() {
        HttpClient client = inner.build();
        return new HttpClient() {
            @Override
            public SuccessfulHttpResponse execute(HttpRequest request) {
                return client.execute(withTtl(request));
            }

            @Override
            public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
                client.execute(withTtl(request), parser, listener);
            }
        };
    }

    HttpRequest withTtl(HttpRequest request) {
        String body = request.body();
        if (body == null || !body.contains("\"cache_control\"")) {
            return request;
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return request;
        }
        mark(tree);
        return HttpRequest.builder()
                .method(request.method())
                .url(request.url())
                .headers(request.headers())
                .body(tree.toString())
                .build();
    }

    private void mark(JsonNode node) {
        if (node.isObject()) {
            JsonNode control = node.get("cache_control");
            if (control instanceof ObjectNode o && o.path("type").asText().equals("ephemeral")) {
                o.put("ttl", ttl);
            }
            node.elements().forEachRemaining(this::mark);
        } else if (node.isArray()) {
            node.forEach(this::mark);
        }
    }
}
