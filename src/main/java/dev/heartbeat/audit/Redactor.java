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
