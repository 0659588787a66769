package dev.heartbeat.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heartbeat.support.JsonRecords;
import dev.heartbeat.support.TreeBinder;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a list and a day's totals need of a stored decision ({@link Decision.Summary}, {@link DecisionStats.Counted}),
 * read straight from the record's text: its top-level scalars and its usage, every other field skipped unread.
 * {@code status} adds up the day from each of the day's records, and {@code decisions list} shows fifty: read as a
 * tree and bound, each record cost ~0.5 ms of a cold command, and the first one the binder's start. Like the record
 * writer, it declines (empty) whatever it does not read exactly as the binder would (a value of another JSON type, a
 * number past long, a key twice, text after the record): {@link JsonRecords} reads that one, with its result or its
 * error. Under the crosscheck both read every record and must agree.
 */
public final class DecisionText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private DecisionText() {}

    /** The record's counted part, or the error {@link JsonRecords#read} gives for one it cannot read. */
    public static DecisionStats.Counted counted(String json) {
        return TreeBinder.orElse(
                fields(json).flatMap(Fields::counted), () -> JsonRecords.read(json, DecisionStats.Counted.class));
    }

    /** The record's summary, or the error {@link JsonRecords#read} gives for one it cannot read. */
    public static Decision.Summary summary(String json) {
        return TreeBinder.orElse(
                fields(json).flatMap(Fields::summary), () -> JsonRecords.read(json, Decision.Summary.class));
    }

    /** The fields read, as far as they were there; empty where the record is declined. */
    static Optional<Fields> fields(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Fields f = new Fields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                boolean read = switch (name) {
                    case "id" -> (f.id = text(p, value, f.id)) != null;
                    case "agent" -> (f.agent = text(p, value, f.agent)) != null;
                    case "reason" -> (f.reason = text(p, value, f.reason)) != null;
                    case "started_at" -> (f.startedAt = text(p, value, f.startedAt)) != null;
                    case "trigger" -> f.trigger == null && (f.trigger = trigger(text(p, value, null))) != null;
                    case "outcome" -> f.outcome == null && (f.outcome = outcome(text(p, value, null))) != null;
                    case "node" -> f.node(p, value);
                    case "cost_usd" -> f.cost(p, value);
                    case "usage" -> f.usage == null && value == JsonToken.START_OBJECT && (f.usage = usage(p)) != null;
                    default -> {
                        p.skipChildren(); // reads, and so checks, every token of the value
                        yield true;
                    }
                };
                if (!read) {
                    return Optional.empty();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(f);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A text value not read before (a key twice is declined), or null. */
    private static @Nullable String text(JsonParser p, JsonToken value, @Nullable String before) throws IOException {
        return before == null && value == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static Decision.@Nullable Trigger trigger(@Nullable String wire) {
        for (Decision.Trigger t : Decision.Trigger.values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        return null;
    }

    private static Decision.@Nullable Outcome outcome(@Nullable String wire) {
        for (Decision.Outcome o : Decision.Outcome.values()) {
            if (o.wire().equals(wire)) {
                return o;
            }
        }
        return null;
    }

    /** The usage object the parser is at the start of; null where it holds a count that is not a plain integer. */
    private static Decision.@Nullable Usage usage(JsonParser p) throws IOException {
        long[] counts = new long[4]; // absent counts are zero, as the binder reads them
        boolean[] read = new boolean[4];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int i = switch (p.currentName()) {
                case "input_tokens" -> 0;
                case "output_tokens" -> 1;
                case "cached_input_tokens" -> 2;
                case "cache_write_input_tokens" -> 3;
                default -> -1;
            };
            JsonToken value = p.nextToken();
            if (i < 0) {
                p.skipChildren();
                continue;
            }
            if (read[i]
                    || value != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return null;
            }
            read[i] = true;
            counts[i] = p.getLongValue();
        }
        return new Decision.Usage(counts[0], counts[1], counts[2], counts[3]);
    }

    /** The fields read of one record; what a projection needs and is not there makes it decline. */
    static final class Fields {
        @Nullable
        String id;

        @Nullable
        String agent;

        @Nullable
        String reason;

        @Nullable
        String startedAt; // parsed only for a summary: a day's totals do not need it

        Decision.@Nullable Trigger trigger;
        Decision.@Nullable Outcome outcome;
        Decision.@Nullable Usage usage;

        @Nullable
        String node;

        @Nullable
        Double cost;

        private boolean nodeRead;
        private boolean costRead;

        private boolean node(JsonParser p, JsonToken value) throws IOException {
            if (nodeRead || (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL)) {
                return false;
            }
            nodeRead = true;
            node = value == JsonToken.VALUE_NULL ? null : p.getText();
            return true;
        }

        private boolean cost(JsonParser p, JsonToken value) throws IOException {
            if (costRead || (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NULL)) {
                return false;
            }
            costRead = true;
            cost = value == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
            return true;
        }

        Optional<DecisionStats.Counted> counted() {
            if (outcome == null || usage == null) {
                return Optional.empty(); // the binder's reading fails, and says why
            }
            return Optional.of(new DecisionStats.Counted(outcome, usage, cost));
        }

        Optional<Decision.Summary> summary() {
            if (id == null
                    || agent == null
                    || trigger == null
                    || startedAt == null
                    || outcome == null
                    || reason == null
                    || usage == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Decision.Summary(
                        id, agent, trigger, OffsetDateTime.parse(startedAt), outcome, reason, usage, node));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }
}
