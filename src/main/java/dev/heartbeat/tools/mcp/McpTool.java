package dev.heartbeat.tools.mcp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.support.Json;
import dev.heartbeat.tools.Tool;
import dev.heartbeat.tools.ToolCallContext;
import dev.heartbeat.tools.ToolFailure;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.Optional;

/**
 * One tool of an MCP server, as the model sees it ({@code SERVER__TOOL}). Whether it changes anything comes
 * from the server's annotations ({@code readOnlyHint}; the MCP defaults when absent: it may change things and
 * reach the open world) unless the config says otherwise. Its output is always untrusted data.
 */
final class McpTool implements Tool {
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {};

    private final McpServer server;
    private final String name;
    private final String serverTool;
    private final ToolSpecification specification;
    private final boolean sideEffecting;
    private final boolean openWorld;

    private McpTool(
            McpServer server,
            String name,
            String serverTool,
            ToolSpecification specification,
            boolean sideEffecting,
            boolean openWorld) {
        this.server = server;
        this.name = name;
        this.serverTool = serverTool;
        this.specification = specification;
        this.sideEffecting = sideEffecting;
        this.openWorld = openWorld;
    }

    static McpTool of(McpServer server, String name, McpSchema.Tool tool) {
        McpSchema.ToolAnnotations hints = tool.annotations();
        boolean readOnly = hints != null && Boolean.TRUE.equals(hints.readOnlyHint());
        boolean openWorld = hints == null || !Boolean.FALSE.equals(hints.openWorldHint());
        Map<String, Object> input = tool.inputSchema() == null ? Map.of() : tool.inputSchema();
        return new McpTool(
                server,
                name,
                tool.name(),
                McpSchemas.specification(name, tool.description(), input),
                server.config().sideEffecting().sideEffecting(tool.name(), readOnly),
                openWorld);
    }

    @Override
    public String name() {
        return name;
    }

    /** The tool's name on its server. */
    String serverTool() {
        return serverTool;
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public boolean sideEffecting() {
        return sideEffecting;
    }

    @Override
    public Optional<String> server() {
        return Optional.of(server.name());
    }

    @Override
    public boolean untrustedOutput() {
        return true;
    }

    @Override
    public boolean opensWorld() {
        return openWorld;
    }

    @Override
    public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
        Map<String, Object> args = Json.mapper().convertValue(arguments, ARGUMENTS);
        McpSchema.CallToolResult result = server.call(serverTool, args);
        String text = McpContent.text(result);
        if (Boolean.TRUE.equals(result.isError())) {
            throw ToolFailure.error(text.isEmpty() ? name + " failed (the server gave no reason)" : text);
        }
        return text;
    }
}
