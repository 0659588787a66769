package dev.heartbeat.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.config.Provider;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.Summaries;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A beat reads its session only from the context's {@code keepFrom} on: the context it builds from there is
 * the one it would build from the whole revision — the same turns sent, the same turns folded — over many
 * beats of quiet, acting, tool-calling and unanswered turns.
 */
class ContextFromTest {
    @TempDir
    Path dir;

    /** Folds deterministically and names what it folded, so two builds that fold differently differ. */
    private static final Summarizer NAMING = (previous, turns, maxChars) -> new Summarizer.Made(
            "extractive",
            previous
                    + turns.stream()
                            .map(t -> ((UserMessage) t.get(0)).text())
                            .collect(Collectors.joining(",", "[", "]")));

    @Test
    void theContextFromKeepFromOnIsTheContextFromTheWholeRevision() {
        for (long seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed);
            try (Store store = Store.open(dir.resolve("s" + seed + ".db"), Clock.systemUTC())) {
                store.sessions().ensureSession("s");
                ContextBuilder builder = new ContextBuilder(
                        TokenEstimator.forProvider(Provider.OPENAI),
                        NAMING,
                        300 + random.nextInt(900),
                        1 + random.nextInt(5),
                        200);
                long from = 0;
                for (int beat = 0; beat < 90; beat++) {
                    appendTurn(store, beat, random);
                    Optional<Summaries.Summary> summary = store.summaries().get("s");
                    ContextBuilder.Context whole =
                            builder.build(store.sessions().history("s"), summary);
                    ContextBuilder.Context tail = builder.build(store.sessions().historyFrom("s", from), summary);
                    assertThat(tail.messages())
                            .as("seed %d beat %d", seed, beat)
                            .isEqualTo(whole.messages());
                    assertThat(tail.newSummary())
                            .as("seed %d beat %d", seed, beat)
                            .isEqualTo(whole.newSummary());
                    assertThat(tail.keepFrom()).isEqualTo(whole.keepFrom());
                    whole.newSummary().ifPresent(s -> store.summaries().put("s", s));
                    from = Math.max(from, whole.keepFrom());
                }
                assertThat(store.sessions().historyFrom("s", from).size())
                        .as("seed %d reads a fraction", seed)
                        .isLessThan(store.sessions().history("s").size() / 3);
            }
        }
    }

    private static void appendTurn(Store store, int beat, Random random) {
        String b = "b" + beat;
        store.sessions().append("s", new UserMessage("Heartbeat " + beat + "\nthe checklist"), b);
        switch (random.nextInt(6)) {
            case 0, 1, 2 -> store.sessions().append("s", new AssistantMessage("HEARTBEAT_OK", List.of()), b);
            case 3 -> store.sessions().append("s", new AssistantMessage("Disk " + beat + " is at 91%.", List.of()), b);
            case 4 -> {
                store.sessions()
                        .append(
                                "s",
                                new AssistantMessage(
                                        "",
                                        List.of(new ToolCall("call_" + beat, "read_file", "{\"path\": \"q.txt\"}"))),
                                b);
                store.sessions()
                        .append(
                                "s",
                                new ToolResultMessage(
                                        "call_" + beat,
                                        "read_file",
                                        "depth " + beat + " " + "x".repeat(random.nextInt(400)),
                                        false),
                                b);
                store.sessions().append("s", new AssistantMessage("Queue " + beat + " checked.", List.of()), b);
            }
            default -> {
                // Unanswered: the beat died before its reply.
            }
        }
    }

    @Test
    void keepFromNeverPassesTheNewestTurn() {
        ContextBuilder builder = new ContextBuilder(TokenEstimator.forProvider(Provider.OPENAI), NAMING, 1000, 2, 200);
        try (Store store = Store.open(dir.resolve("n.db"), Clock.systemUTC())) {
            store.sessions().ensureSession("s");
            assertThat(builder.build(store.sessions().history("s"), Optional.empty())
                            .keepFrom())
                    .isZero();
            store.sessions().append("s", new UserMessage("Heartbeat 1"), "b1");
            long unanswered = store.sessions().history("s").get(0).id();
            assertThat(builder.build(store.sessions().history("s"), Optional.empty())
                            .keepFrom())
                    .isEqualTo(unanswered);
        }
    }
}
