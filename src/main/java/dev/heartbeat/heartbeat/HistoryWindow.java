package dev.heartbeat.heartbeat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the part of the stored history that goes into a request: whole turns (a user message and
 * what answered it), newest first, within a token budget. A turn that a provider would reject (a
 * tool call without its result, a result without its call, an empty message) is left out and the
 * omission is recorded; so is anything before the first user message. Quiet {@code HEARTBEAT_OK}
 * turns stay in the store but out of the request: they tell the model nothing new.
 */
public final class HistoryWindow {
    private HistoryWindow() {
    }

    public record Selection(List<Message> messages, List<RepairRecord> omissions, int estimatedTokens) {
    }

    public static Selection select(List<StoredMessage> history, int budgetTokens) {
        List<RepairRecord> omissions = new ArrayList<>();
        List<List<StoredMessage>> turns = new ArrayList<>();
        List<StoredMessage> leading = new ArrayList<>();
        for (StoredMessage m : history) {
            if (m.message() instanceof SystemMessage) {
                omissions.add(new RepairRecord("omit_system_message",
                        "a system message inside the history; the heartbeat sends its own system prompt", List.of(m.id())));
                continue;
            }
            if (m.message() instanceof UserMessage) {
                turns.add(new ArrayList<>());
            }
            if (turns.isEmpty()) {
                leading.add(m);
            } else {
                turns.get(turns.size() - 1).add(m);
            }
        }
        if (!leading.isEmpty()) {
            omissions.add(new RepairRecord("omit_head", "messages before the first user message cannot start a request",
                    ids(leading)));
        }
        List<List<StoredMessage>> kept = new ArrayList<>();
        for (List<StoredMessage> turn : turns) {
            String problem = problem(turn);
            if (problem != null) {
                omissions.add(new RepairRecord("omit_invalid_turn", problem, ids(turn)));
            } else if (!isQuiet(turn)) {
                kept.add(turn);
            }
        }
        List<Message> selected = new ArrayList<>();
        int used = 0;
        int firstKept = kept.size();
        for (int i = kept.size() - 1; i >= 0; i--) {
            int cost = tokens(kept.get(i));
            if (used + cost > budgetTokens) {
                break;
            }
            used += cost;
            firstKept = i;
        }
        for (int i = firstKept; i < kept.size(); i++) {
            kept.get(i).forEach(m -> selected.add(m.message()));
        }
        return new Selection(List.copyOf(selected), List.copyOf(omissions), used);
    }

    /** Why a provider would reject this turn, or null when it is sendable. */
    static String problem(List<StoredMessage> turn) {
        UserMessage user = (UserMessage) turn.get(0).message();
        if (user.text().isBlank()) {
            return "an empty user message";
        }
        Set<String> open = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < turn.size(); i++) {
            Message m = turn.get(i).message();
            if (m instanceof AssistantMessage a) {
                if (!open.isEmpty()) {
                    return "tool call(s) " + open + " have no result before the next assistant message";
                }
                if (a.text().isBlank() && !a.hasToolCalls()) {
                    return "an empty assistant message";
                }
                for (ToolCall c : a.toolCalls()) {
                    if (!seen.add(c.id())) {
                        return "tool call id " + c.id() + " is used twice";
                    }
                    open.add(c.id());
                }
            } else if (m instanceof ToolResultMessage t) {
                if (!open.remove(t.callId())) {
                    return "a tool result for " + t.callId() + " answers no call of the message before it";
                }
            } else if (m instanceof UserMessage) {
                return "two user messages in one turn";
            }
        }
        if (!open.isEmpty()) {
            return "tool call(s) " + open + " have no result (the beat that made them did not finish)";
        }
        return null;
    }

    private static boolean isQuiet(List<StoredMessage> turn) {
        if (turn.size() != 2) {
            return false;
        }
        return turn.get(1).message() instanceof AssistantMessage a && !a.hasToolCalls() && Answers.isOk(a.text());
    }

    private static int tokens(List<StoredMessage> turn) {
        int total = 0;
        for (StoredMessage m : turn) {
            total += estimate(m.message());
        }
        return total;
    }

    /** A rough token count: about four characters a token, plus a little per message. */
    public static int estimate(Message m) {
        int chars;
        if (m instanceof AssistantMessage a) {
            chars = a.text().length();
            for (ToolCall c : a.toolCalls()) {
                chars += c.name().length() + c.arguments().length() + c.id().length();
            }
        } else if (m instanceof ToolResultMessage t) {
            chars = t.text().length() + t.callId().length();
        } else if (m instanceof UserMessage u) {
            chars = u.text().length();
        } else {
            chars = ((SystemMessage) m).text().length();
        }
        return chars / 4 + 4;
    }

    private static List<Long> ids(List<StoredMessage> messages) {
        List<Long> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.id()));
        return out;
    }
}
