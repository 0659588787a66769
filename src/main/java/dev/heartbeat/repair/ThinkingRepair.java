package dev.heartbeat.repair;

import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Reasoning;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The repair rules for reasoning: a thinking block the provider would refuse is dropped, one an import found
 * out of place goes first. Signed blocks keep their text and signature; redacted thinking is never touched.
 */
final class ThinkingRepair {
    private ThinkingRepair() {}

    /**
     * Thinking blocks the provider would refuse (no signature, an empty one, no text) are dropped; signed
     * and redacted blocks are never touched.
     */
    static List<Entry> dropInvalid(RepairRun run, List<Entry> in) {
        return rewrite(
                run,
                in,
                RepairRule.DROP_INVALID_THINKING,
                t -> !t.valid(),
                reasoning -> reasoning.stream()
                        .filter(r -> !(r instanceof Reasoning.Thinking t) || t.valid())
                        .toList(),
                (before, after) ->
                        (before.reasoning().size() - after.reasoning().size())
                                + " thinking block(s) without a signature or text were dropped (the provider refuses them)");
    }

    /** Thinking an imported history had after text or tool use goes first, where the provider takes it. */
    static List<Entry> moveFirst(RepairRun run, List<Entry> in) {
        return rewrite(
                run,
                in,
                RepairRule.MOVE_THINKING_FIRST,
                Reasoning.Thinking::misplaced,
                reasoning -> reasoning.stream()
                        .map(r -> r instanceof Reasoning.Thinking t ? (Reasoning) t.inPlace() : r)
                        .toList(),
                (before, after) -> "thinking that came after text or tool use now comes first in its turn");
    }

    /**
     * Each assistant turn holding a thinking block {@code wrong} picks gets its reasoning {@code fixed}, and the
     * change is on record under {@code rule}, with the turn before and after; other entries pass as they are.
     */
    private static List<Entry> rewrite(
            RepairRun run,
            List<Entry> in,
            RepairRule rule,
            Predicate<Reasoning.Thinking> wrong,
            UnaryOperator<List<Reasoning>> fixed,
            BiFunction<AssistantMessage, AssistantMessage, String> detail) {
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a
                    && a.reasoning().stream().anyMatch(r -> r instanceof Reasoning.Thinking t && wrong.test(t))) {
                AssistantMessage after = a.withReasoning(fixed.apply(a.reasoning()));
                run.record(rule, detail.apply(a, after), List.of(e.id()), a, after);
                out.add(e.with(after));
            } else {
                out.add(e);
            }
        }
        return out;
    }
}
