package dev.heartbeat.model.wire;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpClientBuilderLoader;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The HTTP client a lean provider client sends with, made as LangChain4j's own provider clients make theirs. */
public final class LeanHttp {
    private LeanHttp() {}

    /**
     * The builder the model was given, or the one LangChain4j's loader finds; each timeout the one given, else the
     * builder's own, else 15 s to connect and 60 s to read.
     */
    public static HttpClient client(
            @Nullable HttpClientBuilder given, @Nullable Duration connectTimeout, @Nullable Duration readTimeout) {
        HttpClientBuilder hb = given != null ? given : HttpClientBuilderLoader.loadHttpClientBuilder();
        return hb.connectTimeout(firstOf(connectTimeout, hb.connectTimeout(), Duration.ofSeconds(15)))
                .readTimeout(firstOf(readTimeout, hb.readTimeout(), Duration.ofSeconds(60)))
                .build();
    }

    private static Duration firstOf(@Nullable Duration a, @Nullable Duration b, Duration otherwise) {
        return a != null ? a : b != null ? b : otherwise;
    }
}
