package dev.heartbeat.bench;

import com.sun.management.ThreadMXBean;
import dev.heartbeat.config.Provider;
import dev.heartbeat.repair.ContextBuilder;
import dev.heartbeat.repair.ExtractiveSummarizer;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.repair.TokenEstimator;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Time and allocation of repair + validate + context build for histories of 1k, 10k and 100k messages
 * (heartbeat-shaped turns, 2% of them corrupted the ways crashes do).
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.RepairBench</pre>
 */
public final class RepairBench {
    public static void main(String[] args) {
        System.out.println("machine: " + Stats.machine());
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int size : new int[] {1_000, 10_000, 100_000}) {
            List<Entry> history = history(size, new Random(size));
            int rounds = size >= 100_000 ? 5 : 20;
            for (int i = 0; i < 3; i++) {
                run(history);
            }
            double[] ms = new double[rounds];
            double[] mb = new double[rounds];
            int actions = 0;
            for (int i = 0; i < rounds; i++) {
                long bytes = threads.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                actions = run(history);
                ms[i] = (System.nanoTime() - start) / 1e6;
                mb[i] = (threads.getCurrentThreadAllocatedBytes() - bytes) / 1e6;
            }
            System.out.printf(
                    "%,7d messages (%d repair actions): time %s | allocated %s%n",
                    history.size(), actions, Stats.summary(ms, "ms"), Stats.summary(mb, "MB"));
        }
    }

    private static int run(List<Entry> history) {
        Repairer.Result repaired = Repairer.repair(history);
        if (!HistoryValidator.isValid(repaired.messages(), HistoryValidator.Mode.HISTORY)) {
            throw new IllegalStateException("repair left an invalid history");
        }
        List<StoredMessage> stored = new ArrayList<>(repaired.entries().size());
        long id = 0;
        OffsetDateTime at = OffsetDateTime.now();
        for (Entry e : repaired.entries()) {
            stored.add(new StoredMessage(++id, 2, at, null, e.message()));
        }
        ContextBuilder.Context context = new ContextBuilder(
                        TokenEstimator.forProvider(Provider.OPENAI), new ExtractiveSummarizer(), 8000, 6, 16_000)
                .build(stored, Optional.empty());
        if (context.messages().isEmpty()) {
            throw new IllegalStateException("empty context");
        }
        return repaired.actions().size();
    }

    static List<Entry> history(int size, Random random) {
        List<Message> out = new ArrayList<>(size + 8);
        int calls = 0;
        while (out.size() < size) {
            out.add(new UserMessage("Heartbeat at 2026-11-22T10:00+01:00. Checklist: check the queue, the disks and "
                    + "the certificate. State: last_check=" + out.size()));
            if (random.nextInt(3) == 0) {
                String id = "call_" + (++calls);
                out.add(new AssistantMessage("", List.of(new ToolCall(id, "read_file", "{\"path\": \"queue.txt\"}"))));
                if (random.nextInt(50) != 0) {
                    out.add(new ToolResultMessage(id, "read_file", "queue depth " + random.nextInt(500), false));
                }
                if (random.nextInt(50) == 0) {
                    out.add(new ToolResultMessage("ghost_" + calls, "read_file", "stray", false));
                }
                out.add(new AssistantMessage("Queue looked at; nothing to report.", List.of()));
            } else {
                out.add(new AssistantMessage("HEARTBEAT_OK", List.of()));
            }
        }
        return Entry.numbered(out);
    }
}
