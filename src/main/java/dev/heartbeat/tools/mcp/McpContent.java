package dev.heartbeat.tools.mcp;

import dev.heartbeat.support.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/**
 * A tool result as the text the model reads: text as it is, a resource's text with its URI, and a note in
 * place of what a text model cannot read (images, audio, binary resources), with its type and size.
 */
final class McpContent {
    private McpContent() {}

    static String text(McpSchema.CallToolResult result) {
        StringBuilder out = new StringBuilder();
        List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
        for (McpSchema.Content part : content) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(text(part));
        }
        // Structured content is the same result as JSON; a server that sends only that is read as JSON.
        if (out.length() == 0 && result.structuredContent() != null) {
            out.append(Json.write(result.structuredContent()));
        }
        return out.toString();
    }

    private static String text(McpSchema.Content part) {
        if (part instanceof McpSchema.TextContent t) {
            return t.text() == null ? "" : t.text();
        }
        if (part instanceof McpSchema.ImageContent i) {
            return "[image " + i.mimeType() + ", " + decodedBytes(i.data()) + " bytes: not shown]";
        }
        if (part instanceof McpSchema.AudioContent a) {
            return "[audio " + a.mimeType() + ", " + decodedBytes(a.data()) + " bytes: not shown]";
        }
        if (part instanceof McpSchema.EmbeddedResource e) {
            if (e.resource() instanceof McpSchema.TextResourceContents r) {
                return "[resource " + r.uri() + "]\n" + (r.text() == null ? "" : r.text());
            }
            if (e.resource() instanceof McpSchema.BlobResourceContents b) {
                return "[resource " + b.uri() + ", " + b.mimeType() + ", " + decodedBytes(b.blob())
                        + " bytes: not shown]";
            }
        }
        if (part instanceof McpSchema.ResourceLink l) {
            return "[resource link " + l.uri() + (l.name() == null ? "" : " (" + l.name() + ")") + "]";
        }
        return "[" + part.type() + " content: not shown]";
    }

    private static long decodedBytes(String base64) {
        return base64 == null ? 0 : base64.length() * 3L / 4;
    }
}
