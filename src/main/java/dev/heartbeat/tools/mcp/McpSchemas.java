package dev.heartbeat.tools.mcp;

import dev.heartbeat.support.Json;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An MCP tool's input schema as the tool specification the providers get. Each property's schema is passed
 * on as the server wrote it (a raw schema), so nothing the server said about an argument is lost in a
 * translation to LangChain4j's schema types.
 */
final class McpSchemas {
    /** Longer descriptions are cut: a server's text reaches every request, and it is the server's, not ours. */
    static final int MAX_DESCRIPTION = 1024;

    private McpSchemas() {}

    static ToolSpecification specification(String name, @Nullable String description, Map<String, Object> input) {
        JsonObjectSchema.Builder parameters = JsonObjectSchema.builder();
        Map<String, JsonSchemaElement> properties = new LinkedHashMap<>();
        if (input.get("properties") instanceof Map<?, ?> declared) {
            declared.forEach((key, schema) -> properties.put(String.valueOf(key), raw(schema)));
        }
        parameters.addProperties(properties);
        if (input.get("required") instanceof List<?> required) {
            List<String> names = new ArrayList<>();
            required.forEach(r -> names.add(String.valueOf(r)));
            parameters.required(names);
        }
        if (input.get("$defs") instanceof Map<?, ?> defs) {
            Map<String, JsonSchemaElement> definitions = new LinkedHashMap<>();
            defs.forEach((key, schema) -> definitions.put(String.valueOf(key), raw(schema)));
            parameters.definitions(definitions);
        }
        if (input.get("additionalProperties") instanceof Boolean additional) {
            parameters.additionalProperties(additional);
        }
        String text = description == null ? "" : description.strip();
        if (text.length() > MAX_DESCRIPTION) {
            text = text.substring(0, MAX_DESCRIPTION) + "…";
        }
        return ToolSpecification.builder()
                .name(name)
                .description(text)
                .parameters(parameters.build())
                .build();
    }

    private static JsonSchemaElement raw(@Nullable Object schema) {
        return JsonRawSchema.from(Json.write(schema == null ? Map.of() : schema));
    }
}
