package dev.heartbeat.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The project's JSON: snake_case records, ISO-8601 timestamps with offset, and a canonical form for hashing. */
public final class Json {
    private Json() {}

    /**
     * The mapper for records as the outside world reads them (decision records, --json output). Built on first use,
     * in a holder: its modules and its introspection of each type cost a cold command more than the rest of its
     * work, so only the commands that use it pay for it ({@link #write} and {@link #toTree} use {@link RecordWriter}
     * where it can, {@link JsonRecords} reads records without it).
     */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    private static final class Mapper {
        static final ObjectMapper INSTANCE = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();

        static {
            JsonRecords.mapperStarted = true;
        }
    }

    /** The value as compact JSON: by {@link RecordWriter} where it can, else by the mapper, the same text. */
    public static String write(Object value) {
        Optional<String> fast = RecordWriter.text(value);
        if (fast.isEmpty()) {
            return writeWithMapper(value);
        }
        if (TreeBinder.CROSSCHECK) {
            String mapper = writeWithMapper(value);
            if (!fast.get().equals(mapper)) {
                throw new AssertionError("the record writer and the mapper disagree:\n  writer: " + fast.get()
                        + "\n  mapper: " + mapper);
            }
        }
        return fast.get();
    }

    private static String writeWithMapper(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value's tree, as the mapper's {@code valueToTree} gives it: by {@link RecordWriter} where it can. */
    public static JsonNode toTree(Object value) {
        Optional<JsonNode> fast = RecordWriter.tree(value);
        if (fast.isEmpty()) {
            return mapper().valueToTree(value);
        }
        if (TreeBinder.CROSSCHECK) {
            // compared as the mapper writes them: a number may be an int node one way and a long node the other
            String writer = writeWithMapper(fast.get());
            String mapper = writeWithMapper(mapper().valueToTree(value));
            if (!writer.equals(mapper)) {
                throw new AssertionError("the record writer and the mapper disagree on a tree:\n  writer: " + writer
                        + "\n  mapper: " + mapper);
            }
        }
        return fast.get();
    }

    /**
     * A generator that writes to {@code out} (left open when it is closed) in {@link #pretty}'s layout, for a
     * document too long to build as a tree first; its trees go through {@link #writeTree}. The mapper is not started.
     */
    public static JsonGenerator prettyGenerator(Writer out) throws IOException {
        return Generators.FACTORY
                .createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .useDefaultPrettyPrinter();
    }

    /** Writes {@code tree} as the mapper writes it: by {@link RecordWriter} where it can, else by the mapper. */
    public static void writeTree(JsonGenerator g, JsonNode tree) throws IOException {
        if (!RecordWriter.writeTree(g, tree)) {
            mapper().writeTree(g, tree);
        }
    }

    private static final class Generators {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    public static String pretty(Object value) {
        try {
            return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The tree of a JSON document, as the mapper's {@code readTree} gives it: read with the streaming parser where
     * {@link JsonRecords#tree} can, by the mapper where it declines (and under the crosscheck, both and compared).
     */
    public static JsonNode tree(String json) {
        Optional<JsonNode> fast = JsonRecords.tree(json);
        if (fast.isPresent() && !TreeBinder.CROSSCHECK) {
            return fast.get();
        }
        JsonNode read;
        try {
            read = mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        if (fast.isPresent() && !fast.get().equals(read)) {
            throw new AssertionError(
                    "the streaming reader and the mapper disagree:\n  reader: " + fast.get() + "\n  mapper: " + read);
        }
        return read;
    }

    /** Compact JSON with object keys sorted at every level: the same tree always gives the same bytes. */
    public static String canonical(JsonNode node) {
        return write(sorted(node));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}
