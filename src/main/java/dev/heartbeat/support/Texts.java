package dev.heartbeat.support;

/** Text bounded for where it goes: a request, a record, a channel. */
public final class Texts {
    private Texts() {}

    /** What went wrong, for a person: the exception's message, or its kind when it has none. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }

    /** Keeps the head and the tail of an oversized text, with a marker saying how much was cut. */
    public static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int head = max * 2 / 3;
        int tail = max - head;
        return text.substring(0, head) + "\n[... " + (text.length() - head - tail) + " characters cut ...]\n"
                + text.substring(text.length() - tail);
    }
}
