package dev.heartbeat.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jspecify.annotations.Nullable;

/**
 * Knows the secrets this process holds (API keys, webhook tokens) and masks them in any text before it
 * is logged, stored or printed. Process-wide, because log appenders are created by Logback, not by us.
 */
public final class Redactor {
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();
    /** Shorter values are too likely to occur by chance to be masked everywhere. */
    private static final int MIN_LENGTH = 6;

    private Redactor() {}

    public static void register(@Nullable String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    /**
     * A header value such as {@code Bearer TOKEN}: the whole value and the token alone, which is what a
     * model or an error message would repeat.
     */
    public static void registerCredential(@Nullable String value) {
        register(value);
        if (value != null) {
            for (String part : value.trim().split("\\s+")) {
                if (part.length() >= 12) {
                    register(part);
                }
            }
        }
    }

    /**
     * A URL that may carry a credential (a webhook whose path or query is its token): its user info, query
     * values and long path segments are masked wherever they show.
     */
    public static void registerUrl(@Nullable URI url) {
        if (url == null) {
            return;
        }
        register(url.getRawUserInfo());
        if (url.getRawQuery() != null) {
            for (String pair : url.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String value = eq < 0 ? pair : pair.substring(eq + 1);
                if (value.length() >= 12) {
                    register(value);
                }
            }
        }
        if (url.getRawPath() != null) {
            for (String segment : url.getRawPath().split("/")) {
                if (segment.length() >= 20) {
                    register(segment);
                }
            }
        }
    }

    /** Whether any secret is known: nothing to mask otherwise. */
    public static boolean hasSecrets() {
        return !SECRETS.isEmpty();
    }

    /**
     * JSON text with secrets masked after decoding: a secret written with {@code \\u} escapes is the same
     * secret to whoever parses the JSON (a tool), so every string and key is checked as decoded. Text that is
     * not JSON is masked as text.
     */
    public static String redactJson(String json) {
        if (json == null || SECRETS.isEmpty()) {
            return json;
        }
        JsonNode tree;
        try {
            tree = Json.tree(json);
        } catch (RuntimeException e) {
            return redact(json);
        }
        if (tree == null) {
            return redact(json);
        }
        JsonNode masked = mask(tree);
        return masked.equals(tree) ? redact(json) : Json.write(masked);
    }

    private static JsonNode mask(JsonNode node) {
        if (node.isTextual()) {
            String text = redact(node.asText());
            return text.equals(node.asText()) ? node : TextNode.valueOf(text);
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(mask(n)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(redact(e.getKey()), mask(e.getValue())));
            return out;
        }
        return node;
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
