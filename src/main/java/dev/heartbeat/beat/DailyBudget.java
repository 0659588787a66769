package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.audit.Decision.Usage;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.repair.TokenEstimator;
import dev.heartbeat.store.DecisionLog;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One beat's view of the agent's daily budget ({@code budget.daily-tokens}, {@code budget.daily-usd}): what
 * earlier beats of the day spent (a running total, read once; it cannot change while this beat holds the
 * lock) plus what this beat spent so far, checked before every model call and against each request's
 * estimated size before it is sent.
 */
final class DailyBudget {
    private record Spent(long tokens, double usd) {}

    private final AgentConfig config;
    private final Store store;
    private final Clock clock;
    private @Nullable Spent before;

    DailyBudget(AgentConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** Why today's budget is spent (with this beat's {@code usage} and {@code cost} so far), or empty while some is left. */
    Optional<String> spent(Usage usage, @Nullable Double cost) {
        AgentConfig.Budget b = config.budget();
        if (!b.any()) {
            return Optional.empty();
        }
        long tokens = tokensToday(usage);
        double usd = before().usd() + (cost == null ? 0.0 : cost);
        if (b.dailyTokens() != null && tokens >= b.dailyTokens()) {
            return Optional.of(
                    tokens + " tokens used today, the limit is " + b.dailyTokens() + " (budget.daily-tokens)");
        }
        if (b.dailyUsd() != null && usd >= b.dailyUsd()) {
            return Optional.of(
                    String.format("$%.4f spent today, the limit is $%.2f (budget.daily-usd)", usd, b.dailyUsd()));
        }
        return Optional.empty();
    }

    /**
     * Whether the request about to go out would take today's token budget past its limit, by the request's
     * estimated size: a huge checklist or tool result is stopped before it is paid for, not after.
     */
    Optional<String> requestOver(SystemMessage system, List<Message> conversation, Usage usage) {
        Long limit = config.budget().dailyTokens();
        if (limit == null) {
            return Optional.empty();
        }
        TokenEstimator estimator = TokenEstimator.forProvider(config.model().provider());
        long estimate = estimator.count(system.text());
        for (Message m : conversation) {
            estimate += estimator.count(m);
        }
        long used = tokensToday(usage);
        if (used + estimate > limit) {
            return Optional.of("the next request would need about " + estimate + " tokens; " + used
                    + " used today, the limit is " + limit + " (budget.daily-tokens)");
        }
        return Optional.empty();
    }

    /** Whether a beat of today was already skipped for the budget (its notification went out then). */
    boolean toldToday() {
        OffsetDateTime midnight = config.startOfToday(clock);
        return store.decisionLog().list(midnight, Outcome.SKIPPED, Integer.MAX_VALUE).stream()
                .anyMatch(d -> d.decision() != null && d.decision().reason().startsWith("budget:"));
    }

    /** Tokens spent today: earlier beats' and this one's so far. */
    private long tokensToday(Usage usage) {
        return before().tokens() + usage.inputTokens() + usage.outputTokens();
    }

    private Spent before() {
        if (before == null) {
            DecisionLog.Spending spent = store.decisionLog()
                    .spentSince(
                            config.agent().name(), config.startOfToday(clock).toInstant());
            before = new Spent(spent.tokens(), spent.usd());
        }
        return before;
    }
}
