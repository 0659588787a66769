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
                store.control().requestWake(i % 2 == 0 ? "disk alert" : "reason " + i);
            }
            Control.Wake wake = store.control().takeWake("node-a").orElseThrow();
            assertThat(wake.reason()).contains("disk alert").contains("more").contains("50 wake requests");
            assertThat(store.control().takeWake("node-b"))
                    .as("nothing left for a second beat")
                    .isEmpty();
            store.control().requestWake("later");
            assertThat(store.control().takeWake("node-b").orElseThrow().reason())
                    .isEqualTo("later");
        }
    }
}
