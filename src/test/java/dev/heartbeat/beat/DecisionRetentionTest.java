package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.ArchivedDecisions;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * audit.retention keeps the decision log bounded: the oldest records move to an archive the store records
 * by its hashes (and a seal under the chain key), and verify still checks the whole log, archive included.
 */
class DecisionRetentionTest extends AgentTest {
    private ArchivedDecisions archive;

    @BeforeEach
    void fortyDaysOfDailyBeats() throws Exception {
        Path keyFile = agent.home().resolve("chain.key");
        Files.writeString(keyFile, "a-long-random-chain-key-for-tests");
        agent.yaml("audit:\n  chain-key-file: " + keyFile + "\n  retention: 30d\n");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            for (int day = 0; day < 40; day++) {
                fake.text("HEARTBEAT_OK");
                Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                // Archived beats left messages but no decisions in the store: no crash is made of that.
                assertThat(d.outcome()).as("day %d: %s", day, d.reason()).isEqualTo(Decision.Outcome.QUIET);
                if (day == 34) {
                    // 34 days in, the first is more than a tenth of the period past 30 days: the beat archives the
                    // four that finished over 30 days before.
                    assertThat(d.repairs()).anySatisfy(r -> {
                        assertThat(r.rule()).isEqualTo("retention");
                        assertThat(r.detail()).contains("archived 4 decision(s) older than 30d");
                    });
                }
                clock.advance(Duration.ofDays(1));
            }
        }
        try (Store store = agent.store()) {
            // Day 38 archived the next four: a chain of two archives, then the store.
            List<ArchivedDecisions> archives = store.decisionLog().archives();
            assertThat(archives).extracting(ArchivedDecisions::records).containsExactly(4, 4);
            assertThat(archives.get(1).firstPrev()).isEqualTo(archives.get(0).lastHash());
            archive = archives.get(1);
            int[] rows = {0};
            store.decisionLog().walkChain(r -> ++rows[0] > 0);
            assertThat(rows[0]).isEqualTo(32);
        }
        assertThat(archive.seal()).startsWith("hmac-sha256:");
    }

    private Path archiveFile() {
        return agent.database().resolveSibling(archive.file());
    }

    @Test
    void theWholeLogStillVerifiesArchiveIncluded() {
        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("intact: 32 record(s)").contains("8 archived record(s) checked too");
    }

    @Test
    void anAlteredArchiveIsCaught() throws Exception {
        List<String> lines = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(archiveFile())), StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        }
        lines.set(1, lines.get(1).replace("\"quiet\"", "\"acted\""));
        try (Writer w = new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(archiveFile())), StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l + "\n");
            }
        }
        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("BROKEN").contains("the archive file was altered");
    }

    @Test
    void aMissingArchiveIsSaidAndTheRestIsChecked() throws Exception {
        Files.move(archiveFile(), agent.home().resolve("elsewhere.jsonl.gz"));
        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out())
                .contains("4 archived record(s) checked too")
                .contains("4 archived record(s) in files not found");
    }

    @Test
    void recordsCutFromTheStartCannotHideBehindAForgedArchive() throws Exception {
        // Someone without the key deletes the three oldest stored records and records an "archive" for them.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            String hash;
            try (var rs = s.executeQuery("SELECT hash, seq FROM decisions ORDER BY seq LIMIT 3 OFFSET 2")) {
                rs.next();
                hash = rs.getString(1);
            }
            s.executeUpdate("DELETE FROM decisions WHERE seq IN (SELECT seq FROM decisions ORDER BY seq LIMIT 3)");
            s.executeUpdate(
                    "INSERT INTO decision_archives (first_seq, through_seq, records, first_prev, last_hash, file, "
                            + "file_sha256, seal, archived_at, through_started_at) VALUES (9, 11, 3, '"
                            + archive.lastHash() + "', '" + hash
                            + "', 'archive/gone.jsonl.gz', 'x', NULL, '2026-02-05T10:00:00Z', '2026-01-11T10:00:00Z')");
        }
        TestAgent.Result r = agent.run("decisions", "verify");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("BROKEN").contains("has no seal");

        // Without the forged row the cut shows as a broken link.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM decision_archives WHERE file = 'archive/gone.jsonl.gz'");
        }
        r = agent.run("decisions", "verify");
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("prev_hash does not match the record before it");
    }
}
