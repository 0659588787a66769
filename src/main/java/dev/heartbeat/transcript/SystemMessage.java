package dev.heartbeat.transcript;

/** Instructions in the system role (kept apart from the messages by providers that require it). */
public record SystemMessage(String text) implements Message {
    public SystemMessage {
        text = text == null ? "" : text;
    }

    @Override
    public String role() {
        return "system";
    }
}
