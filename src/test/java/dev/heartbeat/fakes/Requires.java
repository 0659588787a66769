package dev.heartbeat.fakes;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a PostgreSQL server, systemd-analyze). Missing on a laptop, the test
 * is skipped and says why; with {@code HB_TEST_REQUIRE_ALL=1} (set by .ci/run) a missing one fails the
 * test instead, so CI can never pass by skipping.
 */
public final class Requires {
    public static final String STRICT = "HB_TEST_REQUIRE_ALL";

    private Requires() {}

    /** A program on the PATH. */
    public static void program(String name, String install) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        missing(name + " is not installed (" + install + ")");
    }

    /** Skips the test, or fails it when every requirement is mandatory. */
    public static void missing(String what) {
        String message = "this test needs what this machine lacks: " + what;
        if ("1".equals(System.getenv(STRICT))) {
            throw new AssertionError(message + "; " + STRICT + "=1 makes that a failure");
        }
        Assumptions.abort(message);
    }
}
