package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.repair.Repairer;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a session keeps across revisions. */
class SessionStoreTest {
    @TempDir
    Path dir;

    @Test
    void theSummarySurvivesARepairAndStillCoversTheSameMessages() {
        try (Store store = Store.open(dir.resolve("hb.db"), Clock.systemUTC())) {
            store.sessions().ensureSession("s");
            store.sessions().append("s", new UserMessage("beat 1"), "b1");
            StoredMessage covered = store.sessions().append("s", new AssistantMessage("did a thing", List.of()), "b1");
            store.sessions().append("s", new UserMessage("beat 2"), "b2");
            // A crash mid-tool: a call without a result, which the repair answers.
            store.sessions().append("s", new AssistantMessage("", List.of(new ToolCall("c1", "notify", "{}"))), "b2");
            store.summaries().put("s", new Summaries.Summary(covered.id(), "llm", "beat 1 did a thing"));

            Repairer.Result repaired = Repairer.repair(Entry.of(store.sessions().history("s")));
            assertThat(repaired.changed()).isTrue();
            List<StoredMessage> after =
                    store.sessions().writeRevision("s", repaired.entries(), repaired.actions(), "b3");

            Summaries.Summary kept =
                    store.summaries().get("s").orElseThrow(() -> new AssertionError("summary lost by the repair"));
            assertThat(kept.text()).isEqualTo("beat 1 did a thing");
            assertThat(kept.method()).isEqualTo("llm");
            StoredMessage coveredNow = after.stream()
                    .filter(m -> m.id() == kept.coversTo())
                    .findFirst()
                    .orElseThrow();
            assertThat(coveredNow.message()).isEqualTo(covered.message());
        }
    }
}
