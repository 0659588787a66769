package dev.heartbeat.repair;

import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Reasoning;
import java.util.ArrayList;
import java.util.List;

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
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a
                    && a.reasoning().stream().anyMatch(r -> r instanceof Reasoning.Thinking t && !t.valid())) {
                List<Reasoning> kept = a.reasoning().stream()
                        .filter(r -> !(r instanceof Reasoning.Thinking t) || t.valid())
                        .toList();
                AssistantMessage fixed = a.withReasoning(kept);
                run.record(
                        RepairRule.DROP_INVALID_THINKING,
                        (a.reasoning().size() - kept.size()) + " thinking block(s) without a signature or text were "
                                + "dropped (the provider refuses them)",
                        List.of(e.id()),
                        a,
                        fixed);
                out.add(e.with(fixed));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** Thinking an imported history had after text or tool use goes first, where the provider takes it. */
    static List<Entry> moveFirst(RepairRun run, List<Entry> in) {
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a
                    && a.reasoning().stream().anyMatch(r -> r instanceof Reasoning.Thinking t && t.misplaced())) {
                AssistantMessage fixed = a.withReasoning(a.reasoning().stream()
                        .map(r -> r instanceof Reasoning.Thinking t ? (Reasoning) t.inPlace() : r)
                        .toList());
                run.record(
                        RepairRule.MOVE_THINKING_FIRST,
                        "thinking that came after text or tool use now comes first in its turn",
                        List.of(e.id()),
                        a,
                        fixed);
                out.add(e.with(fixed));
            } else {
                out.add(e);
            }
        }
        return out;
    }
}
