package dev.heartbeat.fakes;

import dev.heartbeat.cli.Main;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * An agent home in a temporary folder (agent.yaml, workspace, HEARTBEAT.md) pointed at a fake provider,
 * and the real command line run in-process against it.
 */
public final class TestAgent {
    /** A canary key: tests search every output and the database for it. */
    public static final String KEY = "sk-canary-4f1d2b9e8a7c6d5e3b2a";

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private String extraYaml = "";
    private String modelYaml;
    private Clock clock = Clock.systemDefaultZone();
    private String storageYaml = "  url: sqlite:state/heartbeat.db\n";
    private PostgresServer postgres;
    private String postgresUrl;

    public record Result(int exit, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public TestAgent(Path home, FakeProvider provider) throws IOException {
        this.home = home;
        env.put("HB_TEST_KEY", KEY);
        Files.createDirectories(home.resolve("workspace"));
        checklist("# Checks\n- Look at NOTES.md and tell the operator if anything is marked URGENT.\n");
        modelYaml = provider == null
                ? "  provider: openai\n  name: gpt-test\n  api-key: ${HB_TEST_KEY}\n"
                : "  provider: " + provider.providerName() + "\n  name: test-model\n  base-url: " + provider.baseUrl()
                        + "\n"
                        + (provider.apiKey != null ? "  api-key: ${HB_TEST_KEY}\n" : "")
                        + "  timeout: 3s\n  max-retries: 0\n";
        writeConfig();
    }

    public Path home() {
        return home;
    }

    public Path config() {
        return home.resolve("agent.yaml");
    }

    public Path workspace() {
        return home.resolve("workspace");
    }

    public Path database() {
        return home.resolve("state/heartbeat.db");
    }

    public Map<String, String> env() {
        return env;
    }

    public TestAgent checklist(String text) throws IOException {
        Files.writeString(workspace().resolve("HEARTBEAT.md"), text, StandardCharsets.UTF_8);
        return this;
    }

    /** More YAML appended to the config (whole sections, such as notify: or tools:). */
    public TestAgent yaml(String more) throws IOException {
        extraYaml += more;
        writeConfig();
        return this;
    }

    /** Replaces what {@link #yaml} appended so far. */
    public TestAgent replaceYaml(String more) throws IOException {
        extraYaml = more;
        writeConfig();
        return this;
    }

    /** Replaces the model section's body. */
    public TestAgent model(String body) throws IOException {
        modelYaml = body;
        writeConfig();
        return this;
    }

    private void writeConfig() throws IOException {
        String yaml = "agent:\n  name: test-agent\n  workspace: ./workspace\n"
                + "model:\n" + modelYaml
                + "storage:\n" + storageYaml
                + extraYaml;
        if (!extraYaml.contains("notify:")) {
            yaml += "notify:\n  channels:\n    - { type: file, path: notifications.jsonl }\n";
        }
        Files.writeString(config(), yaml, StandardCharsets.UTF_8);
    }

    public Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "--config";
        full[1] = config().toString();
        System.arraycopy(args, 0, full, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(full, new PrintWriter(out, true), new PrintWriter(err, true), env, clock);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The clock the command line runs on. */
    public TestAgent clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Stores the agent in a new database of {@code server}; the password comes from the environment
     * (${HB_TEST_PG_PASSWORD}), as a user would give it.
     */
    public TestAgent postgres(PostgresServer server, String moreStorageYaml) throws IOException {
        postgres = server;
        postgresUrl = server.createDatabase();
        env.put("HB_TEST_PG_PASSWORD", server.password());
        storageYaml = "  url: " + postgresUrl + "\n  password: ${HB_TEST_PG_PASSWORD}\n" + moreStorageYaml;
        writeConfig();
        return this;
    }

    /** The PostgreSQL URL the agent stores into (no password), or null with SQLite. */
    public String postgresUrl() {
        return postgresUrl;
    }

    public Store store() {
        if (postgres != null) {
            return Store.openReadOnly(postgres.database(postgresUrl), Clock.systemUTC());
        }
        return Store.openReadOnly(database(), Clock.systemUTC());
    }
}
