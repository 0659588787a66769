package dev.heartbeat.heartbeat;

import java.util.regex.Pattern;

/** The agent's HEARTBEAT.md: what to look at on each beat. */
public record Checklist(String text) {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("#{1,6}(\\s.*)?");
    private static final Pattern EMPTY_ITEM = Pattern.compile("([-*+]|\\d+[.)])(\\s*\\[[ xX]?])?\\s*");

    /**
     * True when there is nothing to act on: only headings, blank lines, empty list items and HTML
     * comments. Such a beat is skipped without asking the model, which saves its tokens.
     */
    public boolean isEmpty() {
        String withoutComments = COMMENT.matcher(text).replaceAll("");
        for (String line : withoutComments.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || HEADING.matcher(t).matches() || EMPTY_ITEM.matcher(t).matches()) {
                continue;
            }
            return false;
        }
        return true;
    }
}
