package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The agent's configuration as loaded from agent.yaml: one record per section, defaults applied,
 * relative paths resolved against the folder that holds the file.
 */
@SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
public record AgentConfig(
        Path file,
        Agent agent,
        ModelConfig model,
        Heartbeat heartbeat,
        Context context,
        Storage storage,
        Notify notifications,
        ToolsConfig tools,
        Logging logging,
        Map<String, Price> pricing,
        Budget budget,
        Audit audit,
        Sessions sessions,
        McpConfig mcp,
        List<Probe> probes,
        Observability observability) {

    public AgentConfig {
        probes = probes == null ? List.of() : List.copyOf(probes);
        observability = observability == null ? new Observability(null) : observability;
    }

    /** The folder relative paths in the file resolve against. */
    public Path baseDir() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    public Path resolve(String path) {
        return baseDir().resolve(path).normalize();
    }

    public Path workspace() {
        return resolve(agent.workspace());
    }

    /** The checklist: relative to the workspace, or an absolute path (a read-only file in /etc, say). */
    public Path checklist() {
        return workspace().resolve(heartbeat.checklist()).normalize();
    }

    /** Midnight today in the agent's time zone: where daily budgets and "today" figures start. */
    public OffsetDateTime startOfToday(Clock clock) {
        return LocalDate.now(clock.withZone(agent.timezone()))
                .atStartOfDay(agent.timezone())
                .toOffsetDateTime();
    }

    /** The session the heartbeat writes to: it bears the agent's name. */
    public String sessionName() {
        return agent.name();
    }

    /** The sections of agent.yaml as Jackson binds them; unknown keys are errors. */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    record Document(
            @Nullable Agent agent,
            @Nullable ModelConfig model,
            @Nullable Heartbeat heartbeat,
            @Nullable Context context,
            @Nullable Storage storage,
            @JsonProperty("notify") @Nullable Notify notifications,
            @Nullable ToolsConfig tools,
            @Nullable Logging logging,
            @Nullable Map<String, Price> pricing,
            @Nullable Budget budget,
            @Nullable Audit audit,
            @Nullable Sessions sessions,
            @Nullable McpConfig mcp,
            @Nullable List<Probe> probes,
            @Nullable Observability observability) {}

    /** How the agent's session is kept; {@code retention} off unless set. */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Sessions(@Nullable Retention retention) {}

    /**
     * Turns older than {@code olderThan} are archived (gzip JSON lines beside the database) and removed by the
     * beats themselves, never the newest {@code keepTurns}: a daemon that runs for a year keeps a bounded store.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Retention(Duration olderThan, Integer keepTurns) {
        public Retention {
            keepTurns = keepTurns == null ? 50 : keepTurns;
        }
    }

    /**
     * The decision log's key: with one, every record is chained with HMAC-SHA-256, so a record rewritten
     * without the key is caught. From {@code chain-key}, {@code chain-key-file} or the systemd credential
     * {@code chain-key}.
     */
    /** {@code retention}: decisions older than this are archived out of the store; null keeps them all. */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Audit(
            Secret chainKey,
            @Nullable String chainKeyFile,
            @Nullable Duration retention) {
        public Audit(Secret chainKey, String chainKeyFile) {
            this(chainKey, chainKeyFile, null);
        }

        public Audit {
            chainKey = chainKey == null ? new Secret(null) : chainKey;
        }

        AgentConfig.Audit withKey(Secret key, @Nullable String file) {
            return new Audit(key, file, retention);
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Agent(String name, String workspace, ZoneId timezone) {
        public Agent {
            name = name == null ? "heartbeat" : name;
            workspace = workspace == null ? "./sessions/workspace" : workspace;
            timezone = timezone == null ? ZoneId.systemDefault() : timezone;
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Heartbeat(
            Boolean enabled,
            Duration every,
            @Nullable String cron,
            @Nullable ActiveHours activeHours,
            Integer maxSteps,
            String checklist,
            Duration shutdownGrace,
            Duration deadline,
            Duration maxSilence,
            @Nullable List<String> wakeGate) {
        public Heartbeat {
            enabled = enabled == null || enabled;
            every = every == null ? Duration.ofMinutes(30) : every;
            maxSteps = maxSteps == null ? 8 : maxSteps;
            checklist = checklist == null ? "HEARTBEAT.md" : checklist;
            shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(30) : shutdownGrace;
            deadline = deadline == null ? Duration.ofMinutes(5) : deadline;
            // With probes, the model is still asked once a day when nothing changed: a probe that reads the
            // wrong thing cannot silence the agent for good.
            maxSilence = maxSilence == null ? Duration.ofHours(24) : maxSilence;
            wakeGate = wakeGate == null ? null : List.copyOf(wakeGate);
        }

        /** Off when {@code enabled: false}, or when neither cron nor a non-zero interval is set. */
        @JsonIgnore
        public boolean isOn() {
            return enabled && (cron != null || !every.isZero());
        }

        @JsonIgnore
        public Optional<ActiveHours> window() {
            return Optional.ofNullable(activeHours);
        }

        public Heartbeat withActiveHours(ActiveHours window) {
            return new Heartbeat(
                    enabled, every, cron, window, maxSteps, checklist, shutdownGrace, deadline, maxSilence, wakeGate);
        }
    }

    /** A daily window in {@code timezone} (the agent's unless the file names one). */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record ActiveHours(LocalTime start, LocalTime end, ZoneId timezone) {
        public ActiveHours {
            timezone = timezone == null ? ZoneId.systemDefault() : timezone;
        }

        /** How long the window is on an ordinary day (one without a clock change). */
        public Duration length() {
            long seconds = Duration.between(start, end).getSeconds();
            return Duration.ofSeconds(seconds <= 0 ? seconds + 86_400 : seconds);
        }

        /** Whether {@code time} (in this window's zone) falls inside; the window may cross midnight; start == end never matches. */
        public boolean contains(LocalTime time) {
            if (start.equals(end)) {
                return false;
            }
            if (start.isBefore(end)) {
                return !time.isBefore(start) && time.isBefore(end);
            }
            return !time.isBefore(start) || time.isBefore(end);
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Context(Integer budgetTokens, Integer maxTurns, Integer maxToolResultChars) {
        public Context {
            budgetTokens = budgetTokens == null ? 8000 : budgetTokens;
            maxTurns = maxTurns == null ? 6 : maxTurns;
            maxToolResultChars = maxToolResultChars == null ? 16_000 : maxToolResultChars;
        }
    }

    /**
     * Where the store lives: {@code sqlite:PATH} (the default) or {@code postgresql://...} for a cluster.
     * {@code password} is resolved by the loader (password, password-file, the URL, a systemd credential)
     * and never left in {@code url}. {@code checkinInterval}: how often a cluster node tells the others
     * it is alive; a node silent for this long plus 7.5 s is taken for dead and its beats move on.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Storage(
            String url, Secret password, @Nullable String passwordFile, Duration checkinInterval) {
        public Storage(String url) {
            this(url, null, null, null);
        }

        public Storage {
            url = url == null ? "sqlite:sessions/heartbeat.db" : url;
            password = password == null ? new Secret(null) : password;
            checkinInterval = checkinInterval == null ? Duration.ofSeconds(5) : checkinInterval;
        }

        public boolean postgres() {
            return PostgresUrl.matches(url);
        }
    }

    /**
     * Where notifications go. {@code alertAfterFailures}: after that many failed beats in a row the operator
     * is told once (and once when beats work again); 0 turns it off.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Notify(List<Channel> channels, Duration dedupeWindow, Integer alertAfterFailures) {
        public Notify {
            channels = channels == null
                    ? List.of(new Channel(ChannelType.LOG, null, null, Map.of(), null))
                    : List.copyOf(channels);
            dedupeWindow = dedupeWindow == null ? Duration.ofHours(24) : dedupeWindow;
            alertAfterFailures = alertAfterFailures == null ? 3 : alertAfterFailures;
        }
    }

    /**
     * A notify channel. For a webhook, {@code secret} signs every delivery the Standard Webhooks way
     * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<HMAC-SHA256>}).
     */
    /**
     * An e-mail channel also has {@code to} (addresses), {@code from}, and for an SMTP server that wants a login,
     * {@code username} and {@code password}; its {@code url} is {@code smtp://HOST:PORT} (STARTTLS) or
     * {@code smtps://HOST:PORT} (TLS from the start). {@code name} is how records and {@code notify test} call it
     * (its type, numbered when there are several, unless set); outside {@code deliverHours} a notification that is
     * not critical is held and sent in one digest when the window opens.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Channel(
            @Nullable String name,
            ChannelType type,
            @Nullable URI url,
            @Nullable String path,
            Map<String, Secret> headers,
            Secret secret,
            List<String> to,
            @Nullable String from,
            @Nullable String username,
            Secret password,
            @Nullable ActiveHours deliverHours) {
        public Channel {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            secret = secret == null ? new Secret(null) : secret;
            to = to == null ? List.of() : List.copyOf(to);
            password = password == null ? new Secret(null) : password;
        }

        public Channel(ChannelType type, URI url, String path, Map<String, Secret> headers, Secret secret) {
            this(null, type, url, path, headers, secret, null, null, null, null, null);
        }

        /** The same channel with its delivery window in {@code window}'s place (the agent's zone filled in). */
        public Channel withDeliverHours(ActiveHours window) {
            return new Channel(name, type, url, path, headers, secret, to, from, username, password, window);
        }

        public Channel(ChannelType type, URI url, String path, Map<String, Secret> headers) {
            this(type, url, path, headers, null);
        }
    }

    /** Daily limits (in the agent's time zone); null means no limit. */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Budget(
            @Nullable Long dailyTokens, @Nullable Double dailyUsd) {
        public boolean any() {
            return dailyTokens != null || dailyUsd != null;
        }
    }

    /**
     * The agent's local state (PAUSE file, archives, lock): the SQLite file's folder, or with PostgreSQL
     * the folder that holds the workspace.
     */
    public Path stateDir() {
        if (storage.postgres()) {
            Path parent = workspace().getParent();
            return parent == null ? baseDir() : parent;
        }
        Path db = resolve(storage.url().substring(storage.url().indexOf(':') + 1));
        return db.getParent() == null ? baseDir() : db.getParent();
    }

    /**
     * Where the decision chain's head is anchored outside the store: beside the SQLite file, or in the
     * state folder with PostgreSQL.
     */
    public Path headAnchorFile() {
        if (storage.postgres()) {
            return stateDir().resolve("decisions.head");
        }
        Path db = resolve(storage.url().substring(storage.url().indexOf(':') + 1));
        return db.resolveSibling(db.getFileName() + ".head");
    }

    /** While this file exists, every beat (of every agent of the state folder) is skipped with reason "paused". */
    public Path pauseFile() {
        return stateDir().resolve("PAUSE");
    }

    /** While this file exists, this agent's beats are skipped with reason "paused" (one agent of several). */
    public Path agentPauseFile() {
        return stateDir().resolve("PAUSE." + agent.name());
    }

    /**
     * USD per million tokens for one model: input, output, {@code cache-read} (input a prompt cache served;
     * {@code cached-input} is its older name) and {@code cache-write} (input written to Anthropic's cache: 1.25
     * times the input price for 5 minutes, twice for an hour). Both cache prices default to the input price.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Price(
            Double input, Double output, @Nullable Double cachedInput, Double cacheRead, Double cacheWrite) {
        public Price(Double input, Double output, Double cachedInput) {
            this(input, output, cachedInput, null, null);
        }

        public Price {
            input = input == null ? 0.0 : input;
            output = output == null ? 0.0 : output;
            cacheRead = cacheRead != null ? cacheRead : cachedInput != null ? cachedInput : input;
            cacheWrite = cacheWrite == null ? input : cacheWrite;
        }

        /**
         * The cost of a call's tokens, each part of the input at its own price: {@code inputTokens} counts all of
         * it, {@code cacheRead} and {@code cacheWritten} the parts served from and written to a prompt cache.
         */
        public double cost(long inputTokens, long outputTokens, long cacheRead, long cacheWritten) {
            long read = Math.min(cacheRead, inputTokens);
            long written = Math.min(cacheWritten, inputTokens - read);
            long plain = inputTokens - read - written;
            return (plain * input + read * this.cacheRead + written * cacheWrite + outputTokens * output) / 1_000_000.0;
        }
    }

    /** The price of the configured model, if the price table names it. */
    public Optional<Price> price() {
        return price(model.name());
    }

    /** The price of a model by name (a fallback's, when it answered), if the price table names it. */
    public Optional<Price> price(String modelName) {
        return Optional.ofNullable(pricing.get(modelName));
    }

    /** Where logs go besides the console: an optional JSON-lines file (Logback's JsonEncoder). */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Logging(@Nullable String jsonFile) {}
}
