package dev.heartbeat.model;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Optional;

/**
 * When and how long to wait before asking a provider again: connection failures, 408, 409, 429 and
 * 5xx (529 included) are retried with exponential backoff (0.5 s doubling, at most 30 s) randomised by
 * ±50 % (resilience4j's {@link IntervalFunction#ofExponentialRandomBackoff}); a {@code Retry-After} or
 * {@code Retry-After-Ms} answer is honoured up to a cap, beyond which the call gives up (so a fallback
 * can take over); any other 4xx is final.
 */
public record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Duration retryAfterCap) {
    static final double JITTER = 0.5;

    public static RetryPolicy of(int maxRetries) {
        return new RetryPolicy(maxRetries, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    public static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /** The backoff between attempts when the provider does not say how long to wait. */
    public IntervalFunction backoff() {
        return IntervalFunction.ofExponentialRandomBackoff(baseDelay, 2.0, JITTER, maxDelay);
    }

    /**
     * The wait before attempt {@code attempt + 1} (attempts count from 1), or empty when the provider asks
     * for longer than the cap.
     */
    public Optional<Duration> delay(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(retryAfterCap) <= 0 ? retryAfter : Optional.empty();
        }
        return Optional.of(Duration.ofMillis(backoff().apply(attempt)));
    }

    /** Retry-After-Ms (milliseconds) or Retry-After (seconds; an HTTP date is read as "later than we wait"). */
    public static Optional<Duration> retryAfter(Optional<String> afterMs, Optional<String> after) {
        try {
            if (afterMs.isPresent()) {
                return Optional.of(Duration.ofMillis(
                        (long) Double.parseDouble(afterMs.get().trim())));
            }
            if (after.isPresent()) {
                return Optional.of(
                        Duration.ofMillis((long) (Double.parseDouble(after.get().trim()) * 1000)));
            }
        } catch (NumberFormatException e) {
            return after.isPresent() ? Optional.of(Duration.ofDays(1)) : Optional.empty();
        }
        return Optional.empty();
    }
}
