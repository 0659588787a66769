package dev.heartbeat.support;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.ToolOutcome;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Attachment;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.time.OffsetDateTime;
import java.util.List;

/** The project's records with every part filled in: what the binder reads and the writer writes, to compare. */
final class RecordSamples {
    private RecordSamples() {}

    /** A decision record with every list and optional part set. */
    static Decision decisionWithEveryPart() {
        OffsetDateTime at = OffsetDateTime.parse("2026-12-02T08:00:00.123456+01:00");
        return Decision.builder("01ABC", "ops", "ops")
                .trigger(Decision.Trigger.MISSED)
                .times(at, at.plusSeconds(2))
                .outcome(Decision.Outcome.AWAITING_APPROVAL, "waits")
                .model(new Decision.ModelInfo("openai", "gpt"))
                .usage(new Decision.Usage(10, 2, 3, 4), 0.0125)
                .gates(List.of(new Decision.Gate("checklist", true, "3 items")))
                .probes(List.of(new Decision.ProbeRecord(
                        "disk", "command", "df", true, false, null, "f1", "90%", null, at, 12)))
                .modelCalls(List.of(new Decision.ModelCall(
                        1,
                        "chat",
                        "openai",
                        "gpt",
                        "gpt-1",
                        "r1",
                        List.of("tool_calls"),
                        10,
                        2,
                        3,
                        40,
                        List.of(new Decision.AttemptRecord(1, 500, "boom", 250)),
                        null,
                        7,
                        4)))
                .toolCalls(List.of(new Decision.ToolCallRecord(
                        "c1",
                        "fs__write_file",
                        Json.tree("{\"path\":\"a\",\"n\":[1,5000000000,1.5,null,true]}"),
                        true,
                        false,
                        ToolOutcome.AWAITING_APPROVAL,
                        "waiting",
                        0,
                        null,
                        null)))
                .repairs(List.of(new Decision.RepairRecord("orphan", "dropped", List.of(4L, 5L), "a", null)))
                .notifications(List.of(new Decision.NotificationRecord("ops", "warn", "sent", "ok")))
                .finalAnswer("done")
                .tick("node-1", at)
                .chain("p", "h")
                .build();
    }

    /** One message of every role, with attachments, tool calls and every kind of reasoning. */
    static List<Message> messagesOfEveryKind() {
        return List.of(
                new SystemMessage("sys", List.of(Json.tree("{\"type\":\"text\",\"text\":\"s\"}"))),
                new UserMessage(
                        "look",
                        List.of(new Attachment(
                                Attachment.ANTHROPIC,
                                Json.tree("{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"u\"}}")))),
                new AssistantMessage(
                        "thinking",
                        List.of(new ToolCall("c1", "read_file", "{\"path\":\"a\"}")),
                        List.of(
                                new Reasoning.Thinking("hm", "sig", true),
                                new Reasoning.RedactedThinking("opaque"),
                                new Reasoning.ReasoningContent("why")),
                        "gpt"),
                new ToolResultMessage("c1", "read_file", "contents", true),
                new ToolResultMessage("c2", "read_file", "contents", false));
    }
}
