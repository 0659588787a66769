package dev.heartbeat.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.heartbeat.support.JsonRecords;
import dev.heartbeat.support.TreeBinder;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A stored decision's {@link DecisionStats.Counted} read straight from its text: the outcome, the usage and the cost,
 * every other field skipped unread. {@code status} adds up the day from each of the day's records, and read as a tree
 * and bound each cost ~0.5 ms of a cold command; a busy agent's day is hundreds of records. Like the record writer,
 * it declines (empty) whatever it does not read exactly as the binder would (a value of another JSON type, a number
 * past long, a key twice, text after the record): {@link JsonRecords} reads that one, with its result or its error.
 * Under the crosscheck both read every record and must agree.
 */
public final class CountedReader {
    private static final JsonFactory FACTORY = new JsonFactory();

    private CountedReader() {}

    /** The record's counted part, or the error {@link JsonRecords#read} gives for one it cannot read. */
    public static DecisionStats.Counted read(String json) {
        return TreeBinder.orElse(lean(json), () -> JsonRecords.read(json, DecisionStats.Counted.class));
    }

    static Optional<DecisionStats.Counted> lean(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Decision.Outcome outcome = null;
            Decision.Usage usage = null;
            Double cost = null;
            boolean costRead = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "outcome" -> {
                        if (outcome != null || value != JsonToken.VALUE_STRING) {
                            return Optional.empty();
                        }
                        outcome = outcome(p.getText());
                        if (outcome == null) {
                            return Optional.empty();
                        }
                    }
                    case "usage" -> {
                        if (usage != null || value != JsonToken.START_OBJECT) {
                            return Optional.empty();
                        }
                        usage = usage(p);
                        if (usage == null) {
                            return Optional.empty();
                        }
                    }
                    case "cost_usd" -> {
                        if (costRead || (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NULL)) {
                            return Optional.empty();
                        }
                        costRead = true;
                        cost = value == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
                    }
                    default -> p.skipChildren(); // reads, and so checks, every token of the value
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || outcome == null || usage == null) {
                return Optional.empty();
            }
            return Optional.of(new DecisionStats.Counted(outcome, usage, cost));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Decision.@Nullable Outcome outcome(String wire) {
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
}
