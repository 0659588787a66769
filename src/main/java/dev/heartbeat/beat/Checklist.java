package dev.heartbeat.beat;

import java.util.regex.Pattern;

/** The agent's HEARTBEAT.md: what to look at on each beat. */
public record Checklist(String text) {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("#{1,6}(\\s.*)?");
    private static final Pattern EMPTY_ITEM = Pattern.compile("([-*+]|\\d+[.)])(\\s*\\[[ xX]?])?\\s*");
    /** A setext heading's underline. */
    private static final Pattern UNDERLINE = Pattern.compile("=+|-+");
    /** A thematic break: three or more of one of - * _, spaces allowed between. */
    private static final Pattern BREAK = Pattern.compile("([-*_])(\\s*\\1){2,}");

    private static final Pattern FENCE = Pattern.compile("(`{3,}|~{3,}).*");
    private static final Pattern ITEM = Pattern.compile("([-*+]|\\d+[.)])\\s.*");

    /**
     * True when there is nothing to act on: only headings (ATX and setext), blank lines, empty list items,
     * thematic breaks, empty code fences and HTML comments. Such a beat is skipped without asking the model,
     * which saves its tokens.
     */
    public boolean isEmpty() {
        String[] lines = COMMENT.matcher(text).replaceAll("").split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            if (t.isEmpty()
                    || HEADING.matcher(t).matches()
                    || EMPTY_ITEM.matcher(t).matches()
                    || BREAK.matcher(t).matches()
                    || UNDERLINE.matcher(t).matches()) {
                continue;
            }
            if (FENCE.matcher(t).matches()) {
                int close = closingFence(lines, i);
                if (close < 0) {
                    return false;
                }
                i = close;
                continue;
            }
            if (i + 1 < lines.length
                    && UNDERLINE.matcher(lines[i + 1].strip()).matches()
                    && !ITEM.matcher(t).matches()) {
                i++; // a setext heading: this line and its underline
                continue;
            }
            return false;
        }
        return true;
    }

    /** The line that closes the fence opened at {@code open}, or -1 when a line in between holds text. */
    private static int closingFence(String[] lines, int open) {
        String opener = lines[open].strip();
        char mark = opener.charAt(0);
        int length = 0;
        while (length < opener.length() && opener.charAt(length) == mark) {
            length++;
        }
        for (int j = open + 1; j < lines.length; j++) {
            String t = lines[j].strip();
            if (t.length() >= length && t.chars().allMatch(c -> c == mark)) {
                return j;
            }
            if (!t.isEmpty()) {
                return -1;
            }
        }
        return lines.length - 1; // an unclosed fence runs to the end, and nothing in it was text
    }
}
