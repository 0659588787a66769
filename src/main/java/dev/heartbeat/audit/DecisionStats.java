package dev.heartbeat.audit;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** What the decision log adds up to: beats by outcome, tokens and cost per day, model latency percentiles. */
public final class DecisionStats {
    private DecisionStats() {}

    public record Day(
            LocalDate day,
            int beats,
            Map<String, Integer> byOutcome,
            long inputTokens,
            long outputTokens,
            double costUsd) {}

    public record Latency(int calls, long p50Ms, long p90Ms, long p99Ms, long maxMs) {}

    public record Summary(
            int beats,
            Map<String, Integer> byOutcome,
            long inputTokens,
            long outputTokens,
            double costUsd,
            boolean costKnown,
            List<Day> days,
            Latency latency) {}

    /**
     * The part of a decision its totals need. The log reads it from a stored record without binding the rest
     * (model and tool calls, gates, repairs): {@code status} adds up a whole day's beats.
     */
    public record Counted(
            Decision.Outcome outcome,
            Decision.Usage usage,
            @Nullable Double costUsd) {
        /** A record without an outcome or usage is not a decision to count: reading it fails, and it is left out. */
        public Counted {
            if (outcome == null || usage == null) {
                throw new IllegalArgumentException("a decision record has an outcome and a usage");
            }
        }

        public static Counted of(Decision d) {
            return new Counted(d.outcome(), d.usage(), d.costUsd());
        }
    }

    /** Beats by outcome, tokens and cost of some decisions; the cost is known if any of them has one. */
    public record Totals(
            int beats,
            Map<String, Integer> byOutcome,
            long inputTokens,
            long outputTokens,
            double costUsd,
            boolean costKnown) {
        public static Totals of(List<Counted> decisions) {
            Map<String, Integer> byOutcome = emptyOutcomes();
            long in = 0;
            long out = 0;
            double cost = 0;
            boolean costKnown = false;
            for (Counted d : decisions) {
                byOutcome.merge(d.outcome().wire(), 1, Integer::sum);
                in += d.usage().inputTokens();
                out += d.usage().outputTokens();
                if (d.costUsd() != null) {
                    cost += d.costUsd();
                    costKnown = true;
                }
            }
            return new Totals(decisions.size(), byOutcome, in, out, cost, costKnown);
        }
    }

    public static Summary of(List<Decision> decisions, ZoneId zone) {
        Totals totals = Totals.of(decisions.stream().map(Counted::of).toList());
        TreeMap<LocalDate, List<Decision>> perDay = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        for (Decision d : decisions) {
            perDay.computeIfAbsent(d.startedAt().atZoneSameInstant(zone).toLocalDate(), k -> new ArrayList<>())
                    .add(d);
            for (Decision.ModelCall c : d.modelCalls()) {
                if (c.error() == null) {
                    latencies.add(c.latencyMs());
                }
            }
        }
        List<Day> days = new ArrayList<>();
        perDay.forEach((day, list) -> {
            Totals t = Totals.of(list.stream().map(Counted::of).toList());
            days.add(new Day(day, t.beats(), t.byOutcome(), t.inputTokens(), t.outputTokens(), t.costUsd()));
        });
        latencies.sort(null);
        Latency latency = new Latency(
                latencies.size(),
                percentile(latencies, 50),
                percentile(latencies, 90),
                percentile(latencies, 99),
                latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
        return new Summary(
                totals.beats(),
                totals.byOutcome(),
                totals.inputTokens(),
                totals.outputTokens(),
                totals.costUsd(),
                totals.costKnown(),
                days,
                latency);
    }

    private static Map<String, Integer> emptyOutcomes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Decision.Outcome o : Decision.Outcome.values()) {
            m.put(o.wire(), 0);
        }
        return m;
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
