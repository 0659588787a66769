package dev.heartbeat.transcript;

/** A message in the user role: for the heartbeat, the beat's prompt. */
public record UserMessage(String text) implements Message {
    public UserMessage {
        text = text == null ? "" : text;
    }

    @Override
    public String role() {
        return "user";
    }
}
