package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A capability the model may call during a beat. */
public interface Tool {
    String name();

    ToolSpecification specification();

    /** Whether running the tool changes anything outside the model's conversation. */
    boolean sideEffecting();

    /**
     * Refuses a call the tool's policy forbids whatever a person says (a program off the allowlist), before
     * anyone is asked to approve it. Nothing runs here.
     */
    default void check(JsonNode arguments) throws ToolFailure {}

    /** The MCP server the tool is called on, for the record and the approval rules; empty for a built-in. */
    default Optional<String> server() {
        return Optional.empty();
    }

    /**
     * Whether the tool's output comes from outside the operator's control in every call (an MCP server's):
     * it is always wrapped as untrusted data. The built-ins decide per call in the executor.
     */
    default boolean untrustedOutput() {
        return false;
    }

    /** Whether reading the output taints the beat, as a web page does: consequential tools then need a person. */
    default boolean opensWorld() {
        return false;
    }

    /** Runs the call and returns the text the model reads as the result. */
    String run(JsonNode arguments, ToolCallContext context) throws ToolFailure;

    /** A required text argument, or a failure naming it. */
    static String text(JsonNode arguments, String name) throws ToolFailure {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            throw ToolFailure.error("missing required argument '" + name + "'");
        }
        if (!value.isTextual()) {
            throw ToolFailure.error("argument '" + name + "' must be a string");
        }
        return value.asText();
    }

    /** An optional text argument, {@code fallback} when it is not given. */
    static String text(JsonNode arguments, String name, String fallback) throws ToolFailure {
        String value = optionalText(arguments, name);
        return value != null ? value : fallback;
    }

    /** An optional text argument, null when it is not given. */
    static @Nullable String optionalText(JsonNode arguments, String name) throws ToolFailure {
        JsonNode value = arguments.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ToolFailure.error("argument '" + name + "' must be a string");
        }
        return value.asText();
    }
}
