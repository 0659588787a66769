package dev.heartbeat.repair;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.store.Summaries.Summary;
import dev.heartbeat.support.Texts;
import dev.heartbeat.transcript.Answers;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.Untrusted;
import dev.heartbeat.transcript.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses what of a (repaired) session goes into a request: whole turns — a user message and all that
 * answered it, so a call is never split from its results — newest first, at most {@code maxTurns} of
 * them and within a token budget. Older turns are folded into the session's summary, which rides in
 * the system prompt and is bounded in size, so a quiet beat's cost stops growing with the history.
 * Quiet {@code HEARTBEAT_OK} turns and turns nobody answered stay in the store but out of the request.
 * Earlier beats' prompts are sent as their first line (the current prompt carries the checklist and
 * state), and oversized tool results are cut head and tail.
 */
public final class ContextBuilder {
    private final TokenEstimator tokens;
    private final Summarizer summarizer;
    private final int budget;
    private final int maxTurns;
    private final int maxToolResultChars;

    public ContextBuilder(
            TokenEstimator tokens, Summarizer summarizer, int budget, int maxTurns, int maxToolResultChars) {
        this.tokens = tokens;
        this.summarizer = summarizer;
        this.budget = budget;
        this.maxTurns = maxTurns;
        this.maxToolResultChars = maxToolResultChars;
    }

    /**
     * @param messages   the turns sent verbatim, oldest first
     * @param summary    the summary standing for everything older, if any
     * @param newSummary a summary made now that the caller should store
     * @param compaction what was folded, for the decision record
     * @param keepFrom   the first message id a later context can need: every turn before it is folded into
     *                   the summary or is never sent (quiet, unanswered); 0 when nothing can be said
     */
    public record Context(
            List<Message> messages,
            Optional<Summary> summary,
            Optional<Summary> newSummary,
            Optional<RepairRecord> compaction,
            int estimatedTokens,
            long keepFrom) {}

    public Context build(List<StoredMessage> history, Optional<Summary> existing) {
        long coveredTo = existing.map(Summary::coversTo).orElse(0L);
        List<List<StoredMessage>> turns = new ArrayList<>();
        for (StoredMessage m : history) {
            if (m.message() instanceof SystemMessage || m.id() <= coveredTo) {
                continue;
            }
            if (m.message() instanceof UserMessage || turns.isEmpty()) {
                turns.add(new ArrayList<>());
            }
            turns.get(turns.size() - 1).add(m);
        }
        List<List<StoredMessage>> useful = new ArrayList<>();
        for (List<StoredMessage> turn : turns) {
            if (turn.get(0).message() instanceof UserMessage && turn.size() > 1 && !isQuiet(turn)) {
                useful.add(turn);
            }
        }
        int summaryTokens = existing.map(s -> tokens.count(s.text())).orElse(0);
        int left = budget - summaryTokens;
        int first = useful.size();
        int used = 0;
        List<List<Message>> prepared = new ArrayList<>(useful.size());
        for (int i = 0; i < useful.size(); i++) {
            prepared.add(null);
        }
        for (int i = useful.size() - 1; i >= 0 && useful.size() - i <= maxTurns; i--) {
            List<Message> turn = compact(useful.get(i));
            int cost = 0;
            for (Message m : turn) {
                cost += tokens.count(m);
            }
            if (used + cost > left) {
                break;
            }
            prepared.set(i, turn);
            used += cost;
            first = i;
        }
        Optional<Summary> newSummary = Optional.empty();
        Optional<RepairRecord> compaction = Optional.empty();
        Optional<Summary> summary = existing;
        if (first > 0) {
            List<List<Message>> folded = new ArrayList<>(first);
            for (int i = 0; i < first; i++) {
                List<Message> turn = new ArrayList<>();
                useful.get(i).forEach(m -> turn.add(m.message()));
                folded.add(turn);
            }
            List<StoredMessage> lastFolded = useful.get(first - 1);
            long coversTo = lastFolded.get(lastFolded.size() - 1).id();
            int maxChars = Math.max(1000, budget);
            Summarizer.Made made =
                    summarizer.summarize(existing.map(Summary::text).orElse(""), folded, maxChars);
            // Folded untrusted content leaves its marking on the summary that stands for it.
            boolean untrusted = existing.map(Summary::untrusted).orElse(false)
                    || folded.stream().anyMatch(turn -> turn.stream().anyMatch(Untrusted::in));
            Summary s = new Summary(coversTo, made.method(), made.text(), untrusted);
            newSummary = Optional.of(s);
            summary = newSummary;
            compaction = Optional.of(new RepairRecord(
                    RepairRule.COMPACT.wire(),
                    first + " older turn(s) no longer fit the context ("
                            + budget + " tokens, " + maxTurns + " turns) and were folded into the session summary ("
                            + made.method() + ")",
                    List.of(useful.get(0).get(0).id(), coversTo)));
        }
        List<Message> out = new ArrayList<>();
        for (int i = first; i < prepared.size(); i++) {
            out.addAll(prepared.get(i));
        }
        // The oldest turn sent now, and the newest turn whatever it is (an unanswered prompt may yet be
        // merged with the next one): a later context needs nothing older than both.
        long keepFrom = 0;
        if (!turns.isEmpty()) {
            keepFrom = turns.get(turns.size() - 1).get(0).id();
            if (first < useful.size()) {
                keepFrom = Math.min(keepFrom, useful.get(first).get(0).id());
            }
        }
        return new Context(
                List.copyOf(out),
                summary,
                newSummary,
                compaction,
                used + summary.map(s -> tokens.count(s.text())).orElse(0),
                keepFrom);
    }

    /** The turn as sent: an earlier beat's prompt cut to its first line, oversized results cut. */
    private List<Message> compact(List<StoredMessage> turn) {
        List<Message> out = new ArrayList<>(turn.size());
        for (StoredMessage m : turn) {
            if (m.beatId() != null
                    && m.message() instanceof UserMessage u
                    && u.text().contains("\n")) {
                out.add(new UserMessage(
                        u.text().substring(0, u.text().indexOf('\n')).strip(), u.attachments()));
            } else if (m.message() instanceof ToolResultMessage t && t.text().length() > maxToolResultChars) {
                out.add(new ToolResultMessage(
                        t.callId(), t.toolName(), Texts.cut(t.text(), maxToolResultChars), t.isError()));
            } else {
                out.add(m.message());
            }
        }
        return out;
    }

    private static boolean isQuiet(List<StoredMessage> turn) {
        return turn.size() == 2
                && turn.get(1).message() instanceof AssistantMessage a
                && !a.hasToolCalls()
                && Answers.isOk(a.text());
    }
}
