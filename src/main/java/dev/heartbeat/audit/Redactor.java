package dev.heartbeat.audit;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Knows the secrets this process holds (API keys, webhook tokens) and masks them in any text before it
 * is logged, stored or printed. Process-wide, because log appenders are created by Logback, not by us.
 */
public final class Redactor {
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();
    /** Shorter values are too likely to occur by chance to be masked everywhere. */
    private static final int MIN_LENGTH = 6;

    private Redactor() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    /** The model's turn with secrets masked in its text and in its tool calls' arguments. */
    public static dev.heartbeat.transcript.AssistantMessage redact(dev.heartbeat.transcript.AssistantMessage m) {
        if (SECRETS.isEmpty()) {
            return m;
        }
        java.util.List<dev.heartbeat.transcript.ToolCall> calls = new java.util.ArrayList<>();
        for (dev.heartbeat.transcript.ToolCall c : m.toolCalls()) {
            calls.add(new dev.heartbeat.transcript.ToolCall(c.id(), c.name(), redact(c.arguments())));
        }
        return new dev.heartbeat.transcript.AssistantMessage(redact(m.text()), calls);
    }

    public static String redact(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            if (out.contains(secret)) {
                out = out.replace(secret, "<redacted>");
            }
        }
        return out;
    }
}
