package dev.heartbeat.model;

import dev.heartbeat.support.Causes;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client LangChain4j's chat models use here: plain HTTP/1.1 ({@link BlockingHttp}), with the
 * project's one retry policy (LangChain4j's is switched off, so there is one policy, not two stacked).
 * resilience4j's {@link Retry} runs the attempts and waits; each attempt decides its own wait, because
 * only it sees the provider's {@code Retry-After} and the beat's deadline: it never waits past that
 * deadline, and it reports every attempt for the decision record.
 */
final class ResilientHttpClient implements HttpClient {
    private final BlockingHttp http;
    private final Duration readTimeout;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Retry retry;

    /** One attempt's outcome: a response, or a failure and the wait before the next attempt (none: final). */
    private record Try(
            @Nullable SuccessfulHttpResponse response,
            @Nullable RuntimeException failure,
            @Nullable Duration pause) {}

    ResilientHttpClient(
            Duration connectTimeout, Duration readTimeout, RetryPolicy policy, Clock clock, Sleeper sleeper) {
        this.http = new BlockingHttp(connectTimeout);
        this.readTimeout = readTimeout;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.retry = Retry.of(
                "model",
                RetryConfig.<Try>custom()
                        .maxAttempts(policy.maxRetries() + 1)
                        .retryOnResult(t -> t.pause() != null)
                        .retryOnException(e -> false)
                        .intervalBiFunction((n, outcome) ->
                                outcome.isRight() && outcome.get().pause() != null
                                        ? outcome.get().pause().toMillis()
                                        : 0L)
                        .failAfterMaxAttempts(false)
                        .build());
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        CallContext context = CallContext.current();
        Instant deadline = context != null && context.deadline != null ? context.deadline : Instant.MAX;
        AtomicInteger attempts = new AtomicInteger();
        Try last = RetrySleep.with(
                sleeper,
                () -> Retry.decorateSupplier(
                                retry, () -> attempt(request, attempts.incrementAndGet(), context, deadline))
                        .get());
        if (last.response() != null) {
            return last.response();
        }
        throw last.failure();
    }

    private Try attempt(HttpRequest request, int attempt, CallContext context, Instant deadline) {
        if (Thread.currentThread().isInterrupted()) {
            record(context, attempt, 0, "interrupted", 0);
            return new Try(
                    null, new RuntimeException(new InterruptedException("interrupted before the attempt")), null);
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (!deadline.equals(Instant.MAX) && (left.isNegative() || left.isZero())) {
            return new Try(null, new DeadlineException("the beat's deadline passed before the model answered"), null);
        }
        Duration timeout = deadline.equals(Instant.MAX) || left.compareTo(readTimeout) > 0 ? readTimeout : left;
        int status = 0;
        String error;
        Optional<Duration> retryAfter = Optional.empty();
        RuntimeException failure;
        try {
            BlockingHttp.Answer response =
                    http.send(request.method().name(), request.url(), request.headers(), request.body(), timeout);
            status = response.status();
            if (status / 100 == 2) {
                record(context, attempt, status, null, 0);
                return new Try(
                        SuccessfulHttpResponse.builder()
                                .statusCode(status)
                                .headers(response.headers())
                                .body(response.body())
                                .build(),
                        null,
                        null);
            }
            retryAfter = RetryPolicy.retryAfter(response.header("retry-after-ms"), response.header("retry-after"));
            error = "HTTP " + status;
            failure = new HttpException(status, response.body());
            if (!RetryPolicy.retryable(status)) {
                record(context, attempt, status, error, 0);
                return new Try(null, failure, null);
            }
        } catch (HttpTimeoutException e) {
            // The model is slow, not absent: asking again would only spend the deadline twice.
            record(context, attempt, 0, "timed out after " + timeout.toMillis() + " ms", 0);
            return new Try(null, new RuntimeException(e), null);
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            failure = new RuntimeException(e);
            if (Causes.find(e, CertificateException.class) != null) {
                // The same certificate comes back on every try.
                record(context, attempt, 0, error, 0);
                return new Try(null, failure, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            record(context, attempt, 0, "interrupted", 0);
            return new Try(null, new RuntimeException(e), null);
        }
        Optional<Duration> wait = attempt <= policy.maxRetries() ? policy.delay(attempt, retryAfter) : Optional.empty();
        if (wait.isPresent()
                && !deadline.equals(Instant.MAX)
                && clock.instant().plus(wait.get()).isAfter(deadline)) {
            wait = Optional.empty();
        }
        record(
                context,
                attempt,
                status,
                error
                        + (wait.isEmpty()
                                        && retryAfter.isPresent()
                                        && retryAfter.get().compareTo(policy.retryAfterCap()) > 0
                                ? " (Retry-After beyond the cap)"
                                : ""),
                wait.map(Duration::toMillis).orElse(0L));
        return new Try(null, failure, wait.orElse(null));
    }

    private static void record(
            @Nullable CallContext context, int attempt, int status, @Nullable String error, long waitedMs) {
        if (context != null) {
            context.attempts.add(new Attempt(attempt, status, error, waitedMs));
        }
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
        private final Sleeper sleeper;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        Builder(RetryPolicy policy, Clock clock, Sleeper sleeper) {
            this.policy = policy;
            this.clock = clock;
            this.sleeper = sleeper;
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
            return new ResilientHttpClient(connectTimeout, readTimeout, policy, clock, sleeper);
        }
    }
}
