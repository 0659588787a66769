package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flood of wake requests makes one beat, not one a second. */
class WakeRequestsTest {
    @TempDir
    Path dir;

    @Test
    void openWakeRequestsAreTakenTogether() {
        try (Store store = Store.open(dir.resolve("hb.db"), Clock.systemUTC())) {
            for (int i = 0; i < 50; i++) {
                store.control().requestWake("a", i % 2 == 0 ? "disk alert" : "reason " + i);
            }
            Control.Wake wake = store.control().takeWake("a", "node-a").orElseThrow();
            assertThat(wake.reason()).contains("disk alert").contains("more").contains("50 wake requests");
            assertThat(store.control().takeWake("a", "node-b"))
                    .as("nothing left for a second beat")
                    .isEmpty();
            store.control().requestWake("a", "later");
            assertThat(store.control().takeWake("a", "node-b").orElseThrow().reason())
                    .isEqualTo("later");
        }
    }

    @Test
    void aWakeIsForTheAgentItNamesAndOneFromBeforeAgentsWereNamedForAny() throws Exception {
        try (Store store = Store.open(dir.resolve("hb.db"), Clock.systemUTC())) {
            store.control().requestWake("billing", "invoice run");
            assertThat(store.control().takeWake("disk", "node-a")).isEmpty();
            assertThat(store.control()
                            .takeWake("billing", "node-a")
                            .orElseThrow()
                            .reason())
                    .isEqualTo("invoice run");
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hb.db"));
                    var s = c.createStatement()) {
                s.executeUpdate("INSERT INTO wake_requests (reason, requested_at) "
                        + "VALUES ('from the release before', '2026-12-01T00:00:00Z')");
            }
            assertThat(store.control().takeWake("disk", "node-a").orElseThrow().reason())
                    .isEqualTo("from the release before");
            assertThat(store.control().takeWake("billing", "node-a")).isEmpty();
        }
    }
}
