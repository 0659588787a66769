package dev.heartbeat.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One read of agent.yaml: the tree with ${ENV} expanded, each key's line, and the variables that were unset;
 * errors name the key, the file and the line.
 */
final class YamlWithLines {
    private final Path file;
    private final EnvExpander expander;
    private final Map<String, Integer> lines = new HashMap<>();
    private final Map<String, String> unset = new LinkedHashMap<>();
    private final JsonNode tree;

    YamlWithLines(Path file, Map<String, String> env) {
        this.file = file;
        this.expander = new EnvExpander(env);
        this.tree = readTree();
    }

    JsonNode tree() {
        return tree;
    }

    boolean has(String pointer) {
        return lines.containsKey(pointer);
    }

    Map<String, String> unset() {
        return unset;
    }

    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                return 0;
            }
            p = p.substring(0, slash);
        }
    }

    ConfigException error(String pointer, String problem) {
        return new ConfigException(ConfigLoader.dotted(pointer), file, line(pointer), problem);
    }

    private JsonNode readTree() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
        }
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(
                        null,
                        file,
                        line(p),
                        "the file must be a mapping of sections "
                                + "(agent:, model:, heartbeat: ...), not a single value or a list");
            }
            return value(p, "");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
            throw new ConfigException(null, file, at == null ? 0 : at.getLineNr(), "not valid YAML: " + message);
        } catch (IOException e) {
            throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private JsonNode value(JsonParser p, String pointer) throws IOException {
        JsonToken token = p.currentToken();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = pointer + "/" + name;
                    if (object.has(name)) {
                        throw new ConfigException(
                                ConfigLoader.dotted(child), file, line(p), "this key appears twice; keep one");
                    }
                    lines.put(child, line(p));
                    p.nextToken();
                    object.set(name, value(p, child));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + i++;
                    lines.put(child, line(p));
                    array.add(value(p, child));
                }
                return array;
            }
            case VALUE_STRING -> {
                return nodes.textNode(expander.expand(p.getText(), name -> unset.putIfAbsent(pointer, name)));
            }
            case VALUE_NUMBER_INT -> {
                return nodes.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return nodes.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> throw new ConfigException(ConfigLoader.dotted(pointer), file, line(p), "unsupported YAML value");
        }
    }
}
