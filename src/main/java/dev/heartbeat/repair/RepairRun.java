package dev.heartbeat.repair;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Attachment;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One run of the repair rules over a history: each rule a method taking the history and returning the
 * repaired one, and the actions they took, in order. {@link Repairer} says which rules run when.
 */
final class RepairRun {
    final List<RepairRecord> actions = new ArrayList<>();
    final Set<String> tornCalls = new HashSet<>();

    void record(RepairRule rule, String detail, List<Long> ids, @Nullable Object before, @Nullable Object after) {
        actions.add(new RepairRecord(
                rule.wire(),
                detail,
                ids,
                before == null ? null : Json.write(before),
                after == null ? null : Json.write(after)));
    }

    List<Entry> dropEmpty(List<Entry> in) {
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            Message m = e.message();
            boolean empty = (m instanceof UserMessage u && u.isEmpty())
                    || (m instanceof SystemMessage s && s.text().isBlank())
                    || (m instanceof AssistantMessage a && a.text().isBlank() && !a.hasToolCalls());
            if (empty) {
                record(
                        RepairRule.DROP_EMPTY,
                        "an empty " + m.role() + " message was dropped",
                        List.of(e.id()),
                        m,
                        null);
                continue;
            }
            if (m instanceof ToolResultMessage t && t.text().isBlank()) {
                ToolResultMessage filled =
                        new ToolResultMessage(t.callId(), t.toolName(), Repairer.EMPTY_RESULT, t.isError());
                record(
                        RepairRule.FILL_EMPTY_RESULT,
                        "an empty tool result for " + t.callId() + " got a placeholder",
                        List.of(e.id()),
                        t,
                        filled);
                out.add(e.with(filled));
                continue;
            }
            out.add(e);
        }
        return out;
    }

    List<Entry> systemToFront(List<Entry> in) {
        List<Entry> systems = new ArrayList<>();
        List<Entry> rest = new ArrayList<>(in.size());
        boolean started = false;
        List<Long> moved = new ArrayList<>();
        for (Entry e : in) {
            if (e.message() instanceof SystemMessage) {
                systems.add(e);
                if (started) {
                    moved.add(e.id());
                }
            } else {
                started = true;
                rest.add(e);
            }
        }
        if (moved.isEmpty()) {
            return in;
        }
        record(
                RepairRule.SYSTEM_TO_FRONT,
                "system message(s) inside the conversation moved to its start",
                moved,
                null,
                null);
        systems.addAll(rest);
        return systems;
    }

    List<Entry> rewriteIds(List<Entry> in) {
        Set<String> used = new HashSet<>();
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a) {
                for (ToolCall c : a.toolCalls()) {
                    used.add(c.id());
                }
            }
        }
        Set<String> claimed = new HashSet<>();
        // Per old id, the calls seen so far (new id, answered?), so a result finds the call it answers.
        Map<String, List<String[]>> callsByOldId = new HashMap<>();
        int counter = 0;
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            Message m = e.message();
            if (m instanceof AssistantMessage a && a.hasToolCalls()) {
                List<ToolCall> calls = new ArrayList<>();
                boolean changed = false;
                for (ToolCall c : a.toolCalls()) {
                    String id = c.id();
                    String name = c.name();
                    if (!HistoryValidator.TOOL_ID.matcher(id).matches() || !claimed.add(id)) {
                        String fresh;
                        do {
                            fresh = "call_repaired_" + (++counter);
                        } while (used.contains(fresh));
                        used.add(fresh);
                        claimed.add(fresh);
                        record(
                                RepairRule.REWRITE_TOOL_ID,
                                "tool call id '" + id + "' was "
                                        + (HistoryValidator.TOOL_ID.matcher(id).matches() ? "used before" : "invalid")
                                        + "; now '" + fresh + "'",
                                List.of(e.id()),
                                id,
                                fresh);
                        id = fresh;
                        changed = true;
                    }
                    if (!HistoryValidator.TOOL_NAME.matcher(name).matches()) {
                        String fixed = cleanName(name);
                        record(
                                RepairRule.REWRITE_TOOL_NAME,
                                "tool name '" + name + "' is invalid; now '" + fixed + "'",
                                List.of(e.id()),
                                name,
                                fixed);
                        name = fixed;
                        changed = true;
                    }
                    callsByOldId
                            .computeIfAbsent(c.id(), k -> new ArrayList<>())
                            .add(new String[] {id, null, name, c.name()});
                    calls.add(new ToolCall(id, name, c.arguments()));
                }
                out.add(changed ? e.with(a.withToolCalls(calls)) : e);
            } else if (m instanceof ToolResultMessage t) {
                List<String[]> candidates = callsByOldId.get(t.callId());
                String[] target = null;
                if (candidates != null) {
                    for (int i = candidates.size() - 1; i >= 0 && target == null; i--) {
                        if (candidates.get(i)[1] == null) {
                            target = candidates.get(i);
                        }
                    }
                    if (target == null) {
                        target = candidates.get(candidates.size() - 1);
                    }
                    target[1] = "answered";
                }
                boolean renamedCall = target != null && !target[2].equals(target[3]);
                if (target != null && (!target[0].equals(t.callId()) || renamedCall)) {
                    out.add(e.with(new ToolResultMessage(
                            target[0], renamedCall ? target[2] : t.toolName(), t.text(), t.isError())));
                } else {
                    out.add(e);
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    static String cleanName(String name) {
        String cleaned = name.replaceAll("[^a-zA-Z0-9_-]", "_");
        if (cleaned.isEmpty()) {
            cleaned = "unnamed_tool";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    List<Entry> tornArguments(List<Entry> in) {
        List<Entry> out = new ArrayList<>(in.size());
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a && a.hasToolCalls()) {
                List<ToolCall> calls = new ArrayList<>();
                boolean changed = false;
                for (ToolCall c : a.toolCalls()) {
                    if (HistoryValidator.isJsonObject(c.arguments())) {
                        calls.add(c);
                    } else {
                        record(
                                RepairRule.TORN_ARGUMENTS,
                                "the arguments of " + c.id() + " (" + c.name()
                                        + ") were not a JSON object; the call keeps {} as input",
                                List.of(e.id()),
                                c.arguments(),
                                "{}");
                        tornCalls.add(c.id());
                        calls.add(new ToolCall(c.id(), c.name(), "{}"));
                        changed = true;
                    }
                }
                out.add(changed ? e.with(a.withToolCalls(calls)) : e);
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** Every call followed by exactly its results; results found elsewhere are moved, missing ones made. */
    List<Entry> pair(List<Entry> in) {
        Set<String> callIds = new HashSet<>();
        for (Entry e : in) {
            if (e.message() instanceof AssistantMessage a) {
                a.toolCalls().forEach(c -> callIds.add(c.id()));
            }
        }
        Map<String, Entry> results = new LinkedHashMap<>();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            Entry e = in.get(i);
            if (e.message() instanceof ToolResultMessage t) {
                if (!callIds.contains(t.callId())) {
                    record(
                            RepairRule.DROP_ORPHAN_RESULT,
                            "a result for " + t.callId() + " answers no call in the history; "
                                    + "dropped (its content is kept in this record)",
                            List.of(e.id()),
                            t,
                            null);
                } else if (results.containsKey(t.callId())) {
                    record(
                            RepairRule.DROP_DUPLICATE_RESULT,
                            "a second result for " + t.callId() + "; the first is kept",
                            List.of(e.id()),
                            t,
                            null);
                } else {
                    results.put(t.callId(), e);
                    positions.put(t.callId(), i);
                }
            }
        }
        List<Entry> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Entry e = in.get(i);
            if (e.message() instanceof ToolResultMessage) {
                continue;
            }
            out.add(e);
            if (!(e.message() instanceof AssistantMessage a) || !a.hasToolCalls()) {
                continue;
            }
            List<ToolCall> calls = a.toolCalls();
            if (inPlace(in, i, calls, positions)) {
                for (int k = 1; k <= calls.size(); k++) {
                    out.add(in.get(i + k));
                }
                continue;
            }
            for (ToolCall c : calls) {
                Entry result = results.get(c.id());
                if (result != null) {
                    record(
                            RepairRule.MOVE_RESULT,
                            "the result for " + c.id() + " was not right after its call; moved there",
                            List.of(result.id()),
                            null,
                            null);
                    out.add(result);
                } else {
                    String text = tornCalls.contains(c.id()) ? Repairer.LOST_ARGUMENTS : Repairer.UNKNOWN_OUTCOME;
                    ToolResultMessage made = new ToolResultMessage(c.id(), c.name(), text, true);
                    record(
                            RepairRule.SYNTHESIZE_MISSING_RESULT,
                            "call " + c.id() + " (" + c.name() + ") had no result; " + "an error result was added",
                            List.of(e.id()),
                            null,
                            made);
                    out.add(new Entry(0, made));
                }
            }
        }
        return out;
    }

    /** Whether the messages right after the call at {@code i} are exactly its results, in any order. */
    private static boolean inPlace(List<Entry> in, int i, List<ToolCall> calls, Map<String, Integer> positions) {
        for (ToolCall c : calls) {
            Integer at = positions.get(c.id());
            if (at == null || at <= i || at > i + calls.size()) {
                return false;
            }
        }
        return true;
    }

    List<Entry> dropHead(List<Entry> in) {
        int first = -1;
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).message() instanceof UserMessage) {
                first = i;
                break;
            }
        }
        List<Entry> out = new ArrayList<>(in.size());
        List<Long> dropped = new ArrayList<>();
        List<Message> lost = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Entry e = in.get(i);
            boolean beforeFirstUser = first < 0 || i < first;
            if (beforeFirstUser && !(e.message() instanceof SystemMessage)) {
                dropped.add(e.id());
                lost.add(e.message());
            } else {
                out.add(e);
            }
        }
        if (!dropped.isEmpty()) {
            record(
                    RepairRule.DROP_HEAD,
                    "the history did not start with a user message (its head was cut); " + dropped.size()
                            + " message(s) before the first user message were dropped",
                    dropped,
                    lost,
                    null);
        }
        return dropped.isEmpty() ? in : out;
    }

    List<Entry> mergeSameRole(List<Entry> in) {
        Deque<Entry> out = new ArrayDeque<>(in.size());
        for (Entry e : in) {
            Entry last = out.peekLast();
            if (last != null && last.message() instanceof UserMessage a && e.message() instanceof UserMessage b) {
                List<Attachment> attached = new ArrayList<>(a.attachments());
                attached.addAll(b.attachments());
                String text =
                        a.text().isBlank() ? b.text() : b.text().isBlank() ? a.text() : a.text() + "\n\n" + b.text();
                UserMessage merged = new UserMessage(text, attached);
                record(
                        RepairRule.MERGE_SAME_ROLE,
                        "two user messages in a row were merged",
                        List.of(last.id(), e.id()),
                        List.of(a, b),
                        merged);
                out.pollLast();
                out.addLast(last.with(merged));
            } else if (last != null
                    && last.message() instanceof AssistantMessage a
                    && e.message() instanceof AssistantMessage b
                    && !a.hasToolCalls()) {
                String text =
                        a.text().isBlank() ? b.text() : b.text().isBlank() ? a.text() : a.text() + "\n\n" + b.text();
                List<Reasoning> reasoning = new ArrayList<>(a.reasoning());
                reasoning.addAll(b.reasoning());
                // Reasoning goes back only to the model that made it: a merge of two models' turns names none.
                String model = a.reasoning().isEmpty()
                        ? b.model()
                        : b.reasoning().isEmpty() || Objects.equals(a.model(), b.model()) ? a.model() : null;
                AssistantMessage merged = new AssistantMessage(text, b.toolCalls(), reasoning, model);
                record(
                        RepairRule.MERGE_SAME_ROLE,
                        "two assistant messages in a row were merged",
                        List.of(last.id(), e.id()),
                        List.of(a, b),
                        merged);
                out.pollLast();
                out.addLast(last.with(merged));
            } else {
                out.addLast(e);
            }
        }
        return new ArrayList<>(out);
    }
}
