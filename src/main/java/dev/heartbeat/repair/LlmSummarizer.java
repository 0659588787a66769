package dev.heartbeat.repair;

import dev.heartbeat.model.ChatClient;
import dev.heartbeat.model.ModelFailure;
import dev.heartbeat.model.ModelReply;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Asks the model to summarise older turns, sent as plain text in one user message (so no tool-call
 * structure can make the request invalid). Falls back to {@link ExtractiveSummarizer} when the model
 * fails or answers nothing.
 */
public final class LlmSummarizer implements Summarizer {
    private static final int TURN_CHARS = 1200;
    private static final int INPUT_CHARS = 24_000;

    private final ChatClient model;
    private final Instant deadline;
    private final Consumer<ModelReply> calls;
    private final Consumer<ModelFailure> failures;
    private final Summarizer fallback = new ExtractiveSummarizer();

    /** {@code calls} and {@code failures} hear of the model call, for the decision record. */
    public LlmSummarizer(
            ChatClient model, Instant deadline, Consumer<ModelReply> calls, Consumer<ModelFailure> failures) {
        this.model = model;
        this.deadline = deadline;
        this.calls = calls;
        this.failures = failures;
    }

    @Override
    public Made summarize(String previous, List<List<Message>> turns, int maxChars) {
        StringBuilder transcript = new StringBuilder();
        List<String> rendered = new ArrayList<>();
        for (List<Message> turn : turns) {
            rendered.add(render(turn));
        }
        // Newest turns matter most: fill the input from the end.
        List<String> kept = new ArrayList<>();
        int size = 0;
        for (int i = rendered.size() - 1; i >= 0 && size < INPUT_CHARS; i--) {
            kept.add(0, rendered.get(i));
            size += rendered.get(i).length();
        }
        if (kept.size() < rendered.size()) {
            transcript.append("[").append(rendered.size() - kept.size()).append(" older turns omitted]\n\n");
        }
        kept.forEach(t -> transcript.append(t).append('\n'));
        String prompt = "Summarise these earlier heartbeat turns for your future self, in at most " + (maxChars / 5)
                + " words: what was done and when, what is still pending, and facts worth remembering. "
                + "Plain bullet points, no preamble.\n\n"
                + (previous.isBlank() ? "" : "Summary so far:\n" + previous + "\n\n")
                + "Turns to fold in:\n" + transcript;
        try {
            ModelReply reply = model.ask(
                    new SystemMessage("You write concise, factual summaries."),
                    List.of(new UserMessage(prompt)),
                    List.of(),
                    "summary",
                    deadline);
            calls.accept(reply);
            String text = reply.message().text().strip();
            if (!text.isEmpty() && !reply.message().hasToolCalls()) {
                return new Made("llm", text.length() > maxChars ? text.substring(0, maxChars) : text);
            }
        } catch (ModelFailure e) {
            failures.accept(e);
        }
        return fallback.summarize(previous, turns, maxChars);
    }

    private static String render(List<Message> turn) {
        StringBuilder out = new StringBuilder();
        for (Message m : turn) {
            String line;
            if (m instanceof UserMessage u) {
                line = "user: " + u.text();
            } else if (m instanceof AssistantMessage a) {
                StringBuilder s = new StringBuilder("assistant: ").append(a.text());
                for (ToolCall c : a.toolCalls()) {
                    s.append(" [called ")
                            .append(c.name())
                            .append(' ')
                            .append(c.arguments())
                            .append(']');
                }
                line = s.toString();
            } else if (m instanceof ToolResultMessage t) {
                line = "result of " + t.toolName() + (t.isError() ? " (error)" : "") + ": " + t.text();
            } else {
                continue;
            }
            out.append(line.length() > 400 ? line.substring(0, 400) + "..." : line)
                    .append('\n');
        }
        String s = out.toString();
        return s.length() > TURN_CHARS ? s.substring(0, TURN_CHARS) + "...\n" : s;
    }
}
