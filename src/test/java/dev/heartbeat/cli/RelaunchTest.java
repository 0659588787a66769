package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelaunchTest {
    /** The unit's command line, with an operator's log of the daemon's own, and the installed jar. */
    private static final List<String> UNIT = List.of(
            "-XX:+UseSerialGC",
            "-Xms8m",
            "-Xmx192m",
            "-XX:MaxMetaspaceSize=160m",
            "-XX:TieredStopAtLevel=1",
            "-XX:SharedArchiveFile=/usr/lib/heartbeat-agent/heartbeat-agent.jsa",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dorg.sqlite.tmpdir=/var/lib/heartbeat-agent",
            "-Xlog:gc:file=/var/log/heartbeat-agent/gc.log",
            "-jar",
            "/usr/lib/heartbeat-agent/heartbeat-agent.jar",
            "--config",
            "/etc/heartbeat-agent/agent.yaml",
            "run");

    @Test
    void theUnitsSizesArchiveAndPropertiesAreKeptAndItsLogIsNot() {
        assertThat(Relaunch.command(
                        "/usr/bin/java",
                        UNIT,
                        "/usr/lib/heartbeat-agent/heartbeat-agent.jar",
                        List.of("--config", "/etc/heartbeat-agent/agent.yaml", "migrate")))
                .containsExactly(
                        "/usr/bin/java",
                        "-XX:+UseSerialGC",
                        "-Xmx192m",
                        "-XX:MaxMetaspaceSize=160m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:SharedArchiveFile=/usr/lib/heartbeat-agent/heartbeat-agent.jsa",
                        "-Xss512k",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Dorg.sqlite.tmpdir=/var/lib/heartbeat-agent",
                        "-cp",
                        "/usr/lib/heartbeat-agent/heartbeat-agent.jar",
                        "dev.heartbeat.cli.Main",
                        "--config",
                        "/etc/heartbeat-agent/agent.yaml",
                        "migrate");
    }

    @Test
    void theProgramsOwnArgumentsAreNeverTakenForTheJvms() {
        assertThat(Relaunch.kept(List.of("-Da=1", "-jar", "x.jar", "-Db=2", "run")))
                .containsExactly("-Da=1");
        assertThat(Relaunch.kept(List.of("-cp", "-Dnot-an-option.jar", "-Da=1", "dev.heartbeat.cli.Main", "-Db=2")))
                .as("a class path is a value, and the main class ends the JVM's options")
                .containsExactly("-Da=1");
    }

    @Test
    void thisJvmRelaunchesWithItsOwnJavaAndClassPath() {
        List<String> command = Relaunch.of(List.of("--version")).orElseThrow();
        assertThat(command.get(0))
                .isEqualTo(ProcessHandle.current().info().command().orElseThrow());
        assertThat(command.subList(command.size() - 4, command.size()))
                .containsExactly("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--version");
    }
}
