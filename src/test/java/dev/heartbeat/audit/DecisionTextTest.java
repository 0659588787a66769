package dev.heartbeat.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeat.support.Json;
import dev.heartbeat.support.JsonRecords;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A list's summary and the day's totals read straight from each record's text give what binding it gives. */
class DecisionTextTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-03T08:00:00Z");

    private static String record(Decision.Outcome outcome, Decision.Usage usage, @Nullable Double cost) {
        return Json.write(decision(outcome, usage, cost));
    }

    private static Decision decision(Decision.Outcome outcome, Decision.Usage usage, @Nullable Double cost) {
        return Decision.builder("01TEST", "agent", "agent")
                .trigger(Decision.Trigger.SCHEDULE)
                .times(AT, AT.plusSeconds(2))
                .outcome(outcome, "why")
                .model(new Decision.ModelInfo("openai", "gpt-4o-mini"))
                .usage(usage, cost)
                .gates(List.of(new Decision.Gate("checklist", true, "HEARTBEAT.md has items")))
                .tick("node-a", AT)
                .build();
    }

    @Test
    void aSummaryIsTheWholeRecordsWithoutTheBinder() {
        for (Decision d : List.of(
                decision(Decision.Outcome.QUIET, new Decision.Usage(1200, 4), null),
                decision(Decision.Outcome.ACTED, new Decision.Usage(5000, 300, 4096, 512), 0.0123))) {
            String json = Json.write(d);
            assertThat(DecisionText.fields(json).flatMap(DecisionText.Fields::summary))
                    .as(json)
                    .contains(Decision.Summary.of(d));
            assertThat(DecisionText.summary(json)).isEqualTo(JsonRecords.read(json, Decision.Summary.class));
        }
        String quiet = record(Decision.Outcome.QUIET, new Decision.Usage(1, 2), null);
        for (String json : List.of(
                quiet.replace("\"trigger\":\"schedule\"", "\"trigger\":\"cron\""),
                quiet.replace("\"node\":\"node-a\"", "\"node\":7"),
                quiet.replace("\"reason\":\"why\"", "\"reason\":null"),
                quiet.replace("2026-12-03T08:00:00Z", "yesterday"),
                quiet.replace("\"id\":\"01TEST\",", ""))) {
            assertThat(DecisionText.fields(json).flatMap(DecisionText.Fields::summary))
                    .as(json)
                    .isEmpty();
            Decision.Summary bound;
            try {
                bound = JsonRecords.read(json, Decision.Summary.class);
            } catch (RuntimeException e) {
                assertThatThrownBy(() -> DecisionText.summary(json)).as(json).isInstanceOf(RuntimeException.class);
                continue;
            }
            assertThat(DecisionText.summary(json)).as(json).isEqualTo(bound);
        }
    }

    @Test
    void readsWhatTheRecordsWrittenHoldWithoutTheBinder() {
        for (String json : List.of(
                record(Decision.Outcome.QUIET, new Decision.Usage(1200, 4), null),
                record(Decision.Outcome.ACTED, new Decision.Usage(5000, 300, 4096, 512), 0.0123),
                record(Decision.Outcome.FAILED, new Decision.Usage(0, 0), 0.0),
                record(Decision.Outcome.AWAITING_APPROVAL, new Decision.Usage(7, 8, 9), 1.5),
                "{\"outcome\":\"skipped\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0},\"extra\":[{\"a\":{}}]}")) {
            DecisionStats.Counted bound = JsonRecords.read(json, DecisionStats.Counted.class);
            assertThat(DecisionText.fields(json).flatMap(DecisionText.Fields::counted))
                    .as(json)
                    .contains(bound);
            assertThat(DecisionText.counted(json)).isEqualTo(bound);
        }
    }

    @Test
    void declinesWhatItDoesNotReadAsTheBinderWouldAndTheBinderDecides() {
        String quiet = record(Decision.Outcome.QUIET, new Decision.Usage(1200, 4), null);
        for (String json : List.of(
                quiet.replace("\"outcome\":\"quiet\"", "\"outcome\":\"QUIET\""),
                quiet.replace("\"input_tokens\":1200", "\"input_tokens\":\"1200\""),
                quiet.replace("\"input_tokens\":1200", "\"input_tokens\":1200.0"),
                quiet.replace("\"input_tokens\":1200", "\"input_tokens\":null"),
                quiet.replace("\"input_tokens\":1200", "\"input_tokens\":123456789012345678901234567890"),
                record(Decision.Outcome.QUIET, new Decision.Usage(1, 2), 0.5)
                        .replace("\"cost_usd\":0.5", "\"cost_usd\":3"),
                quiet.replace("\"usage\":{", "\"outcome\":\"acted\",\"usage\":{"),
                quiet + " trailing",
                "[1, 2]",
                "{\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}",
                "{\"outcome\":\"quiet\"}",
                quiet.substring(0, 60))) {
            assertThat(DecisionText.fields(json).flatMap(DecisionText.Fields::counted))
                    .as(json)
                    .isEmpty();
            DecisionStats.Counted bound;
            try {
                bound = JsonRecords.read(json, DecisionStats.Counted.class);
            } catch (RuntimeException e) {
                assertThatThrownBy(() -> DecisionText.counted(json)).as(json).isInstanceOf(RuntimeException.class);
                continue;
            }
            assertThat(DecisionText.counted(json)).as(json).isEqualTo(bound);
        }
    }
}
