package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassSharingTest {
    private static final List<String> UNIT = List.of(
            "-XX:+UseSerialGC",
            "-XX:SharedArchiveFile=/usr/lib/heartbeat-agent/heartbeat-agent.jsa",
            "-jar",
            "/usr/lib/heartbeat-agent/heartbeat-agent.jar",
            "run");

    @Test
    void anArchiveTheJvmSharesFromIsInUse() {
        assertThat(ClassSharing.unused("mixed mode, sharing", UNIT)).isEmpty();
    }

    @Test
    void anArchiveGivenWhileTheJvmSharesNothingIsNamed() {
        assertThat(ClassSharing.unused("mixed mode", UNIT)).contains("/usr/lib/heartbeat-agent/heartbeat-agent.jsa");
        assertThat(ClassSharing.unused(
                        "mixed mode",
                        List.of("-XX:SharedArchiveFile=/a.jsa", "-XX:SharedArchiveFile=/b.jsa", "-jar", "x.jar")))
                .as("the last flag is the one the JVM took")
                .contains("/b.jsa");
    }

    @Test
    void withoutAnArchiveThereIsNothingToSay() {
        assertThat(ClassSharing.unused("mixed mode", List.of("-jar", "x.jar", "run")))
                .isEmpty();
    }

    @Test
    void thisJvmIsReadAsItRuns() {
        // The tests' JVM is given no archive: whatever it shares, nothing is named.
        assertThat(ClassSharing.unused()).isEmpty();
    }
}
