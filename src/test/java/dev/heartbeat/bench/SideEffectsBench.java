package dev.heartbeat.bench;

import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * A beat's cost against the side effects on record: the same quiet beat, in process, on an agent whose store holds
 * none and on one that holds 100,000 finished tool calls (each with 500 characters of arguments and 300 of result,
 * as a year of an agent that acts a few hundred times a day leaves). Every beat starts by looking for side effects a
 * crash left open; it must not read every call ever made to find them. 30 warm-up beats, then 200 measured, on
 * each, alternating; two rounds.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.SideEffectsBench [100000]</pre>
 */
public final class SideEffectsBench {
    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            for (int round = 1; round <= 2; round++) {
                HistoryBench.Prepared none = HistoryBench.prepared(fake, 10);
                HistoryBench.Prepared many = HistoryBench.prepared(fake, 10);
                finishedCalls(many.agent(), calls);
                double[] medians = HistoryBench.alternate(
                        List.of(none, many),
                        "round " + round,
                        List.of("no side effects on record", String.format("%,d side effects on record", calls)));
                System.out.printf(
                        "round %d: a beat with %,d side effects on record / with none: %.2f× (median)%n",
                        round, calls, medians[1] / medians[0]);
            }
        }
    }

    /** {@code calls} tool calls that ran and returned, in one transaction. */
    private static void finishedCalls(TestAgent agent, int calls) throws Exception {
        String arguments = "{\"path\": \"notes.md\", \"content\": \"" + "x".repeat(460) + "\"}";
        String result = "y".repeat(300);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tool_intents "
                    + "(beat_id, call_id, tool, arguments, status, result, started_at, finished_at) "
                    + "VALUES (?, ?, 'write_file', ?, 'ok', ?, ?, ?)")) {
                for (int i = 0; i < calls; i++) {
                    String at = String.format("2026-01-01T00:%02d:%02dZ", (i / 60) % 60, i % 60);
                    ps.setString(1, "01OLDBEAT" + (i / 5));
                    ps.setString(2, "call_" + i);
                    ps.setString(3, arguments);
                    ps.setString(4, result);
                    ps.setString(5, at);
                    ps.setString(6, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }
}
