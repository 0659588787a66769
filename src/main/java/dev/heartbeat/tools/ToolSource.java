package dev.heartbeat.tools;

import java.util.List;

/**
 * Where the model's tools come from: the built-ins and each MCP server. A beat asks every source for its
 * tools when it starts ({@link ToolSources#registry}), so a source may start, restart or lose tools between
 * beats; a tool learns of the beat it serves through its {@link ToolCallContext}.
 */
public interface ToolSource extends AutoCloseable {
    /** The source's name, for errors such as two tools of the same name. */
    String name();

    /** The tools this source offers now (a source that is down offers none). */
    List<Tool> tools();

    /** What the model should know about tools it cannot have this beat, one line each (a server that is down). */
    default List<String> unavailable() {
        return List.of();
    }

    /** Stops what the source started (server processes); a built-in source holds nothing. */
    @Override
    default void close() {}
}
