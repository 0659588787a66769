package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sessions.retention keeps the store bounded on a daemon that runs for a year, on record in the beats. */
class RetentionTest extends AgentTest {
    @Test
    void turnsOlderThanTheRetentionAreArchivedByTheBeatsNeverTheNewest() throws Exception {
        agent.yaml("sessions:\n  retention: { older-than: 30d, keep-turns: 2 }\n");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
        try (Store store = Store.open(agent.database(), clock)) {
            store.sessions().ensureSession("test-agent");
            for (int i = 0; i < 6; i++) {
                store.sessions().append("test-agent", new UserMessage("Heartbeat " + i), "b" + i);
                store.sessions().append("test-agent", new AssistantMessage("Did thing " + i + ".", List.of()), "b" + i);
            }
        }
        clock.advance(Duration.ofDays(40));
        fake.text("HEARTBEAT_OK").text("HEARTBEAT_OK");
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            assertThat(d.repairs()).anySatisfy(r -> {
                assertThat(r.rule()).isEqualTo("retention");
                assertThat(r.detail()).contains("archived 8 message(s) older than 30d");
            });
            try (Store store = agent.store()) {
                List<String> texts = store.sessions().history("test-agent").stream()
                        .map(m -> m.message() instanceof UserMessage u ? u.text() : "")
                        .filter(t -> t.matches("Heartbeat \\d"))
                        .toList();
                assertThat(texts).as("the newest two old turns are kept").containsExactly("Heartbeat 4", "Heartbeat 5");
            }
            // The first beat's own turn now counts among the newest two: the next beat archives one more old turn,
            // into an archive of its own (the same second: never over the first).
            Decision next = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            assertThat(next.repairs()).anySatisfy(r -> assertThat(r.detail()).contains("archived 2 message(s)"));
        }
        try (var archives = Files.list(agent.database().resolveSibling("archive"))) {
            assertThat(archives.toList())
                    .hasSize(2)
                    .allSatisfy(a -> assertThat(a.toString()).endsWith(".jsonl.gz"));
        }
        assertThat(agent.run("decisions", "verify").exit()).isZero();
        assertThat(agent.run("sessions", "check").exit()).isZero();
    }
}
