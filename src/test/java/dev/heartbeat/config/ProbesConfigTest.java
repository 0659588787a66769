package dev.heartbeat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** probes: and the heartbeat's max-silence and wake-gate: bound, and each mistake named with key and line. */
class ProbesConfigTest {
    private static final String BASE = "model:\n  name: x\n  api-key: k123456\n"
            + "tools:\n  run_command:\n    allow: [df, ./check-queue.sh, ./pre-check.sh]\n"
            + "  http_get:\n    allow-hosts: [status.example.com]\n";

    @TempDir
    Path dir;

    private AgentConfig load(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, BASE + yaml);
        return new ConfigLoader(Map.of()).read(file);
    }

    private ConfigException error(String yaml) {
        Throwable t = catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(ConfigException.class);
        return (ConfigException) t;
    }

    @Test
    void theIssuesExampleLoads() throws Exception {
        AgentConfig c = load("probes:\n"
                + "  - { name: disk, command: [df, -P, /], every: 5m }\n"
                + "  - { name: status, http: \"https://status.example.com/api/v2/status.json\", "
                + "json-path: \"$.status.indicator\" }\n"
                + "  - { name: inbox, file: ./inbox.md }\n"
                + "  - { name: orders, state: last_order_id }\n"
                + "  - { name: queue, command: [./check-queue.sh], when: \"output matches 'backlog: [1-9][0-9]{2,}'\" }\n"
                + "heartbeat:\n  max-silence: 12h\n  wake-gate: [./pre-check.sh]\n");

        assertThat(c.probes()).hasSize(5);
        assertThat(c.probes().get(0).kind()).isEqualTo(Probe.Kind.COMMAND);
        assertThat(c.probes().get(0).every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.probes().get(1).kind()).isEqualTo(Probe.Kind.HTTP);
        assertThat(c.probes().get(2).kind()).isEqualTo(Probe.Kind.FILE);
        assertThat(c.probes().get(3).kind()).isEqualTo(Probe.Kind.STATE);
        assertThat(c.probes()
                        .get(4)
                        .condition()
                        .orElseThrow()
                        .matcher("backlog: 250")
                        .find())
                .isTrue();
        assertThat(c.probes()
                        .get(4)
                        .condition()
                        .orElseThrow()
                        .matcher("backlog: 99")
                        .find())
                .isFalse();
        assertThat(c.heartbeat().maxSilence()).isEqualTo(Duration.ofHours(12));
        assertThat(c.heartbeat().wakeGate()).isEqualTo(List.of("./pre-check.sh"));
    }

    @Test
    void withoutProbesNothingChangesAndMaxSilenceDefaultsToADay() throws Exception {
        AgentConfig c = load("");
        assertThat(c.probes()).isEmpty();
        assertThat(c.heartbeat().wakeGate()).isNull();
        assertThat(c.heartbeat().maxSilence()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aProbeGetsNoProgramHostOrFileTheModelCouldNotReach() {
        ConfigException program = error("probes:\n  - { name: x, command: [curl, http://h] }\n");
        assertThat(program.line()).isEqualTo(10);
        assertThat(program.key()).isEqualTo("probes[0].command");
        assertThat(program.getMessage()).contains("'curl' is not in tools.run_command.allow");
        assertThat(error("probes:\n  - { name: x, http: \"https://evil.example.net/\" }\n")
                        .getMessage())
                .contains("host 'evil.example.net' is not in tools.http_get.allow-hosts");
        assertThat(error("probes:\n  - { name: x, file: ../../etc/passwd }\n").getMessage())
                .contains("inside the workspace");
        assertThat(error("probes:\n  - { name: x, file: /etc/passwd }\n").getMessage())
                .contains("inside the workspace");
        ConfigException gate = error("heartbeat:\n  wake-gate: [./other.sh]\n");
        assertThat(gate.key()).isEqualTo("heartbeat.wake-gate");
        assertThat(gate.getMessage()).contains("'./other.sh' is not in tools.run_command.allow");
    }

    @Test
    void eachProbeReadsExactlyOneThingWithAValidConditionAndAUniqueName() {
        assertThat(error("probes:\n  - { name: x, file: a.md, state: k }\n").getMessage())
                .contains("exactly one thing");
        assertThat(error("probes:\n  - { name: x }\n").getMessage()).contains("exactly one thing");
        assertThat(error("probes:\n  - { file: a.md }\n").getMessage()).contains("needs a name");
        assertThat(error("probes:\n  - { name: x, file: a.md }\n  - { name: x, state: k }\n")
                        .getMessage())
                .contains("listed twice");
        ConfigException when = error("probes:\n  - { name: x, file: a.md, when: \"output is big\" }\n");
        assertThat(when.key()).isEqualTo("probes[0].when");
        assertThat(when.getMessage()).contains("output matches 'REGEX'");
        assertThat(error("probes:\n  - { name: x, file: a.md, when: \"output matches '(['\" }\n")
                        .getMessage())
                .contains("is not a regular expression");
        assertThat(error("probes:\n  - { name: x, file: a.md, json-path: $.a }\n")
                        .getMessage())
                .contains("json-path reads into an http probe");
        assertThat(error("probes:\n  - { name: x, http: \"https://status.example.com/\", json-path: \"$[\" }\n")
                        .getMessage())
                .contains("is not a JSONPath");
        assertThat(error("probes:\n  - { name: x, file: a.md, evry: 5m }\n").getMessage())
                .contains("Did you mean 'every'");
        assertThat(error("probes:\n  - { name: x, file: a.md, every: 0s }\n").getMessage())
                .contains("longer than zero");
    }
}
