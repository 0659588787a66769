package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.notify.Notifier;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;

/** notify: tells the operator something through the configured channels. */
public final class NotifyTool implements Tool {
    private final Notifier notifier;

    /** Every delivery is told to the beat (through the call's context), so its decision record lists them. */
    public NotifyTool(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public String name() {
        return "notify";
    }

    @Override
    public ToolSpecification specification() {
        return ToolSpecification.builder()
                .name(name())
                .description("Send a message to the operator. Use it only when something needs a person's attention.")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("message", "what the operator should know, in one or two sentences")
                        .addEnumProperty("severity", List.of("info", "warning", "critical"), "how urgent; default info")
                        .required("message")
                        .build())
                .build();
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
        String message = Tool.text(arguments, "message").strip();
        if (message.isEmpty()) {
            throw ToolFailure.error("the message is empty");
        }
        String severity = Tool.text(arguments, "severity", "info");
        if (!Notifier.SEVERITIES.contains(severity)) {
            throw ToolFailure.error("severity must be info, warning or critical");
        }
        List<NotificationRecord> records =
                notifier.send(message, severity, context.beatId(), context.beatId() + ":" + context.callId(), false);
        records.forEach(context.events()::notified);
        long delivered = records.stream().filter(r -> r.status().equals("sent")).count();
        long suppressed =
                records.stream().filter(r -> r.status().equals("suppressed")).count();
        long held = records.stream().filter(r -> r.status().equals("held")).count();
        if (held > 0 && delivered == 0) {
            return "held for the digest: " + held + " channel(s) are outside their deliver-hours and send it when "
                    + "their window opens";
        }
        if (suppressed > 0 && delivered == 0) {
            return "not sent again: the operator already got this message recently (" + suppressed + " channel(s))";
        }
        if (delivered == 0 && !records.isEmpty()) {
            throw ToolFailure.error("no channel took the message: "
                    + records.stream()
                            .map(r -> r.channel() + ": " + r.detail())
                            .reduce((a, b) -> a + "; " + b)
                            .orElse(""));
        }
        return "sent to " + delivered + " of " + records.size() + " channel(s)";
    }
}
