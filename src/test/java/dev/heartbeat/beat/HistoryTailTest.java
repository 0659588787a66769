package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.ToolResultMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A beat reads only the part of its session a context can still need, and the whole of it to repair it. */
class HistoryTailTest extends AgentTest {
    private static final BeatOptions TICK = new BeatOptions(Decision.Trigger.SCHEDULE, false, false);

    @Test
    void quietBeatsReadTheNewestTurnsOnlyAndARepairStillSeesTheWholeSession() throws Exception {
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            for (int i = 0; i < 40; i++) {
                fake.text("HEARTBEAT_OK");
                assertThat(runtime.beat(TICK).outcome()).isEqualTo(Decision.Outcome.QUIET);
                clock.advance(Duration.ofMinutes(30));
            }
            Store store = runtime.store();
            assertThat(store.sessions().history("test-agent")).hasSize(80);
            long from = store.sessions().contextFrom("test-agent");
            assertThat(store.sessions().historyFrom("test-agent", from))
                    .as("the last two quiet turns")
                    .hasSize(4);

            // A torn write in the part the beat reads: the repair reads and rewrites the whole session.
            store.sessions()
                    .append("test-agent", new ToolResultMessage("call_gone", "read_file", "orphan", false), "torn");
            fake.text("HEARTBEAT_OK");
            Decision d = runtime.beat(TICK);
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.QUIET);
            assertThat(d.repairs()).anySatisfy(r -> assertThat(r.rule()).isEqualTo("drop_orphan_result"));
            assertThat(store.sessions().history("test-agent"))
                    .as("nothing before the tail was left out of the new revision")
                    .hasSize(82);
            assertThat(store.sessions()
                            .historyFrom("test-agent", store.sessions().contextFrom("test-agent")))
                    .hasSize(4);
        }
        assertThat(agent.run("sessions", "check").exit()).isZero();
    }
}
