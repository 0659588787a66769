package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.UserMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The look for beats a crash cut short that left only messages (as beats did before each was put on record at
 * its start): found behind the beats on record and behind a history longer than the look goes back, and nothing
 * found after beats that ended well. And the look for side effects left open reads an index of the open ones, not
 * every tool call ever made.
 */
class InterruptedBeatsTest extends AgentTest {
    private void quietBeats(int n) throws Exception {
        try (AgentRuntime runtime =
                new AgentRuntime(new ConfigLoader(agent.env()).read(agent.config()), Clock.systemUTC())) {
            for (int i = 0; i < n; i++) {
                fake.text("HEARTBEAT_OK");
                Decision d = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, false, true));
                assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.QUIET);
            }
        }
    }

    private static void died(Store store, String beatId) {
        store.sessions().append("test-agent", new UserMessage("a beat that died"), beatId);
        store.sessions().append("test-agent", new AssistantMessage("half an answer", List.of()), beatId);
    }

    @Test
    void nothingIsInterruptedAfterBeatsThatEndedWell() throws Exception {
        quietBeats(3);
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            assertThat(store.intents().interruptedBeats("test-agent", "test-agent", "the-running-beat"))
                    .isEmpty();
        }
    }

    @Test
    void aBeatThatLeftOnlyMessagesIsFoundBehindTheBeatsOnRecord() throws Exception {
        quietBeats(3);
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            died(store, "01DIEDBEAT");
            StoredMessage first = store.sessions().allMessages("test-agent").stream()
                    .filter(m -> "01DIEDBEAT".equals(m.beatId()))
                    .findFirst()
                    .orElseThrow();

            List<Intents.Interrupted> found = store.intents().interruptedBeats("test-agent", "test-agent", "other");

            assertThat(found).singleElement().satisfies(b -> {
                assertThat(b.beatId()).isEqualTo("01DIEDBEAT");
                assertThat(b.since()).isEqualTo(first.createdAt());
            });
        }
    }

    @Test
    void twoBeatsThatDiedOneAfterTheOtherAreBothFoundOldestFirst() throws Exception {
        quietBeats(2);
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            died(store, "01DIEDFIRST");
            died(store, "01DIEDSECOND");

            assertThat(store.intents().interruptedBeats("test-agent", "test-agent", "other"))
                    .extracting(Intents.Interrupted::beatId)
                    .containsExactly("01DIEDFIRST", "01DIEDSECOND");
        }
    }

    @Test
    void aBeatThatDiedOnAnImportedHistoryLongerThanTheLookBackIsFound() throws Exception {
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            store.sessions().ensureSession("test-agent");
            List<Message> imported = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                imported.add(new UserMessage("imported " + i));
                imported.add(new AssistantMessage("noted " + i, List.of()));
            }
            store.sessions().appendAll("test-agent", imported, Collections.nCopies(imported.size(), null));
            died(store, "01DIEDONIMPORT");

            assertThat(store.intents().interruptedBeats("test-agent", "test-agent", "other"))
                    .extracting(Intents.Interrupted::beatId)
                    .containsExactly("01DIEDONIMPORT");
        }
    }

    @Test
    void theLookForOpenSideEffectsReadsAnIndexNotEverySideEffectEverBegun() throws Exception {
        quietBeats(1);
        List<String> plan = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + Intents.OPEN_INTENTS)) {
            ps.setString(1, "test-agent");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString("detail"));
                }
            }
        }
        // A plain SCAN of tool_intents reads every call's arguments and result at every beat.
        assertThat(plan).as("query plan").noneMatch(step -> step.equals("SCAN i"));
        assertThat(plan)
                .as("query plan")
                .anyMatch(step -> step.startsWith("SCAN i USING INDEX") || step.startsWith("SEARCH i USING INDEX"));
    }
}
