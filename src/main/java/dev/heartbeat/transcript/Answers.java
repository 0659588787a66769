package dev.heartbeat.transcript;

/** Reads the model's final answer against the heartbeat protocol. */
public final class Answers {
    public static final String OK = "HEARTBEAT_OK";
    private static final String WRAPPERS = "*_`~#> \t\r\n\"'";
    private static final String TRAILING = ".!";

    private Answers() {}

    /** {@code HEARTBEAT_OK} alone, allowing markdown wrappers around it and trailing punctuation. */
    public static boolean isOk(String answer) {
        if (answer == null) {
            return false;
        }
        String s = trim(answer, WRAPPERS + TRAILING);
        return s.equalsIgnoreCase(OK);
    }

    private static String trim(String s, String chars) {
        int start = 0;
        int end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }
}
