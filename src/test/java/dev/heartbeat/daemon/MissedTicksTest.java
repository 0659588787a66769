package dev.heartbeat.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.quartz.TriggerBuilder;
import org.quartz.spi.OperableTrigger;

/** Ticks nobody ran are put on record, the one a killed node had taken from Quartz included. */
class MissedTicksTest extends AgentTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aMisfireAfterANodeDiedAccountsForTheTickTheDeadNodeHeld() throws Exception {
        agent.yaml("heartbeat:\n  every: 1s\n");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(T0.plusSeconds(42), ZoneOffset.UTC);
        fake.text("HEARTBEAT_OK");
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            // The last tick a beat took; the node that had taken the next (43) from Quartz then died unfenced.
            assertThat(runtime.tick(new BeatOptions(Decision.Trigger.SCHEDULE, false, false, null)
                            .fenced("beat-42", T0.plusSeconds(42), "node-a")))
                    .isPresent();
            clock.set(T0.plusSeconds(49).plusMillis(500));
            OperableTrigger next = (OperableTrigger) TriggerBuilder.newTrigger()
                    .startAt(Date.from(T0.plusSeconds(44)))
                    .build();
            next.computeFirstFireTime(null);
            Schedule schedule = new Schedule(config);
            new MissedTicks(runtime, config.agent().name(), schedule, clock, () -> "node-b").triggerMisfired(next);

            List<Decision> missed = runtime.store().decisionLog().list(null, null, 100).stream()
                    .map(StoredDecision::decision)
                    .filter(Objects::nonNull)
                    .filter(d -> d.trigger() == Decision.Trigger.MISSED)
                    .toList();
            assertThat(missed)
                    .extracting(d -> d.scheduledAt().toInstant())
                    .containsExactlyInAnyOrder(T0.plusSeconds(43), T0.plusSeconds(44));
        }
    }
}
