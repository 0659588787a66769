package dev.heartbeat.model.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Plain values written with Jackson's generator as a databind mapper writes them. */
public final class PlainValues {
    private PlainValues() {}

    /** A property left out when null, as the mappers of the request classes leave them out. */
    public static void value(JsonGenerator g, String name, @Nullable Object value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            write(g, value);
        }
    }

    /** A property left out when null or empty ({@code ""}, {@code []}, <code>{}</code>). */
    public static void filled(JsonGenerator g, String name, @Nullable Object value) throws IOException {
        if (!empty(value)) {
            value(g, name, value);
        }
    }

    public static boolean empty(@Nullable Object value) {
        return value == null
                || value instanceof String s && s.isEmpty()
                || value instanceof Collection<?> c && c.isEmpty()
                || value instanceof Map<?, ?> m && m.isEmpty();
    }

    /**
     * A plain value — text, number, boolean, null, a list or a map of them, as a JSON schema is given; anything
     * else is declined.
     */
    public static void write(JsonGenerator g, @Nullable Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw Decline.INSTANCE;
                }
                g.writeFieldName(key);
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                write(g, item);
            }
            g.writeEndArray();
        } else {
            throw Decline.INSTANCE;
        }
    }
}
