package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.model.ModelFailure;
import dev.heartbeat.repair.RepairRule;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last net: a provider still refuses the history with a 400 that names the part (a rule not known yet, a
 * signature it no longer accepts). The narrowest repair that removes the cause is made in the request and in
 * the store (a new revision, with the provider's error in the repair record), and the beat asks again: first
 * the refused block is dropped; refused again, the whole turn's reasoning. So the same session never fails
 * twice in a row with the same 400.
 */
final class ReactiveRepair {
    private final Store store;
    private final String session;
    private final String beatId;

    ReactiveRepair(Store store, String session, String beatId) {
        this.store = store;
        this.session = session;
        this.beatId = beatId;
    }

    /** Mends what the provider refused in {@code conversation} and in the store; empty when it cannot. */
    Optional<RepairRecord> heal(List<Message> conversation, ModelFailure.Rejected rejected) {
        if (rejected.message() < 0
                || rejected.message() >= conversation.size()
                || !(conversation.get(rejected.message()) instanceof AssistantMessage turn)
                || turn.reasoning().isEmpty()) {
            return Optional.empty();
        }
        Reasoning block = rejected.block();
        boolean oneBlock = block != null && turn.reasoning().contains(block);
        List<Reasoning> kept = new ArrayList<>(turn.reasoning());
        if (oneBlock) {
            kept.remove(block);
        } else {
            kept.clear();
        }
        AssistantMessage fixed = turn.withReasoning(kept);
        List<Long> ids = new ArrayList<>();
        List<StoredMessage> history = store.sessions().history(session);
        List<Entry> entries = new ArrayList<>(Entry.of(history));
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).message().equals(turn)) {
                ids.add(entries.get(i).id());
                entries.set(i, entries.get(i).with(fixed));
                break;
            }
        }
        RepairRecord action = new RepairRecord(
                RepairRule.DROP_REJECTED_THINKING.wire(),
                (oneBlock ? "the reasoning block the provider refused was dropped" : "the turn's reasoning was dropped")
                        + " and the request sent again; the provider said: " + rejected.error(),
                ids,
                Json.write(turn),
                Json.write(fixed));
        if (!ids.isEmpty()) {
            store.sessions().writeRevision(session, entries, List.of(action), beatId);
        }
        conversation.replaceAll(m -> m.equals(turn) ? fixed : m);
        return Optional.of(action);
    }
}
