package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.fakes.PostgresServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wake request stored by another process reaches a listening daemon at once, without it querying: a watched file
 * beside a SQLite database, NOTIFY on PostgreSQL. Each test waits on the signal itself, never on a clock.
 */
class WakeSignalsTest {
    @TempDir
    Path dir;

    /** Stores a request through {@code asker} while {@code daemon} listens; what the listener heard. */
    private static String heard(Store daemon, Store asker) throws Exception {
        LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (WakeSignals signals = daemon.control()
                .listenForWakes(() -> daemon.control()
                        .takeWake("disk", "daemon")
                        .ifPresent(w -> heard.add(String.valueOf(w.reason()))))) {
            asker.control().requestWake("disk", "disk alert from cron");
            String first = heard.poll(20, TimeUnit.SECONDS);
            asker.control().requestWake("disk", "and another");
            String second = heard.poll(20, TimeUnit.SECONDS);
            return first + " / " + second;
        }
    }

    @Test
    void aSqliteDaemonHearsARequestAnotherProcessStores() throws Exception {
        Path db = dir.resolve("state/heartbeat.db");
        try (Store daemon = Store.open(db, Clock.systemUTC());
                Store wakeCommand = Store.open(db, Clock.systemUTC())) {
            assertThat(heard(daemon, wakeCommand)).isEqualTo("disk alert from cron / and another");
        }
        assertThat(FileWakeSignals.signalFile(db)).hasContent("disk");
    }

    @Test
    void aSignalThatCannotBeGivenLeavesTheRequestStoredForThePoll() throws Exception {
        Path db = dir.resolve("state/heartbeat.db");
        try (Store store = Store.open(db, Clock.systemUTC())) {
            java.nio.file.Files.createDirectories(FileWakeSignals.signalFile(db)); // not a file one can write
            store.control().requestWake("disk", "stored anyway");
            assertThat(store.control().takeWake("disk", "poll").orElseThrow().reason())
                    .isEqualTo("stored anyway");
        }
    }

    @Test
    void aPostgresNodeHearsARequestAnyNodeStores() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.createDatabase();
        try (Store daemon = Store.open(server.database(url), Clock.systemUTC());
                Store wakeCommand = Store.open(server.database(url), Clock.systemUTC())) {
            assertThat(heard(daemon, wakeCommand)).isEqualTo("disk alert from cron / and another");
        }
    }
}
