package dev.heartbeat.bench;

import dev.heartbeat.audit.ToolOutcome;
import dev.heartbeat.store.SqliteDatabase;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What syncing every SQLite commit (synchronous=FULL) costs beside NORMAL, on the commits a beat makes
 * around a side effect: the intent, the message, the result. Interleaved rounds, so drift hits both alike.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.DurabilityBench</pre>
 */
public final class DurabilityBench {
    private static final int ROUNDS = 5;
    private static final int CALLS = 200;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("hb-durability");
        double[][] perCommit = new double[2][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int mode = 0; mode < 2; mode++) {
                boolean durable = mode == 1;
                SqliteDatabase db = new SqliteDatabase(dir.resolve("r" + round + "-" + mode + ".db"), durable);
                try (Store store = Store.open(db, Clock.systemUTC())) {
                    store.sessions().ensureSession("s");
                    long start = System.nanoTime();
                    for (int i = 0; i < CALLS; i++) {
                        String beat = "beat" + i;
                        store.intents().recordIntent(beat, "c" + i, "notify", "{}");
                        store.sessions().append("s", new UserMessage("m" + i), beat);
                        store.intents().completeIntent(beat, "c" + i, ToolOutcome.OK, "sent");
                    }
                    perCommit[mode][round] = (System.nanoTime() - start) / 1e6 / (CALLS * 3.0);
                }
            }
        }
        System.out.println("SQLite commit around a side effect (" + CALLS * 3 + " commits a round, " + ROUNDS
                + " rounds; " + Stats.machine() + "), ms per commit:");
        System.out.println("  synchronous=NORMAL  " + Stats.summary(perCommit[0], "ms"));
        System.out.println("  synchronous=FULL    " + Stats.summary(perCommit[1], "ms"));
    }

    private DurabilityBench() {}
}
