package dev.heartbeat.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${VAR}} and {@code ${VAR:-default}} in configuration values from an environment map. */
final class EnvExpander {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> env;

    EnvExpander(Map<String, String> env) {
        this.env = env;
    }

    /**
     * Expands every reference in {@code text}. A variable that is unset (or empty, for the
     * {@code :-} form) and has no default becomes the empty string and is reported to
     * {@code unset}, so the caller decides whether that key may be empty.
     */
    String expand(String text, Consumer<String> unset) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String fallback = m.group(2);
            String value = env.get(name);
            if (value == null || (fallback != null && value.isEmpty())) {
                if (fallback != null) {
                    value = fallback;
                } else {
                    unset.accept(name);
                    value = "";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
