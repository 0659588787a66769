package dev.heartbeat.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads records in the project's JSON ({@link Json#read}) with the streaming parser and {@link TreeBinder}, so a
 * command that only reads a few stored records (status, decisions list) does not start {@link Json#mapper()}: its
 * modules and the introspection of the record types cost a cold command more than reading them. Whatever the binder
 * declines is read by {@link Json#read}, with its result or its error.
 */
public final class JsonRecords {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** {@link Json#mapper()}'s reading: snake_case keys, unknown keys skipped, absent numbers zero, ISO-8601 times. */
    static final TreeBinder BINDER = new TreeBinder(
            ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)::translate,
            false,
            Map.of(OffsetDateTime.class, OffsetDateTime::parse));

    private JsonRecords() {}

    /**
     * Set once {@link Json#mapper()} has started: from then on its warm reading, straight from the text, is cheaper
     * than a tree and the binder (a beat reads hundreds of messages; a command that only inspects, a few).
     */
    static volatile boolean mapperStarted;

    /** As {@link Json#read}: the record, or an {@link java.io.UncheckedIOException} for JSON it cannot bind. */
    public static <T> T read(String json, Class<T> type) {
        if (mapperStarted && !TreeBinder.CROSSCHECK) {
            return Json.read(json, type);
        }
        return TreeBinder.orElse(tree(json).flatMap(t -> BINDER.bind(t, type)), () -> Json.read(json, type));
    }

    /** Whether the text is one JSON object and nothing after it (as databind's strict reading of a tree checks). */
    public static boolean isOneObject(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren(); // reads, and so checks, every token to the object's end
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) { // any failure to read is "not one object", as it was
            return false;
        }
    }

    /**
     * The tree of one JSON document, with the node types databind's {@code readTree} gives; empty for anything
     * else (malformed, empty, a key twice, text after the document), which {@link Json} then reads.
     */
    static Optional<JsonNode> tree(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                return Optional.empty();
            }
            JsonNode root = value(p);
            return root == null || p.nextToken() != null ? Optional.empty() : Optional.of(root);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static @Nullable JsonNode value(JsonParser p) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    JsonNode child = value(p);
                    if (child == null || object.has(name)) {
                        return null;
                    }
                    object.set(name, child);
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    JsonNode child = value(p);
                    if (child == null) {
                        return null;
                    }
                    array.add(child);
                }
                return array;
            }
            case VALUE_STRING -> {
                return nodes.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> nodes.numberNode(p.getIntValue());
                    case LONG -> nodes.numberNode(p.getLongValue());
                    default -> nodes.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getNumberType() == JsonParser.NumberType.DOUBLE ? nodes.numberNode(p.getDoubleValue()) : null;
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> {
                return null;
            }
        }
    }
}
