package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.ToolCallRecord;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.ApprovalStatus;
import dev.heartbeat.store.Approvals;
import dev.heartbeat.store.Store;
import dev.heartbeat.tools.ToolExecutor;
import dev.heartbeat.transcript.ToolCall;
import java.util.ArrayList;
import java.util.List;

/** A beat's step before its prompt: what people decided about waiting calls since the last beat is acted on. */
final class ApprovalSettlement {
    private final AgentConfig config;
    private final Store store;

    ApprovalSettlement(AgentConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    /**
     * Acts on what people decided since the last beat: approved calls run now (with intents, as any side
     * effect), denied and expired ones are closed. Returns what the model should be told.
     */
    List<String> settle(ToolExecutor executor, String id, boolean dryRun, List<ToolCallRecord> toolCalls) {
        List<String> notes = new ArrayList<>();
        for (Approvals.Approval a : store.approvals().list(config.agent().name(), false)) {
            String what = a.tool() + " " + a.arguments() + " (request " + a.id() + ")";
            switch (a.status()) {
                case APPROVED -> {
                    if (dryRun) {
                        notes.add(what + ": approved; it will run at the next beat that is not a dry run");
                        continue;
                    }
                    ToolExecutor.Execution done = executor.runApproved(
                            new ToolCall(a.callId() + "_approved", a.tool(), a.arguments()), id, a.id());
                    toolCalls.add(done.record());
                    if (done.record().executed()) {
                        store.approvals()
                                .closeApproval(
                                        a.id(),
                                        ApprovalStatus.DONE,
                                        done.result().text());
                    }
                    // The whole result (marked as untrusted where it is): the model asked for it.
                    notes.add(what + ": approved by " + a.decidedBy() + " and run now; result:\n"
                            + done.result().text());
                }
                case RUNNING -> {
                    // Started by a beat that died before it stored the result: never run twice.
                    store.approvals().closeApproval(a.id(), ApprovalStatus.OUTCOME_UNKNOWN, null);
                    notes.add(what + ": approved by " + a.decidedBy() + " and started, but the process stopped "
                            + "while it ran; its outcome is unknown and it was not run again");
                }
                case DENIED -> {
                    store.approvals().closeApproval(a.id(), ApprovalStatus.CLOSED_DENIED, null);
                    notes.add(what + ": denied by " + a.decidedBy() + (a.note() == null ? "" : " (" + a.note() + ")")
                            + "; it was not run");
                }
                case EXPIRED -> {
                    store.approvals().closeApproval(a.id(), ApprovalStatus.CLOSED_EXPIRED, null);
                    notes.add(what + ": nobody decided before it expired; it was not run");
                }
                default -> notes.add(what + ": still waiting for a person");
            }
        }
        return notes;
    }
}
