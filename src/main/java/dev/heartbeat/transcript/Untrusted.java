package dev.heartbeat.transcript;

/** How untrusted content (a page, a command's output, a file) is marked wherever it travels in a history. */
public final class Untrusted {
    /** How wrapped untrusted output begins: a message or summary holding it holds untrusted content. */
    public static final String MARK = "[untrusted data from ";

    private Untrusted() {}

    /** Whether the message carries untrusted content. */
    public static boolean in(Message m) {
        String text = m instanceof ToolResultMessage t
                ? t.text()
                : m instanceof UserMessage u ? u.text() : m instanceof AssistantMessage a ? a.text() : "";
        return text != null && text.contains(MARK);
    }
}
