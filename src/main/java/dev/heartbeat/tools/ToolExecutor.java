package dev.heartbeat.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.heartbeat.audit.Decision.ToolCallRecord;
import dev.heartbeat.audit.Json;
import dev.heartbeat.audit.Redactor;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;

/**
 * Runs one tool call the model made, whatever the model sent: an unknown tool, arguments that are not
 * JSON, a tool that throws — each becomes an error result the model can read, never a crashed beat.
 * A side-effecting call has its intent committed before it runs and its result after; in a dry run
 * it is recorded and not run.
 */
public final class ToolExecutor {
    private static final int RECORD_CHARS = 500;

    private final ToolRegistry registry;
    private final Store store;
    private final int maxResultChars;

    public ToolExecutor(ToolRegistry registry, Store store, int maxResultChars) {
        this.registry = registry;
        this.store = store;
        this.maxResultChars = maxResultChars;
    }

    public record Execution(ToolResultMessage result, ToolCallRecord record) {
    }

    public Execution execute(ToolCall call, String beatId, boolean dryRun) {
        long start = System.nanoTime();
        JsonNode recordedArguments = recordable(call.arguments());
        Tool tool = registry.find(call.name()).orElse(null);
        if (tool == null) {
            return finish(call, recordedArguments, false, false, "unknown_tool", "unknown tool '" + call.name()
                    + "'; the available tools are: " + String.join(", ", registry.names()), true, start);
        }
        JsonNode arguments;
        try {
            arguments = Json.MAPPER.readTree(call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (JsonProcessingException e) {
            return finish(call, recordedArguments, tool.sideEffecting(), false, "bad_arguments",
                    "the arguments are not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                            + "); send a JSON object matching the tool's parameters", true, start);
        }
        if (arguments == null || !arguments.isObject()) {
            return finish(call, recordedArguments, tool.sideEffecting(), false, "bad_arguments",
                    "the arguments must be a JSON object, such as {\"path\": \"NOTES.md\"}", true, start);
        }
        if (tool.sideEffecting() && dryRun) {
            return finish(call, recordedArguments, true, false, "dry_run",
                    "dry run: " + call.name() + " was recorded, not executed; continue as if it had succeeded", false, start);
        }
        if (tool.sideEffecting()) {
            store.recordIntent(beatId, call.id(), call.name(), Redactor.redact(call.arguments()));
            dev.heartbeat.audit.Faults.point("after-intent");
        }
        String outcome;
        String text;
        boolean error;
        try {
            text = tool.run(arguments, new ToolCallContext(beatId, call.id()));
            outcome = "ok";
            error = false;
        } catch (ToolFailure f) {
            text = f.getMessage();
            outcome = f.refused() ? "refused" : "error";
            error = true;
        } catch (RuntimeException e) {
            text = call.name() + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            outcome = "error";
            error = true;
        }
        text = cut(Redactor.redact(text), maxResultChars);
        if (tool.sideEffecting()) {
            dev.heartbeat.audit.Faults.point("after-tool");
            store.completeIntent(beatId, call.id(), outcome, text);
        }
        return finish(call, recordedArguments, tool.sideEffecting(), true, outcome, text, error, start);
    }

    private static Execution finish(ToolCall call, JsonNode arguments, boolean sideEffecting, boolean executed,
                                    String outcome, String text, boolean error, long start) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        ToolResultMessage result = new ToolResultMessage(call.id(), call.name(), text, error);
        ToolCallRecord record = new ToolCallRecord(call.id(), call.name(), arguments, sideEffecting, executed, outcome,
                cut(text, RECORD_CHARS), ms);
        return new Execution(result, record);
    }

    /** The arguments for the decision record: parsed where they parse, else the raw text; secrets masked. */
    private static JsonNode recordable(String raw) {
        String redacted = Redactor.redact(raw);
        try {
            JsonNode node = Json.MAPPER.readTree(redacted);
            return node == null ? TextNode.valueOf(redacted) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(redacted);
        }
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
