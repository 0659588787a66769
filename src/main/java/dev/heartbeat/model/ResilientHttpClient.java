package dev.heartbeat.model;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The HTTP client LangChain4j's chat models use here: plain HTTP/1.1 on the JDK client, with the
 * project's own retry policy (LangChain4j's is switched off, so there is one policy, not two stacked).
 * It reads {@code Retry-After} headers, never sleeps past the beat's deadline, and reports every
 * attempt for the decision record.
 */
final class ResilientHttpClient implements HttpClient {
    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Random random = new Random();

    ResilientHttpClient(Duration connectTimeout, Duration readTimeout, RetryPolicy policy, Clock clock) {
        this.http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build();
        this.readTimeout = readTimeout;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        CallContext context = CallContext.current();
        Instant deadline = context != null && context.deadline != null ? context.deadline : Instant.MAX;
        for (int attempt = 1; ; attempt++) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (!deadline.equals(Instant.MAX) && (left.isNegative() || left.isZero())) {
                throw new DeadlineException("the beat's deadline passed before the model answered");
            }
            Duration timeout = deadline.equals(Instant.MAX) || left.compareTo(readTimeout) > 0 ? readTimeout : left;
            int status = 0;
            String error = null;
            Optional<Duration> retryAfter = Optional.empty();
            RuntimeException failure;
            try {
                HttpResponse<String> response = http.send(toJdk(request, timeout),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                status = response.statusCode();
                if (status / 100 == 2) {
                    record(context, attempt, status, null, 0);
                    return SuccessfulHttpResponse.builder().statusCode(status).headers(response.headers().map())
                            .body(response.body()).build();
                }
                retryAfter = RetryPolicy.retryAfter(response.headers().firstValue("retry-after-ms"),
                        response.headers().firstValue("retry-after"));
                error = "HTTP " + status;
                failure = new HttpException(status, response.body());
                if (!RetryPolicy.retryable(status)) {
                    record(context, attempt, status, error, 0);
                    throw failure;
                }
            } catch (HttpTimeoutException e) {
                // The model is slow, not absent: asking again would only spend the deadline twice.
                record(context, attempt, 0, "timed out after " + timeout.toMillis() + " ms", 0);
                throw new RuntimeException(e);
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
                failure = new RuntimeException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                record(context, attempt, 0, "interrupted", 0);
                throw new RuntimeException(e);
            }
            Optional<Duration> wait = attempt <= policy.maxRetries() ? policy.delay(attempt, retryAfter, random)
                    : Optional.empty();
            if (wait.isPresent() && !deadline.equals(Instant.MAX)
                    && clock.instant().plus(wait.get()).isAfter(deadline)) {
                wait = Optional.empty();
            }
            record(context, attempt, status, error + (wait.isEmpty() && retryAfter.isPresent()
                    && retryAfter.get().compareTo(policy.retryAfterCap()) > 0 ? " (Retry-After beyond the cap)" : ""),
                    wait.map(Duration::toMillis).orElse(0L));
            if (wait.isEmpty()) {
                throw failure;
            }
            try {
                Thread.sleep(wait.get().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException(e);
            }
        }
    }

    private static void record(CallContext context, int attempt, int status, String error, long waitedMs) {
        if (context != null) {
            context.attempts.add(new Attempt(attempt, status, error, waitedMs));
        }
    }

    private static java.net.http.HttpRequest toJdk(HttpRequest request, Duration timeout) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(timeout);
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        String body = request.body();
        java.net.http.HttpRequest.BodyPublisher publisher = body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return b.method(request.method().name(), publisher).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("streaming is not used by heartbeat-agent");
    }

    /** The deadline of the beat passed: no more attempts. */
    static final class DeadlineException extends RuntimeException {
        DeadlineException(String message) {
            super(message);
        }
    }

    static final class Builder implements HttpClientBuilder {
        private final RetryPolicy policy;
        private final Clock clock;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        Builder(RetryPolicy policy, Clock clock) {
            this.policy = policy;
            this.clock = clock;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new ResilientHttpClient(connectTimeout, readTimeout, policy, clock);
        }
    }
}
