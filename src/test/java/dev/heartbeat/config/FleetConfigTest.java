package dev.heartbeat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several agents in one file ({@code agents:}) or one per file (agents.d/), over the top level's defaults. */
class FleetConfigTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-test-key-123456");

    private static final String TOP = """
            model: { provider: openai, name: gpt-4o-mini, api-key: "${OPENAI_API_KEY}", timeout: 20s }
            heartbeat: { every: 30m, max-steps: 4 }
            budget: { daily-tokens: 100000 }
            pricing: { gpt-4o: { input: 2.5, output: 10 } }
            """;

    private Fleet load(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(env).readFleet(file);
    }

    private ConfigException error(String yaml) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class);
        try {
            load(yaml);
        } catch (Exception e) {
            return (ConfigException) e;
        }
        throw new AssertionError();
    }

    @Test
    void eachAgentIsLaidOverTheTopLevel() throws Exception {
        Fleet fleet = load(TOP + """
                agents:
                  - { name: disk-watch, workspace: ./sessions/disk }
                  - name: billing-watch
                    workspace: ./sessions/billing
                    heartbeat: { every: 1h }
                    model: { name: gpt-4o }
                    budget: { daily-usd: 2.5 }
                """);
        assertThat(fleet.several()).isTrue();
        assertThat(fleet.names()).containsExactly("disk-watch", "billing-watch");
        AgentConfig disk = fleet.find("disk-watch").orElseThrow();
        AgentConfig billing = fleet.find("billing-watch").orElseThrow();
        assertThat(disk.model().name()).isEqualTo("gpt-4o-mini");
        assertThat(disk.heartbeat().every()).isEqualTo(Duration.ofMinutes(30));
        assertThat(disk.workspace()).isEqualTo(dir.resolve("sessions/disk"));
        // A mapping merges key by key: the model's provider, key and timeout stay, its name is the agent's.
        assertThat(billing.model().name()).isEqualTo("gpt-4o");
        assertThat(billing.model().apiKey().value()).isEqualTo("sk-test-key-123456");
        assertThat(billing.model().timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(billing.heartbeat().every()).isEqualTo(Duration.ofHours(1));
        assertThat(billing.heartbeat().maxSteps()).isEqualTo(4);
        assertThat(billing.budget().dailyTokens()).isEqualTo(100_000L);
        assertThat(billing.budget().dailyUsd()).isEqualTo(2.5);
        assertThat(billing.storage().url()).isEqualTo(disk.storage().url());
    }

    @Test
    void anAgentsWayOfSayingSomethingReplacesTheTopLevelsOther() throws Exception {
        Files.writeString(dir.resolve("key.txt"), "sk-from-a-file-7890\n");
        Fleet fleet = load(TOP + """
                agents:
                  - name: nightly
                    heartbeat: { cron: "0 0 3 * * ?" }
                    model: { api-key-file: ./key.txt }
                """);
        AgentConfig nightly = fleet.agents().get(0);
        assertThat(nightly.heartbeat().cron()).isEqualTo("0 0 3 * * ?");
        assertThat(nightly.model().apiKey().value()).isEqualTo("sk-from-a-file-7890");
    }

    @Test
    void aFileOfTodayIsOneAgentAsBefore() throws Exception {
        Fleet fleet = load(TOP + "agent: { name: solo }\n");
        assertThat(fleet.several()).isFalse();
        assertThat(fleet.names()).containsExactly("solo");
        assertThat(fleet.agents().get(0).workspace()).isEqualTo(dir.resolve("sessions/workspace"));
    }

    @Test
    void agentsDHoldsOneAgentPerFileNamedAfterItUnlessItSaysOtherwise() throws Exception {
        Files.createDirectories(dir.resolve("agents.d"));
        Files.writeString(dir.resolve("agents.d/certs.yaml"), "heartbeat: { every: 6h }\n");
        Files.writeString(dir.resolve("agents.d/b.yml"), "name: backups\nmodel: { name: gpt-4o }\n");
        Files.writeString(dir.resolve("agents.d/README.txt"), "not an agent\n");
        Files.writeString(dir.resolve("agents.d/.certs.yaml"), "an editor's copy: [not yaml\n");
        Fleet fleet = load(TOP + "agents:\n  - { name: disk-watch }\n");
        assertThat(fleet.names()).containsExactly("disk-watch", "backups", "certs");
        AgentConfig certs = fleet.find("certs").orElseThrow();
        assertThat(certs.heartbeat().every()).isEqualTo(Duration.ofHours(6));
        assertThat(certs.workspace()).isEqualTo(dir.resolve("sessions/certs"));
        assertThat(fleet.find("disk-watch").orElseThrow().workspace()).isEqualTo(dir.resolve("sessions/disk-watch"));
    }

    @Test
    void anErrorInAnEntryNamesItsKeyAndLineInTheFileThatHoldsIt() throws Exception {
        ConfigException e = error(TOP + """
                agents:
                  - { name: disk-watch }
                  - name: billing-watch
                    heartbeat:
                      every: -5m
                """);
        assertThat(e.key()).isEqualTo("agents[1].heartbeat.every");
        assertThat(e.line()).isEqualTo(9);
        assertThat(e.file()).isEqualTo(dir.resolve("agent.yaml"));

        Files.createDirectories(dir.resolve("agents.d"));
        Files.writeString(dir.resolve("agents.d/certs.yaml"), "heartbeat:\n  evry: 6h\n");
        ConfigException inFile = error(TOP + "agents:\n  - { name: disk-watch }\n");
        assertThat(inFile.file()).isEqualTo(dir.resolve("agents.d/certs.yaml"));
        assertThat(inFile.key()).isEqualTo("heartbeat.evry");
        assertThat(inFile.line()).isEqualTo(2);
        assertThat(inFile.getMessage()).contains("Did you mean 'every'?");
    }

    @Test
    void anErrorInTheTopLevelStillPointsThere() {
        ConfigException e = error("""
                model: { provider: openai, name: gpt-4o-mini, api-key: "${OPENAI_API_KEY}" }
                heartbeat:
                  max-steps: 0
                agents:
                  - { name: a }
                """);
        assertThat(e.key()).isEqualTo("heartbeat.max-steps");
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void whatEveryAgentSharesIsRefusedInAnEntry() {
        ConfigException e = error(TOP + """
                agents:
                  - name: a
                    storage: { url: "sqlite:other.db" }
                """);
        assertThat(e.key()).isEqualTo("agents[0].storage");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.getMessage()).contains("shared by every agent");
    }

    @Test
    void namesAndWorkspacesAreEachAgentsOwn() {
        assertThat(error(TOP + "agents:\n  - { name: a }\n  - { name: a }\n").getMessage())
                .contains("two agents are named 'a'");
        ConfigException shared =
                error(TOP + "agents:\n  - { name: a, workspace: ./w }\n  - { name: b, workspace: ./w }\n");
        assertThat(shared.getMessage()).contains("agents 'a' and 'b' share the workspace");
        assertThat(shared.line()).isEqualTo(7);
        assertThat(error(TOP + "agents:\n  - { workspace: ./w }\n").getMessage())
                .contains("each agent needs a name");
        assertThat(error(TOP + "agents: []\n").getMessage()).contains("lists no agent");
        assertThat(error(TOP + "agents:\n  - { name: 'bad name' }\n").key()).isEqualTo("agents[0].name");
    }

    @Test
    void readingOneAgentOfSeveralSaysWhichThereAre() throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, TOP + "agents:\n  - { name: a }\n  - { name: b }\n");
        assertThatThrownBy(() -> new ConfigLoader(env).read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("2 agents (a, b)")
                .hasMessageContaining("--agent NAME");
    }
}
