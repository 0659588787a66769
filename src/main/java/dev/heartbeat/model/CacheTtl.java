package dev.heartbeat.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anthropic's one-hour cache: LangChain4j 1.18 writes {@code cache_control: {type: ephemeral}} on the prompt's
 * stable prefix but has no TTL setting, so this client adds {@code ttl} to each such mark of a request body
 * before it leaves. A body that is not JSON goes unchanged.
 */
final class CacheTtl implements HttpClientBuilder {
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpClientBuilder inner;
    /** The ttl as a JSON string value. */
    private final String ttl;

    CacheTtl(HttpClientBuilder inner, String ttl) {
        this.inner = inner;
        StringWriter quoted = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(quoted)) {
            g.writeString(ttl);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a string", e);
        }
        this.ttl = quoted.toString();
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
        String marked;
        try {
            marked = marked(body);
        } catch (IOException e) {
            return request;
        }
        return HttpRequest.builder()
                .method(request.method())
                .url(request.url())
                .headers(request.headers())
                .body(marked)
                .build();
    }

    /**
     * The body's first JSON value written again token by token, as a databind tree would write it, with {@code ttl}
     * set in each {@code cache_control} object whose {@code type} is {@code ephemeral}. Jackson's streaming parser
     * and generator, not a tree: a tree is written through a databind mapper, which a quiet beat's request and
     * answer no longer start (see {@code model/anthropic}).
     */
    private String marked(String body) throws IOException {
        StringWriter out = new StringWriter(body.length() + 64);
        try (JsonParser p = JSON.createParser(body);
                JsonGenerator g = JSON.createGenerator(out)) {
            if (p.nextToken() == null) {
                throw new IOException("no JSON value");
            }
            copy(p, g);
        }
        return out.toString();
    }

    /** Copies the value at the parser's current token. */
    private void copy(JsonParser p, JsonGenerator g) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            if (p.currentToken().isStructStart()) {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copy(p, g);
                }
                g.writeEndArray();
            } else {
                g.copyCurrentEvent(p);
            }
            return;
        }
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            g.writeFieldName(name);
            p.nextToken();
            if (name.equals("cache_control") && p.currentToken() == JsonToken.START_OBJECT) {
                control(p, g);
            } else {
                copy(p, g);
            }
        }
        g.writeEndObject();
    }

    /**
     * A {@code cache_control} object: its members gathered first (a later duplicate replaces an earlier one in its
     * place, as in a tree), then {@code ttl} set, in its place if there is one, when the type is ephemeral.
     */
    private void control(JsonParser p, JsonGenerator g) throws IOException {
        Map<String, String> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            StringWriter value = new StringWriter();
            try (JsonGenerator v = JSON.createGenerator(value)) {
                copy(p, v);
            }
            members.put(name, value.toString());
        }
        if ("\"ephemeral\"".equals(members.get("type"))) {
            members.put("ttl", ttl);
        }
        g.writeStartObject();
        for (Map.Entry<String, String> m : members.entrySet()) {
            g.writeFieldName(m.getKey());
            g.writeRawValue(m.getValue());
        }
        g.writeEndObject();
    }
}
