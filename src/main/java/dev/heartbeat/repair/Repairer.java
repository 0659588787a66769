package dev.heartbeat.repair;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Brings any history a crash, a torn write or a truncation could leave into a shape every provider
 * accepts ({@link HistoryValidator}), losing nothing that was intact. Each rule is named and every
 * action is returned with the message ids it touched and their content before and after, so the
 * caller can store the record. Repairing a repaired history changes nothing.
 *
 * <p>Rules, in the order they run:
 * <ol>
 *   <li>{@code drop_invalid_thinking}: thinking blocks without a signature or text are dropped (signed and
 *       redacted ones are never changed)</li>
 *   <li>{@code move_thinking_first}: thinking an import found after text or tool use goes first</li>
 *   <li>{@code drop_empty}: empty user, system and assistant messages are dropped (never invented);
 *       {@code fill_empty_result}: an empty tool result gets a placeholder (dropping it would orphan its call)</li>
 *   <li>{@code system_to_front}: system messages inside the conversation move to its start</li>
 *   <li>{@code rewrite_tool_id}: invalid or reused call ids are rewritten, in the call and its result;
 *       {@code rewrite_tool_name}: invalid tool names likewise</li>
 *   <li>{@code torn_arguments}: arguments that are not a JSON object become {@code {}}; the call gets an
 *       error result saying the arguments were lost, unless it has a result</li>
 *   <li>{@code drop_orphan_result}, {@code drop_duplicate_result}, {@code move_result},
 *       {@code synthesize_missing_result}: every call is followed by exactly its results; a call
 *       without one gets an error result saying the outcome is unknown (it is never re-run)</li>
 *   <li>{@code drop_head}: a history whose head was cut starts at its first user message</li>
 *   <li>{@code merge_same_role}: consecutive user (or assistant) messages become one</li>
 * </ol>
 */
public final class Repairer {
    public static final String UNKNOWN_OUTCOME = "no result was recorded; outcome unknown. The call was not run again.";
    public static final String LOST_ARGUMENTS =
            "the arguments of this call were lost (they were not valid JSON); " + "it was not run.";
    public static final String EMPTY_RESULT = "(the tool returned no output)";

    private Repairer() {}

    public record Result(List<Entry> entries, List<RepairRecord> actions) {
        public boolean changed() {
            return !actions.isEmpty();
        }

        public List<Message> messages() {
            return Entry.messages(entries);
        }
    }

    public static Result repair(List<Entry> history) {
        RepairRun run = new RepairRun();
        List<Entry> h = ThinkingRepair.dropInvalid(run, history);
        h = ThinkingRepair.moveFirst(run, h);
        h = run.dropEmpty(h);
        h = run.systemToFront(h);
        h = run.rewriteIds(h);
        h = run.tornArguments(h);
        h = run.pair(h);
        h = run.dropHead(h);
        h = run.mergeSameRole(h);
        return new Result(List.copyOf(h), List.copyOf(run.actions));
    }

    /**
     * The same rules for a reply as it arrives, before it enters the history: arguments that are not a
     * JSON object become {@code {}}, invalid tool names are cleaned, and invalid or reused ids are
     * replaced. The executor still sees the raw arguments (and reports them as broken to the model);
     * {@code actions} gets a record of each change, raw text included.
     */
    public static AssistantMessage sendable(
            AssistantMessage reply,
            long messageId,
            Set<String> usedIds,
            String freshIdPrefix,
            List<RepairRecord> actions) {
        if (!reply.hasToolCalls()) {
            return reply;
        }
        RepairRun run = new RepairRun();
        List<ToolCall> calls = new ArrayList<>();
        int n = 0;
        for (ToolCall c : reply.toolCalls()) {
            n++;
            String id = c.id();
            if (!HistoryValidator.TOOL_ID.matcher(id).matches() || usedIds.contains(id)) {
                String fresh = freshIdPrefix + "_" + n;
                while (usedIds.contains(fresh)) {
                    fresh = fresh + "x";
                }
                run.record(
                        RepairRule.REWRITE_TOOL_ID,
                        "tool call id '" + id + "' was invalid or used before; now '" + fresh + "'",
                        List.of(messageId),
                        id,
                        fresh);
                id = fresh;
            }
            usedIds.add(id);
            String name = c.name();
            if (!HistoryValidator.TOOL_NAME.matcher(name).matches()) {
                String fixed = RepairRun.cleanName(name);
                run.record(
                        RepairRule.REWRITE_TOOL_NAME,
                        "tool name '" + name + "' is invalid; now '" + fixed + "'",
                        List.of(messageId),
                        name,
                        fixed);
                name = fixed;
            }
            String arguments = c.arguments();
            if (!HistoryValidator.isJsonObject(arguments)) {
                run.record(
                        RepairRule.TORN_ARGUMENTS,
                        "the arguments of " + id + " (" + name + ") were not a JSON object; the "
                                + "history keeps {} as input",
                        List.of(messageId),
                        arguments,
                        "{}");
                arguments = "{}";
            }
            calls.add(new ToolCall(id, name, arguments));
        }
        actions.addAll(run.actions);
        return run.actions.isEmpty() ? reply : reply.withToolCalls(calls);
    }
}
