package dev.heartbeat.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heartbeat.support.Json;
import dev.heartbeat.support.JsonRecords;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The day's totals read straight from each record's text give what binding the record gives. */
class CountedReaderTest {
    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-12-03T08:00:00Z");

    private static String record(Decision.Outcome outcome, Decision.Usage usage, @Nullable Double cost) {
        return Json.write(Decision.builder("01TEST", "agent", "agent")
                .trigger(Decision.Trigger.SCHEDULE)
                .times(AT, AT.plusSeconds(2))
                .outcome(outcome, "why")
                .model(new Decision.ModelInfo("openai", "gpt-4o-mini"))
                .usage(usage, cost)
                .gates(List.of(new Decision.Gate("checklist", true, "HEARTBEAT.md has items")))
                .build());
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
            assertThat(CountedReader.lean(json)).as(json).contains(bound);
            assertThat(CountedReader.read(json)).isEqualTo(bound);
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
            assertThat(CountedReader.lean(json)).as(json).isEmpty();
            DecisionStats.Counted bound;
            try {
                bound = JsonRecords.read(json, DecisionStats.Counted.class);
            } catch (RuntimeException e) {
                assertThatThrownBy(() -> CountedReader.read(json)).as(json).isInstanceOf(RuntimeException.class);
                continue;
            }
            assertThat(CountedReader.read(json)).as(json).isEqualTo(bound);
        }
    }
}
