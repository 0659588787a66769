package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A message in the user role: for the heartbeat, the beat's prompt; in an imported history, also the images and
 * documents the user sent with it.
 */
public record UserMessage(
        String text,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Attachment> attachments) implements Message {
    public UserMessage {
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public UserMessage(String text) {
        this(text, List.of());
    }

    /** Nothing to read: no text and nothing attached. Not stored: the mapper took it for a property. */
    @JsonIgnore
    public boolean isEmpty() {
        return text.isBlank() && attachments.isEmpty();
    }

    @Override
    public String role() {
        return "user";
    }
}
