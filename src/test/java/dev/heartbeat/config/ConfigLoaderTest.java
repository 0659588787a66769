package dev.heartbeat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-test-key-123456"));

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private AgentConfig load(String yaml) throws Exception {
        return new ConfigLoader(env).read(write(yaml));
    }

    private ConfigException error(String yaml) throws Exception {
        Path file = write(yaml);
        try {
            new ConfigLoader(env).read(file);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a configuration error for:\n" + yaml);
    }

    @Test
    void theRepositoryDefaultLoads() {
        AgentConfig config = new ConfigLoader(env).read(Path.of("agent.yaml"));
        assertThat(config.agent().name()).isEqualTo("ops-watch");
        assertThat(config.model().provider()).isEqualTo(Provider.OPENAI);
        assertThat(config.model().apiKey().value()).isEqualTo("sk-test-key-123456");
        assertThat(config.heartbeat().every()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.workspace()).isEqualTo(Path.of("sessions/workspace").toAbsolutePath());
    }

    /** Loading binds without databind's introspection whenever it can; what it binds, databind would bind alike. */
    @Test
    void theTreeBinderAloneBindsTheDefaultAndEverySectionItDocuments() throws Exception {
        env.put("HOOK_TOKEN", "hook-token-123456");
        String everySection = Files.readString(Path.of("agent.yaml"))
                        .replace("# timezone: Europe/Berlin", "timezone: Europe/Berlin")
                        .replace("# temperature: 0.2", "temperature: 0.2")
                        .replace("# active-hours:", "active-hours:")
                        .replace("# wake-gate:", "wake-gate:")
                        .replace("# daily-tokens:", "daily-tokens:")
                        .replace("# daily-usd:", "daily-usd:")
                        .replace("# claude-sonnet-4-5: { input: 3.0,", "claude-sonnet-4-5: { input: 3,")
                        .replace("# retention:", "retention:")
                        .replace("# http: \"127.0.0.1:9464\"", "http: \"127.0.0.1:9464\"")
                        .replace("# json-file:", "json-file:")
                        .replace("    allow: []", "    allow: [df, ./q.sh, ./pre-check.sh]")
                        .replace("    # - { type: webhook", "    - { name: hook, type: webhook")
                        .replace(
                                "\"${HOOK_SECRET}\"",
                                "\"s3cret-abcdef\", deliver-hours: { start: \"08:00\", end: \"22:00\" }")
                        .replace("    # - { type: email", "    - { type: email")
                        .replace("\"${SMTP_PASSWORD}\"", "\"smtp-password-1\"")
                + "audit: { retention: 400d }\n"
                + "probes:\n  - { name: disk, command: [df, -P, /], every: 5m }\n"
                + "  - { name: queue, command: [./q.sh], when: \"output matches 'b: [1-9]'\" }\n";
        everySection = everySection
                .replace("probes: []\n", "")
                .replace(
                        "  servers: {}\n",
                        "  servers:\n    files: { command: [npx, server], env: { A: b }, tools: { deny: [write_file] },"
                                + " side-effecting: [move_file], timeout: 10s }\n"
                                + "    web: { url: \"http://127.0.0.1:9/mcp\", side-effecting: none }\n");
        for (String yaml : java.util.List.of(Files.readString(Path.of("agent.yaml")), everySection)) {
            Path file = write(yaml);
            JsonNode tree = new YamlWithLines(file, env).tree();
            assertThat(ConfigLoader.FAST.bind(tree, AgentConfig.Document.class))
                    .as(yaml)
                    .isPresent();
            new ConfigLoader(env).read(file); // the binder's result passes the checks (and databind's matches it)
        }
    }

    @Test
    void defaultsFillWhatIsNotWritten() throws Exception {
        AgentConfig c = load("model:\n  name: gpt-4o-mini\n  api-key: ${OPENAI_API_KEY}\n");
        assertThat(c.heartbeat().maxSteps()).isEqualTo(8);
        assertThat(c.storage().url()).isEqualTo("sqlite:sessions/heartbeat.db");
        assertThat(c.notifications().channels())
                .extracting(AgentConfig.Channel::type)
                .containsExactly(ChannelType.LOG);
        assertThat(c.workspace()).isEqualTo(dir.resolve("sessions/workspace"));
    }

    @Test
    void anAuditRetentionUnderADayIsNamedWithItsLine() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\naudit:\n  retention: 2h\n");
        assertThat(e.key()).isEqualTo("audit.retention");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("a day or more");
        assertThat(load("model:\n  name: x\n  api-key: k123456\naudit:\n  retention: 400d\n")
                        .audit()
                        .retention())
                .isEqualTo(Duration.ofDays(400));
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndASuggestion() throws Exception {
        ConfigException e = error("agent:\n  name: a\nmodle:\n  name: x\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("modle");
        assertThat(e.getMessage())
                .contains("agent.yaml:3")
                .contains("unknown key")
                .contains("Did you mean 'model'?");
    }

    @Test
    void aNestedUnknownKeySuggestsTheKebabCaseName() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\n  base_url: http://localhost:1/v1\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).isEqualTo("model.base_url");
        assertThat(e.getMessage()).contains("Did you mean 'base-url'?");
    }

    @Test
    void aWrongTypeNamesWhatWasExpected() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\nheartbeat:\n  max-steps: many\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("heartbeat.max-steps");
        assertThat(e.getMessage()).contains("whole number");
    }

    @Test
    void aYamlBooleanWhereTextIsExpectedMustBeQuoted() throws Exception {
        ConfigException e = error("agent:\n  name: off\nmodel:\n  name: x\n  api-key: k123456\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.key()).isEqualTo("agent.name");
        assertThat(e.getMessage()).contains("quote");
        assertThat(load("agent:\n  name: \"off\"\nmodel:\n  name: x\n  api-key: k123456\n")
                        .agent()
                        .name())
                .isEqualTo("off");
    }

    @Test
    void aBadDurationExplainsTheFormat() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\nheartbeat:\n  every: 30 minutes\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage())
                .contains("heartbeat.every")
                .contains("'30 minutes' is not a duration")
                .contains("30m");
    }

    @Test
    void aMissingKeyNamesTheVariableAndTheWaysToGiveIt() throws Exception {
        env.remove("OPENAI_API_KEY");
        ConfigException e = error("model:\n  provider: openai\n  name: gpt-4o-mini\n  api-key: ${OPENAI_API_KEY}\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).isEqualTo("model.api-key");
        assertThat(e.getMessage())
                .contains("OPENAI_API_KEY is not set")
                .contains("api-key-file")
                .contains("openai-api-key");
    }

    @Test
    void aLocalOpenAiCompatibleServerAndOllamaNeedNoKey() throws Exception {
        env.remove("OPENAI_API_KEY");
        assertThat(load("model:\n  name: x\n  base-url: http://localhost:8000/v1\n")
                        .model()
                        .apiKey()
                        .isPresent())
                .isFalse();
        assertThat(load("model:\n  provider: ollama\n  name: llama3.1\n")
                        .model()
                        .provider())
                .isEqualTo(Provider.OLLAMA);
        assertThatThrownBy(() -> load("model:\n  provider: anthropic\n  name: claude\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs an API key");
    }

    @Test
    void theKeyComesFromAFileOrASystemdCredential() throws Exception {
        Files.writeString(dir.resolve("key.txt"), "sk-from-file-123456\n");
        assertThat(load("model:\n  name: x\n  api-key-file: key.txt\n")
                        .model()
                        .apiKey()
                        .value())
                .isEqualTo("sk-from-file-123456");

        Path credentials = Files.createDirectories(dir.resolve("creds"));
        Files.writeString(credentials.resolve("anthropic-api-key"), "sk-ant-credential-1234");
        env.put("CREDENTIALS_DIRECTORY", credentials.toString());
        assertThat(load("model:\n  provider: anthropic\n  name: claude\n")
                        .model()
                        .apiKey()
                        .value())
                .isEqualTo("sk-ant-credential-1234");

        ConfigException e = error("model:\n  name: x\n  api-key-file: nowhere.txt\n");
        assertThat(e.getMessage()).contains("model.api-key-file").contains("nowhere.txt");
    }

    @Test
    void variablesExpandWithDefaultsAndUnsetOnesAreErrors() throws Exception {
        env.put("AGENT", "night-watch");
        AgentConfig c =
                load("agent:\n  name: ${AGENT}\n  workspace: ${WS:-./ws}\nmodel:\n  name: x\n  api-key: k123456\n");
        assertThat(c.agent().name()).isEqualTo("night-watch");
        assertThat(c.workspace()).isEqualTo(dir.resolve("ws"));

        ConfigException e = error("agent:\n  workspace: ${NOT_SET_ANYWHERE}\nmodel:\n  name: x\n  api-key: k123456\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("NOT_SET_ANYWHERE is not set");
    }

    @Test
    void anUnknownProviderOrChannelGetsASuggestion() throws Exception {
        assertThat(error("model:\n  provider: opnai\n  name: x\n").getMessage()).contains("Did you mean 'openai'?");
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\nnotify:\n  channels:\n"
                + "    - { type: webhok, url: \"http://h/x\" }\n");
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).isEqualTo("notify.channels[0].type");
        assertThat(e.getMessage()).contains("Did you mean 'webhook'?");
    }

    @Test
    void brokenYamlNamesTheLine() throws Exception {
        ConfigException e = error("model:\n  name: x\n   api-key: [unclosed\n");
        assertThat(e.line()).isPositive();
        assertThat(e.getMessage()).contains("not valid YAML");
    }

    /** The message says what the parser found wrong, and where the unfinished part it was reading began. */
    @Test
    void brokenYamlSaysWhatAndWhere() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\ntools:\n  run_command:\n"
                + "    allow: [df, uptime\n    timeout: 30s\n");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.getMessage())
                .contains("not valid YAML: expected ',' or ']'")
                .contains("(while parsing a flow sequence from line 6)");
    }

    /** A list, a mapping or an alias where a key belongs is named as such, not as the parser's event object. */
    @Test
    void aKeyThatIsNotAPlainNameIsAnErrorSayingSo() throws Exception {
        ConfigException list = error("model:\n  name: x\n  ? [a, b]\n  : 1\n");
        assertThat(list.line()).isEqualTo(3);
        assertThat(list.key()).isEqualTo("model");
        assertThat(list.getMessage())
                .contains("a key must be a plain name, not a list, a mapping or an alias")
                .doesNotContain("org.yaml")
                .doesNotContain("Event");

        ConfigException alias = error("agent: &a x\n*a : 1\n");
        assertThat(alias.line()).isEqualTo(2);
        assertThat(alias.getMessage()).contains("a key must be a plain name").doesNotContain("org.yaml");
    }

    @Test
    void aNumberTooLargeNamesItsKey() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\n  max-tokens: 99999999999999999999\n");
        assertThat(e.key()).isEqualTo("model.max-tokens");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("out of range");

        ConfigException inf = error("model:\n  name: x\n  api-key: k123456\n  temperature: .inf\n");
        assertThat(inf.key()).isEqualTo("model.temperature");
        assertThat(inf.line()).isEqualTo(4);
        assertThat(inf.getMessage()).contains("'.inf' is not a number");
    }

    /** Nesting is bounded before it runs the stack out: a configuration error, not a StackOverflowError. */
    @Test
    void aFileNestedTooDeepIsAnError() throws Exception {
        ConfigException e = error("agent:\n  x: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.key()).isEqualTo("agent.x");
        assertThat(e.getMessage()).contains("nested deeper than 100 levels");
    }

    /** An alias would read as its anchor's name: a fallback's key of "k" fails only at the provider. */
    @Test
    void anAliasIsRefusedNotReadAsItsName() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: &k sk-test-key-123456\n"
                + "  fallbacks:\n    - { provider: openai, name: y, api-key: *k }\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).isEqualTo("model.fallbacks[0].api-key");
        assertThat(e.getMessage()).contains("alias");
    }

    /** Whatever follows a second --- would be dropped without a word. */
    @Test
    void aSecondDocumentIsRefusedNotDropped() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\n---\nheartbeat:\n  every: 5m\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("second YAML document");
        assertThat(load("model:\n  name: x\n  api-key: k123456\n...\n").model().name())
                .isEqualTo("x");
        assertThat(load("model:\n  name: x\n  api-key: k123456\n---\n").model().name())
                .as("a trailing --- holds nothing to lose")
                .isEqualTo("x");
    }

    /** Bytes that are not UTF-8 are refused, not read as replacement characters into a name or a key. */
    @Test
    void aFileThatIsNotUtf8IsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "model:\n  name: caf\u00e9\n  api-key: k123456\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> new ConfigLoader(env).read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void aKeyTwiceIsAnError() throws Exception {
        ConfigException e = error("model:\n  name: x\n  name: y\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("appears twice");
    }

    @Test
    void cronIsCheckedAndExclusiveWithEvery() throws Exception {
        String base = "model:\n  name: x\n  api-key: k123456\n";
        assertThat(load(base + "heartbeat:\n  cron: \"0 */30 * * * ?\"\n")
                        .heartbeat()
                        .cron())
                .isEqualTo("0 */30 * * * ?");
        assertThat(error(base + "heartbeat:\n  cron: \"every day\"\n").getMessage())
                .contains("Quartz cron");
        assertThat(error(base + "heartbeat:\n  every: 5m\n  cron: \"0 * * * * ?\"\n")
                        .getMessage())
                .contains("either heartbeat.every or heartbeat.cron");
    }

    @Test
    void storageMustBeASqliteUrl() throws Exception {
        ConfigException e = error("model:\n  name: x\n  api-key: k123456\nstorage:\n  url: mysql://db\n");
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).contains("sqlite:");
    }

    @Test
    void secretsNeverPrint() throws Exception {
        AgentConfig c = load("model:\n  name: x\n  api-key: sk-super-secret-value\n");
        assertThat(c.toString()).doesNotContain("sk-super-secret-value");
        assertThat(c.model().apiKey().toString()).isEqualTo("<redacted>");
    }

    @Test
    void activeHoursCrossMidnightAndEqualBoundsMeanNever() {
        var night = new AgentConfig.ActiveHours(LocalTime.of(22, 0), LocalTime.of(6, 0), null);
        assertThat(night.contains(LocalTime.of(23, 30))).isTrue();
        assertThat(night.contains(LocalTime.of(5, 59))).isTrue();
        assertThat(night.contains(LocalTime.of(6, 0))).isFalse();
        assertThat(night.contains(LocalTime.of(12, 0))).isFalse();
        var never = new AgentConfig.ActiveHours(LocalTime.of(8, 0), LocalTime.of(8, 0), null);
        assertThat(never.contains(LocalTime.of(8, 0))).isFalse();
    }

    @Test
    void aPostgresUrlIsCheckedAndItsPasswordKeptApart() throws Exception {
        String base = "model:\n  name: x\n  api-key: k123456\nstorage:\n";
        ConfigException noUser = error(base + "  url: postgresql://db.example.com/heartbeat\n");
        assertThat(noUser.getMessage())
                .contains("agent.yaml:5")
                .contains("storage.url")
                .contains("names no user");
        assertThat(error(base + "  url: postgresql://hb@db.example.com/\n").getMessage())
                .contains("names no database");
        assertThat(error(base + "  url: mysql://hb:s3cret-pw@db/x\n").getMessage())
                .contains("is not a storage URL")
                .doesNotContain("s3cret-pw");
        assertThat(error(base + "  url: postgresql://hb@db/x\n  checkin-interval: 500ms\n")
                        .getMessage())
                .contains("storage.checkin-interval")
                .contains("at least 1s");
        assertThat(error(base + "  url: postgresql://hb@db/x\n  password-file: nowhere\n")
                        .getMessage())
                .contains("storage.password-file")
                .contains("cannot read");

        AgentConfig inUrl =
                load(base + "  url: postgresql://hb:s3cret-pw@db.example.com:6432/heartbeat?sslmode=require\n");
        assertThat(inUrl.storage().postgres()).isTrue();
        assertThat(inUrl.storage().url()).isEqualTo("postgresql://hb@db.example.com:6432/heartbeat?sslmode=require");
        assertThat(inUrl.storage().password().value()).isEqualTo("s3cret-pw");
        assertThat(inUrl.storage().toString()).doesNotContain("s3cret-pw");
        assertThat(PostgresUrl.parse(inUrl.storage().url()).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example.com:6432/heartbeat?sslmode=require");

        env.put("DB_PW", "from-the-env");
        assertThat(load(base + "  url: postgresql://hb@db/x\n  password: ${DB_PW}\n")
                        .storage()
                        .password()
                        .value())
                .isEqualTo("from-the-env");
        Path credentials = Files.createDirectories(dir.resolve("creds"));
        Files.writeString(credentials.resolve("storage-password"), "from-systemd\n");
        env.put("CREDENTIALS_DIRECTORY", credentials.toString());
        AgentConfig cred = load(base + "  url: postgresql://hb@db/x\n");
        assertThat(cred.storage().password().value()).isEqualTo("from-systemd");
        assertThat(cred.storage().checkinInterval()).hasSeconds(5);
        assertThat(cred.stateDir()).isEqualTo(cred.workspace().getParent());
    }
}
