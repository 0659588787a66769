package dev.heartbeat.repair;

import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A summary made without a model: one line per folded turn with the tools it used and the first line
 * of its answer. Deterministic, so it is also the fallback when the model cannot summarise.
 */
public final class ExtractiveSummarizer implements Summarizer {
    private static final int LINE = 240;

    @Override
    public Made summarize(String previous, List<List<Message>> turns, int maxChars) {
        List<String> lines = new ArrayList<>();
        for (List<Message> turn : turns) {
            Set<String> tools = new LinkedHashSet<>();
            String answer = "";
            for (Message m : turn) {
                if (m instanceof AssistantMessage a) {
                    a.toolCalls().stream().map(ToolCall::name).forEach(tools::add);
                    if (!a.text().isBlank()) {
                        answer = a.text().strip().lines().findFirst().orElse("");
                    }
                }
            }
            String line = "- " + (tools.isEmpty() ? "" : "used " + String.join(", ", tools) + "; ")
                    + (answer.isEmpty() ? "no final answer" : "answered: " + answer);
            lines.add(line.length() > LINE ? line.substring(0, LINE - 3) + "..." : line);
        }
        StringBuilder out = new StringBuilder();
        if (previous != null && !previous.isBlank()) {
            out.append(previous.strip()).append('\n');
        }
        lines.forEach(l -> out.append(l).append('\n'));
        return new Made("extractive", keepNewest(out.toString(), maxChars));
    }

    /** Keeps the end of the text (the newest lines) when it is too long. */
    static String keepNewest(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text.strip();
        }
        String cut = text.substring(text.length() - maxChars);
        int newline = cut.indexOf('\n');
        return ("[... older entries dropped]\n" + (newline >= 0 ? cut.substring(newline + 1) : cut)).strip();
    }
}
