package dev.heartbeat.tools;

import java.util.List;

/**
 * Where the model's tools come from: the built-ins today, MCP servers next. The registry is built once from
 * the sources; a tool learns of the beat it serves through its {@link ToolCallContext}.
 */
public interface ToolSource {
    /** The source's name, for errors such as two tools of the same name. */
    String name();

    /** The tools this source offers. */
    List<Tool> tools();
}
