package dev.heartbeat.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.transcript.Message;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class TreeBinderTest {
    private static final TreeBinder STRICT = new TreeBinder(
            ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE)::translate,
            true,
            Map.of(Duration.class, Duration::parse));
    private static final TreeBinder LENIENT = new TreeBinder(
            ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE)::translate,
            false,
            Map.of(Duration.class, Duration::parse));

    enum Colour {
        RED,
        DARK_BLUE;

        @JsonValue
        String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    enum Plain {
        ONE
    }

    record Name(String value) {
        @JsonCreator
        static Name of(String value) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("blank");
            }
            return new Name(value);
        }
    }

    record Inner(int count, @Nullable String note) {}

    record Outer(
            @Nullable String title,
            @Nullable Integer maxSteps,
            @Nullable Long total,
            @Nullable Double rate,
            @Nullable Boolean on,
            @Nullable Duration every,
            @Nullable Colour colour,
            @Nullable Plain plain,
            @Nullable Name name,
            @JsonProperty("gen_ai.model") @Nullable String model,
            @Nullable List<Inner> inners,
            @Nullable Map<String, Name> byKey,
            @Nullable JsonNode raw) {}

    record Checked(int count) {
        Checked {
            if (count < 0) {
                throw new IllegalArgumentException("negative");
            }
        }
    }

    record Created(String a) {
        @JsonCreator
        Created(@JsonProperty("b") String a, @JsonProperty("c") int ignored) {
            this(a);
        }
    }

    @Test
    void bindsEveryShapeItKnowsWithTheNamingOfItsMapper() {
        JsonNode tree = Json.tree(
                "{\"title\":\"t\",\"max-steps\":8,\"total\":5000000000,\"rate\":1.5,\"on\":true,"
                        + "\"every\":\"PT30M\",\"colour\":\"dark-blue\",\"plain\":\"ONE\",\"name\":\"n\",\"gen_ai.model\":\"m\","
                        + "\"inners\":[{\"count\":1},{\"count\":2,\"note\":null}],\"by-key\":{\"k\":\"v\"},\"raw\":{\"x\":[1]}}");

        Outer bound = STRICT.bind(tree, Outer.class).orElseThrow();

        assertThat(bound)
                .isEqualTo(new Outer(
                        "t",
                        8,
                        5_000_000_000L,
                        1.5,
                        true,
                        Duration.ofMinutes(30),
                        Colour.DARK_BLUE,
                        Plain.ONE,
                        new Name("n"),
                        "m",
                        List.of(new Inner(1, null), new Inner(2, null)),
                        Map.of("k", new Name("v")),
                        Json.tree("{\"x\":[1]}")));
    }

    @Test
    void declinesWhatDatabindWouldConvertOrReject() {
        for (String json : List.of(
                "{\"title\":5}", // a number as text: databind converts or refuses, by its settings
                "{\"max-steps\":\"8\"}", // text as a number
                "{\"max-steps\":5000000000}", // too large for an int
                "{\"on\":\"yes\"}",
                "{\"every\":\"soon\"}", // the parse throws
                "{\"every\":\"\"}",
                "{\"colour\":\"purple\"}",
                "{\"colour\":\"DARK_BLUE\"}", // by name, where the type names its constants by @JsonValue
                "{\"name\":\" \"}", // the creator throws
                "{\"inners\":{\"count\":1}}", // one value where a list is
                "{\"inners\":[{\"count\":\"1\"}]}",
                "{\"total\":1.5}")) {
            assertThat(STRICT.bind(Json.tree(json), Outer.class)).as(json).isEmpty();
        }
        assertThat(STRICT.bind(Json.tree("{\"count\":-1}"), Checked.class))
                .as("the constructor throws")
                .isEmpty();
        assertThat(STRICT.bind(Json.tree("{\"b\":\"x\",\"c\":1}"), Created.class))
                .as("a @JsonCreator constructor is databind's to call")
                .isEmpty();
    }

    @Test
    void strictDeclinesUnknownKeysAndNullOrMissingPrimitivesWhereLenientSkipsAndZeroes() {
        assertThat(STRICT.bind(Json.tree("{\"title\":\"t\",\"titel\":\"t\"}"), Outer.class))
                .isEmpty();
        assertThat(LENIENT.bind(Json.tree("{\"title\":\"t\",\"titel\":\"t\"}"), Outer.class))
                .map(Outer::title)
                .contains("t");

        assertThat(STRICT.bind(Json.tree("{\"count\":1}"), Inner.class)).contains(new Inner(1, null));
        assertThat(STRICT.bind(Json.tree("{}"), Inner.class)).isEmpty();
        assertThat(STRICT.bind(Json.tree("{\"count\":null}"), Inner.class)).isEmpty();
        assertThat(LENIENT.bind(Json.tree("{}"), Inner.class)).contains(new Inner(0, null));
        assertThat(LENIENT.bind(Json.tree("{\"count\":null}"), Inner.class)).contains(new Inner(0, null));
    }

    @Test
    void orElseTakesDatabindWhenTheBinderDeclinesAndTheCrosscheckCatchesADisagreement() {
        assertThat(TreeBinder.orElse(Optional.empty(), () -> "databind")).isEqualTo("databind");
        assertThat(TreeBinder.CROSSCHECK)
                .as("the tests run with the crosscheck")
                .isTrue();
        assertThat(TreeBinder.orElse(Optional.of("same"), () -> "same")).isEqualTo("same");
        assertThatThrownBy(() -> TreeBinder.orElse(Optional.of("binder"), () -> "databind"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("binder:   binder")
                .hasMessageContaining("databind: databind");
        assertThatThrownBy(() -> TreeBinder.orElse(Optional.of("binder"), () -> {
                    throw new IllegalArgumentException("rejected");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("accepted what databind rejects");
    }

    @Test
    void aDecisionRecordWithEveryPartIsReadByTheBinderAloneAsDatabindReadsIt() {
        Decision decision = RecordSamples.decisionWithEveryPart();
        String json = Json.write(decision);

        assertThat(JsonRecords.tree(json).flatMap(t -> JsonRecords.BINDER.bind(t, Decision.class)))
                .contains(Json.read(json, Decision.class))
                .contains(decision);
    }

    @Test
    void everyKindOfMessageIsReadByTheBinderAloneAsDatabindReadsIt() {
        List<Message> messages = RecordSamples.messagesOfEveryKind();
        for (Message m : messages) {
            String json = Json.write(m);
            assertThat(JsonRecords.tree(json).flatMap(t -> JsonRecords.BINDER.bind(t, Message.class)))
                    .as(json)
                    .contains(Json.read(json, Message.class))
                    .contains(m);
        }
        assertThat(JsonRecords.tree("{\"role\":\"robot\",\"text\":\"x\"}")
                        .flatMap(t -> JsonRecords.BINDER.bind(t, Message.class)))
                .as("a role no subtype has")
                .isEmpty();
        assertThat(JsonRecords.tree("{\"text\":\"x\"}").flatMap(t -> JsonRecords.BINDER.bind(t, Message.class)))
                .as("no role")
                .isEmpty();
    }

    @Test
    void theJsonTreeHasTheNodesDatabindsTreeHasAndDeclinesWhatItCouldReadOtherwise() {
        String json = "{\"i\":1,\"l\":5000000000,\"b\":123456789012345678901234567890,\"d\":1.25,\"s\":\"x\","
                + "\"t\":true,\"n\":null,\"a\":[1,{\"o\":[]}]}";
        assertThat(JsonRecords.tree(json)).contains(Json.tree(json));

        assertThat(JsonRecords.tree("{\"a\":1,\"a\":2}")).as("a key twice").isEmpty();
        assertThat(JsonRecords.tree("{} {}")).as("text after the document").isEmpty();
        assertThat(JsonRecords.tree("")).isEmpty();
        assertThat(JsonRecords.tree("{\"a\":")).isEmpty();
    }
}
