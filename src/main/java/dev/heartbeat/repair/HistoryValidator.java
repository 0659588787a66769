package dev.heartbeat.repair;

import dev.heartbeat.support.JsonRecords;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Holds a history to the rules of every provider the project supports (OpenAI, Anthropic, Ollama), so
 * a session stays sendable when it moves to a provider of another kind. One place, used on load,
 * before every request and by {@code sessions check}.
 */
public final class HistoryValidator {
    public static final Pattern TOOL_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    public static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** A stored history, or a request about to be sent (which must also end with the user's turn). */
    public enum Mode {
        HISTORY,
        REQUEST
    }

    private HistoryValidator() {}

    public static boolean isValid(List<Message> messages, Mode mode) {
        return validate(messages, mode).isEmpty();
    }

    public static List<Problem> validate(List<Message> messages, Mode mode) {
        Pass pass = new Pass();
        messages.forEach(pass::accept);
        return pass.problems(mode);
    }

    /**
     * One pass over a history, a message at a time, so a long one can be checked as it is read from the store
     * without holding it: what {@link #validate} does for a list.
     */
    public static final class Pass {
        private final List<Problem> problems = new ArrayList<>();
        private final Set<String> callIds = new HashSet<>();
        private final Set<String> open = new HashSet<>();
        private final Set<String> answered = new HashSet<>();
        private boolean conversationStarted;
        private @Nullable Message previous;
        private int count;

        /** The next message of the history. */
        public void accept(Message m) {
            int i = count++;
            boolean isResult = m instanceof ToolResultMessage;
            if (!isResult && !open.isEmpty()) {
                problems.add(new Problem(
                        HistoryRule.TOOL_CALL_UNANSWERED,
                        i - 1,
                        "tool call(s) " + open + " have no result before the next message"));
                open.clear();
            }
            if (m instanceof SystemMessage s) {
                if (conversationStarted) {
                    problems.add(new Problem(
                            HistoryRule.SYSTEM_INSIDE,
                            i,
                            "a system message inside the conversation; "
                                    + "Anthropic keeps the system prompt apart from the messages"));
                }
                if (s.text().isBlank()) {
                    problems.add(new Problem(HistoryRule.EMPTY_MESSAGE, i, "empty system message"));
                }
            } else {
                if (!conversationStarted && !(m instanceof UserMessage)) {
                    problems.add(new Problem(
                            HistoryRule.FIRST_NOT_USER,
                            i,
                            "the conversation must start with a user message, " + "not " + m.role()));
                }
                conversationStarted = true;
            }
            if (m instanceof UserMessage u) {
                if (u.isEmpty()) {
                    problems.add(new Problem(HistoryRule.EMPTY_MESSAGE, i, "empty user message"));
                }
                if (previous instanceof UserMessage) {
                    problems.add(new Problem(HistoryRule.CONSECUTIVE_SAME_ROLE, i, "two user messages in a row"));
                }
            } else if (m instanceof AssistantMessage a) {
                for (int k = 0; k < a.reasoning().size(); k++) {
                    if (!(a.reasoning().get(k) instanceof Reasoning.Thinking t)) {
                        continue;
                    }
                    if (t.misplaced()) {
                        problems.add(new Problem(
                                HistoryRule.THINKING_MISPLACED,
                                i,
                                "thinking block " + k + " came after text or tool use: the provider takes thinking "
                                        + "first"));
                    }
                    if (!t.valid()) {
                        problems.add(new Problem(
                                HistoryRule.THINKING_INVALID,
                                i,
                                "thinking block " + k + (t.thinking() == null ? " has no text" : " has no signature")
                                        + ": the provider refuses it"));
                    }
                }
                if (a.text().isBlank() && !a.hasToolCalls()) {
                    problems.add(new Problem(
                            HistoryRule.EMPTY_MESSAGE, i, "assistant message with neither text nor tool calls"));
                }
                if (previous instanceof AssistantMessage) {
                    problems.add(new Problem(HistoryRule.CONSECUTIVE_SAME_ROLE, i, "two assistant messages in a row"));
                }
                answered.clear();
                for (ToolCall c : a.toolCalls()) {
                    if (!TOOL_ID.matcher(c.id()).matches()) {
                        problems.add(new Problem(
                                HistoryRule.TOOL_ID_INVALID,
                                i,
                                "tool call id '" + c.id() + "' does not match ^[a-zA-Z0-9_-]{1,64}$"));
                    }
                    if (!callIds.add(c.id())) {
                        problems.add(new Problem(
                                HistoryRule.TOOL_ID_DUPLICATE, i, "tool call id '" + c.id() + "' is used again"));
                    }
                    if (!TOOL_NAME.matcher(c.name()).matches()) {
                        problems.add(new Problem(
                                HistoryRule.TOOL_NAME_INVALID,
                                i,
                                "tool name '" + c.name() + "' does not match ^[a-zA-Z0-9_-]{1,64}$"));
                    }
                    if (!isJsonObject(c.arguments())) {
                        problems.add(new Problem(
                                HistoryRule.TOOL_INPUT_NOT_OBJECT,
                                i,
                                "the arguments of " + c.id() + " are not a JSON object"));
                    }
                    open.add(c.id());
                }
            } else if (m instanceof ToolResultMessage t) {
                if (open.remove(t.callId())) {
                    answered.add(t.callId());
                } else if (answered.contains(t.callId())) {
                    problems.add(
                            new Problem(HistoryRule.TOOL_RESULT_DUPLICATE, i, "a second result for " + t.callId()));
                } else {
                    problems.add(new Problem(
                            HistoryRule.TOOL_RESULT_ORPHAN,
                            i,
                            "a result for " + t.callId()
                                    + " answers no call of the assistant message right before it"));
                }
                if (t.text().isBlank()) {
                    problems.add(new Problem(HistoryRule.EMPTY_MESSAGE, i, "empty tool result"));
                }
            }
            previous = m;
        }

        /** The problems of the messages so far, with those of how the history ends ({@code mode}). */
        public List<Problem> problems(Mode mode) {
            List<Problem> all = new ArrayList<>(problems);
            if (!open.isEmpty()) {
                all.add(new Problem(
                        HistoryRule.TOOL_CALL_UNANSWERED, count - 1, "tool call(s) " + open + " have no result"));
            }
            if (mode == Mode.REQUEST) {
                if (!(previous instanceof UserMessage) && !(previous instanceof ToolResultMessage)) {
                    all.add(new Problem(
                            HistoryRule.LAST_NOT_USER,
                            count - 1,
                            "a request must end with the user's turn (a user message or tool results)"));
                }
            }
            return all;
        }
    }

    /** Whether the text is exactly one JSON object (nothing before or after it). */
    public static boolean isJsonObject(String text) {
        return text != null && text.strip().startsWith("{") && JsonRecords.isOneObject(text);
    }
}
