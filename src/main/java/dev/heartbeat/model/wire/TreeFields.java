package dev.heartbeat.model.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Fields of an answer's tree read as a databind mapper reads them into the answer classes, or declined where the
 * mapper would convert (a number read as text, a fraction as a whole number) or refuse.
 */
public final class TreeFields {
    private TreeFields() {}

    /** The field's value, or null where it is absent or JSON null (the mapper leaves the property unset). */
    public static @Nullable JsonNode field(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    public static JsonNode object(JsonNode node) {
        if (!node.isObject()) {
            throw Decline.INSTANCE;
        }
        return node;
    }

    /** An array's items, each read by {@code item}. */
    public static <T> List<T> list(JsonNode node, Function<JsonNode, T> item) {
        if (!node.isArray()) {
            throw Decline.INSTANCE; // the mapper would read a lone value as a one-item list
        }
        List<T> read = new ArrayList<>();
        for (JsonNode n : node) {
            read.add(item.apply(n));
        }
        return read;
    }

    public static @Nullable String text(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw Decline.INSTANCE; // the mapper would turn a number or boolean into text, and refuse the rest
        }
        return value.textValue();
    }

    public static @Nullable Integer integer(JsonNode object, String name) {
        JsonNode value = field(object, name);
        if (value == null) {
            return null;
        }
        if (!value.isInt()) {
            throw Decline.INSTANCE; // text, a fraction or a number past int's range: the mapper's rules
        }
        return value.intValue();
    }
}
