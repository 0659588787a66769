package dev.heartbeat.fakes;

import dev.heartbeat.audit.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What became of every tick of an interval schedule in a window, counted from the decision log alone:
 * run (a scheduled beat took it), run more than once, or missed (inside a {@code missed} record), and
 * the ticks that have neither, which should never exist.
 */
public record Ticks(
        long expected,
        long run,
        long duplicated,
        long missed,
        List<Instant> unaccounted,
        Map<String, Long> beatsPerNode) {

    public static Ticks of(List<Decision> decisions, Instant from, Instant to, Duration period) {
        Map<Instant, Long> perTick = decisions.stream()
                .filter(d -> d.trigger() == Decision.Trigger.SCHEDULE && d.scheduledAt() != null)
                .collect(Collectors.groupingBy(d -> d.scheduledAt().toInstant(), TreeMap::new, Collectors.counting()));
        TreeSet<Instant> missedTicks = new TreeSet<>();
        for (Decision d : decisions) {
            if (d.trigger() == Decision.Trigger.MISSED && d.scheduledAt() != null) {
                int count = Integer.parseInt(d.reason().split(" ")[0]);
                for (int k = 0; k < count; k++) {
                    missedTicks.add(d.scheduledAt().toInstant().plus(period.multipliedBy(k)));
                }
            }
        }
        List<Instant> inWindow = perTick.keySet().stream()
                .filter(t -> !t.isBefore(from) && !t.isAfter(to))
                .toList();
        if (inWindow.isEmpty()) {
            return new Ticks(0, 0, 0, 0, List.of(), Map.of());
        }
        Instant first = inWindow.get(0);
        long expected = Duration.between(first, to).toMillis() / period.toMillis() + 1;
        long missed = 0;
        List<Instant> unaccounted = new ArrayList<>();
        for (long k = 0; k < expected; k++) {
            Instant t = first.plus(period.multipliedBy(k));
            if (!perTick.containsKey(t)) {
                if (missedTicks.contains(t)) {
                    missed++;
                } else {
                    unaccounted.add(t);
                }
            }
        }
        long duplicated = inWindow.stream().filter(t -> perTick.get(t) > 1).count();
        Map<String, Long> perNode = decisions.stream()
                .filter(d -> d.trigger() == Decision.Trigger.SCHEDULE
                        && d.node() != null
                        && d.scheduledAt() != null
                        && !d.scheduledAt().toInstant().isBefore(from)
                        && !d.scheduledAt().toInstant().isAfter(to))
                .collect(Collectors.groupingBy(Decision::node, TreeMap::new, Collectors.counting()));
        return new Ticks(expected, inWindow.size(), duplicated, missed, unaccounted, perNode);
    }

    @Override
    public String toString() {
        return "ticks " + expected + ", run " + run + ", duplicated " + duplicated + ", missed (on record) " + missed
                + ", unaccounted " + unaccounted.size() + (unaccounted.isEmpty() ? "" : " " + unaccounted)
                + "; beats per node " + beatsPerNode.values();
    }
}
