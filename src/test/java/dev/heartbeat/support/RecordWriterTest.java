package dev.heartbeat.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.heartbeat.transcript.Message;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The record writer writes what the project's mapper writes, text and tree, for every shape it takes on, and
 * declines (leaves to the mapper) every shape it does not follow. The mapper is the oracle throughout.
 */
class RecordWriterTest {
    public enum Plain {
        ONE,
        TWO_WORDS
    }

    public enum Wired {
        RED;

        @JsonValue
        public String wire() {
            return "red!";
        }
    }

    public record Amount(@JsonValue long cents) {}

    public record Inner(String textValue, @Nullable Integer count, double ratio) {}

    public record Everything(
            String camelCaseName,
            int small,
            long large,
            double fraction,
            boolean flag,
            @Nullable String absent,
            @Nullable Boolean boxed,
            OffsetDateTime at,
            Plain plain,
            Wired wired,
            Amount amount,
            List<Inner> inners,
            List<@Nullable String> withNulls,
            Map<String, @Nullable Object> map,
            JsonNode tree,
            @JsonProperty("gen_ai.renamed") String renamed,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> emptyList,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String emptyText,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) long zeroButNonEmpty,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) long zeroDefault,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) long oneDefault,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean falseDefault,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String nonNull,

            @JsonIgnore String ignored) {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Circle.class, name = "circle"),
        @JsonSubTypes.Type(value = Square.class, name = "square")
    })
    public sealed interface Shape permits Circle, Square {}

    public record Circle(double radius) implements Shape {}

    public record Square(double side) implements Shape {}

    public record Drawing(
            Shape main, List<Shape> shapes, Circle concrete, List<Object> loose, Map<String, Shape> byName) {}

    @Test
    void writesEveryShapeAsTheMapperDoes() throws Exception {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("nothing", null);
        map.put("a", List.of("x", Map.of("deep", true)));
        map.put("inner", new Inner("i", null, 0.5));
        Everything value = new Everything(
                "text with \"quotes\", \\ backslash, \n newline, \u0001 control, é and 😀",
                -7,
                Long.MAX_VALUE,
                1.0E-7,
                true,
                null,
                false,
                OffsetDateTime.of(2026, 12, 3, 1, 2, 0, 0, ZoneOffset.ofHours(2)),
                Plain.TWO_WORDS,
                Wired.RED,
                new Amount(1234),
                List.of(new Inner("a", 3, 2.0), new Inner("b", null, Double.NaN)),
                Arrays.asList("x", null, "z"),
                map,
                Json.tree("{\"z\":1,\"a\":[1.5,null,{\"n\":12345678901234567890}],\"t\":\"s\"}"),
                "renamed",
                List.of(),
                "",
                0,
                0,
                1,
                false,
                null,
                "never written");

        assertSameAsMapper(value);
    }

    @Test
    void writesTimesWithEveryPrecisionAndOffsetAsTheMapperDoes() throws Exception {
        for (OffsetDateTime t : List.of(
                OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 1, 1, 0, 0, 5, 500_000_000, ZoneOffset.UTC),
                OffsetDateTime.of(2026, 1, 1, 0, 0, 5, 123_456_789, ZoneOffset.ofHoursMinutes(-3, -30)),
                OffsetDateTime.of(2026, 1, 1, 0, 0, 5, 1_000, ZoneOffset.ofHours(14)))) {
            assertSameAsMapper(new Inner(t.toString(), 1, 1.0));
            assertSameAsMapper(List.of(t));
            assertThat(RecordWriter.text(Map.of("at", t)))
                    .contains(Json.mapper().writeValueAsString(Map.of("at", t)));
        }
    }

    @Test
    void writesATypeIdWhereTheMapperKnowsTheTypeByItsBase() throws Exception {
        Map<String, Shape> byName = new LinkedHashMap<>();
        byName.put("c", new Circle(1));
        Drawing drawing = new Drawing(
                new Square(2), List.of(new Circle(3), new Square(4)), new Circle(5), List.of(new Circle(6)), byName);

        assertSameAsMapper(drawing);
        assertSameAsMapper(new Circle(7));
        // a list at the top is a list of Object to the mapper: no type ids
        assertSameAsMapper(List.of(new Circle(8)));
        assertThat(RecordWriter.text(drawing).orElseThrow())
                .contains("\"main\":{\"kind\":\"square\",\"side\":2.0}")
                .contains("\"loose\":[{\"radius\":6.0}]");
    }

    @Test
    void writesTheProjectsRecordsAsTheMapperDoes() throws Exception {
        assertSameAsMapper(RecordSamples.decisionWithEveryPart());
        for (Message m : RecordSamples.messagesOfEveryKind()) {
            assertSameAsMapper(m);
            assertThat(RecordWriter.text(m))
                    .as("%s is written, not declined", m)
                    .isPresent();
        }
    }

    public record ExtraGetter(String a) {
        public String getB() {
            return "b";
        }
    }

    public record IgnoredGetter(String a) {
        @JsonIgnore
        public boolean isBlank() {
            return a.isBlank();
        }
    }

    @Test
    void aGetterTheMapperIgnoresIsNotWritten() throws Exception {
        assertSameAsMapper(new IgnoredGetter("x"));
        assertThat(Json.write(new dev.heartbeat.transcript.UserMessage("hi")))
                .as("a user message is its role, text and attachments")
                .isEqualTo("{\"role\":\"user\",\"text\":\"hi\"}");
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ClassInclusion(@Nullable String a) {}

    public record Unusual(BigDecimal amount) {}

    public record Later(Instant at) {}

    public record Floats(float value) {}

    public record NumberKeys(Map<Integer, String> byNumber) {}

    public record Ordered(@JsonProperty(index = 1) String a) {}

    public record Read(
            @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
            String secret) {}

    public record Empty(
            @JsonInclude(JsonInclude.Include.NON_EMPTY) @Nullable
            Inner inner) {}

    public static final class Pojo {
        public String getA() {
            return "a";
        }
    }

    @Test
    void declinesWhatItDoesNotFollowAndTheMapperStillWritesIt() throws Exception {
        for (Object value : List.of(
                new ExtraGetter("a"),
                new ClassInclusion(null),
                new Unusual(new BigDecimal("1.50")),
                new Later(Instant.EPOCH),
                new Floats(1.5f),
                new NumberKeys(Map.of(1, "one")),
                new Ordered("a"),
                new Read("s"),
                new Empty(new Inner("x", 1, 1)),
                new Pojo(),
                List.of(new Pojo()))) {
            assertThat(RecordWriter.tree(value)).as("%s", value).isEmpty();
            assertThat(RecordWriter.text(value)).as("%s", value).isEmpty();
            assertThat(Json.write(value)).isEqualTo(Json.mapper().writeValueAsString(value));
        }
    }

    @Test
    void writesTreesAsTheMapperDoesAndDeclinesNodesHoldingObjects() throws Exception {
        JsonNode tree =
                Json.tree("{\"b\":[1,2.5,-3,1e300,true,null,\"x\"],\"a\":{\"big\":123456789012345678901234567890}}");
        assertThat(RecordWriter.text(tree)).contains(Json.mapper().writeValueAsString(tree));
        assertThat(Json.canonical(tree))
                .isEqualTo("{\"a\":{\"big\":123456789012345678901234567890},\"b\":[1,2.5,-3,1.0E300,true,null,\"x\"]}");

        JsonNodeFactory nodes = JsonNodeFactory.instance;
        assertThat(RecordWriter.text(nodes.objectNode().putPOJO("p", new Object())))
                .isEmpty();
        assertThat(RecordWriter.text(nodes.objectNode().put("f", 1.5f))).isEmpty();
        assertThat(RecordWriter.text(nodes.objectNode().put("d", new BigDecimal("1.0"))))
                .isEmpty();
    }

    @Test
    void aDocumentWrittenAsItIsMadeIsWhatPrettyWritesOfTheWholeTree() throws Exception {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode tree = Json.tree("{\"s\":\"é \\\" \\u0001\",\"a\":[1,2.5,{\"x\":[]},{}],\"n\":null,"
                + "\"big\":123456789012345678901234567890}");
        JsonNode floats = nodes.objectNode().put("f", 1.5f).put("d", new BigDecimal("1.0"));
        JsonNode doc = nodes.objectNode().put("first", true).set("tree", tree);
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc).set("floats", floats);

        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = Json.prettyGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanField("first", true);
            g.writeFieldName("tree");
            Json.writeTree(g, tree); // by the record writer
            g.writeFieldName("floats");
            Json.writeTree(g, floats); // by the mapper: a float and a decimal
            g.writeEndObject();
        }
        assertThat(out.toString()).isEqualTo(Json.pretty(doc));
    }

    @Test
    void aMapsNullValuesAreLeftOutAsTheMapperLeavesThemOut() throws Exception {
        Map<String, @Nullable Object> map = new HashMap<>();
        map.put("kept", "v");
        map.put("dropped", null);
        assertSameAsMapper(map);
        assertThat(RecordWriter.text(map)).contains("{\"kept\":\"v\"}");
    }

    private static void assertSameAsMapper(Object value) throws JsonProcessingException {
        String mapperText = Json.mapper().writeValueAsString(value);
        assertThat(RecordWriter.text(value)).as("text of %s", value).contains(mapperText);
        JsonNode tree = RecordWriter.tree(value).orElseThrow();
        assertThat(Json.mapper().writeValueAsString(tree))
                .as("tree of %s", value)
                .isEqualTo(Json.mapper().writeValueAsString(Json.mapper().valueToTree(value)));
        assertThat(Json.canonical(tree)).isEqualTo(Json.canonical(Json.mapper().valueToTree(value)));
    }
}
