package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.beat.BeatListener;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.beat.BeatRunner;
import dev.heartbeat.beat.DecisionLogging;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.McpConfig;
import dev.heartbeat.config.PostgresUrl;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.Database;
import dev.heartbeat.store.Migrator;
import dev.heartbeat.store.PostgresDatabase;
import dev.heartbeat.store.SqliteDatabase;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.tools.BuiltinTools;
import dev.heartbeat.tools.ToolSources;
import dev.heartbeat.tools.Workspace;
import dev.heartbeat.tools.mcp.McpServers;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The object graph of a running agent, built by plain constructors in one place: store, model,
 * notifier, tools and the beat runner. Read top to bottom to see what depends on what.
 */
public final class AgentRuntime implements AutoCloseable {
    private final Store store;
    /** False when the daemon shares one store among its agents and closes it itself. */
    private final boolean ownsStore;

    private final BeatRunner runner;
    private final ToolSources tools;

    public AgentRuntime(AgentConfig config, Clock clock) {
        this(config, clock, ModelRouter.of(config.model(), clock));
    }

    private final Notifier notifier;

    /** Retries webhook notifications whose next attempt is due (the daemon calls it between beats). */
    public void retryNotifications() {
        notifier.retryDue();
    }

    public AgentRuntime(AgentConfig config, Clock clock, ModelRouter model) {
        this(config, clock, model, List.of());
    }

    /** {@code listeners} watch every beat besides the decision log event (metrics, traces). */
    public AgentRuntime(AgentConfig config, Clock clock, ModelRouter model, List<BeatListener> listeners) {
        this(config, clock, model, listeners, null);
    }

    /** One agent of several over the daemon's one {@code store}, which stays open when this runtime closes. */
    public static AgentRuntime sharing(
            Store store, AgentConfig config, Clock clock, ModelRouter model, List<BeatListener> listeners) {
        return new AgentRuntime(config, clock, model, listeners, store);
    }

    private AgentRuntime(
            AgentConfig config,
            Clock clock,
            ModelRouter model,
            List<BeatListener> listeners,
            @org.jspecify.annotations.Nullable Store shared) {
        registerSecrets(config);
        createWorkspace(config.workspace());
        this.ownsStore = shared == null;
        this.store = shared != null ? shared : openStore(config, clock);
        this.notifier = new Notifier(config, clock, store);
        Workspace workspace = new Workspace(config.workspace());
        this.tools = new ToolSources(List.of(
                new BuiltinTools(config, workspace, store, notifier, clock),
                new McpServers(config.mcp(), config.baseDir(), clock)));
        this.runner = new BeatRunner(
                config,
                store,
                clock,
                model,
                notifier,
                tools,
                Stream.concat(Stream.of(new DecisionLogging()), listeners.stream())
                        .toList());
    }

    /** The database {@code storage.url} names: a SQLite file (resolved against the config's folder) or PostgreSQL. */
    public static Database database(AgentConfig config) {
        AgentConfig.Storage s = config.storage();
        if (s.postgres()) {
            PostgresUrl url = PostgresUrl.parse(s.url());
            return new PostgresDatabase(
                    url.display(), url.jdbcUrl(), url.user(), s.password().value());
        }
        return new SqliteDatabase(databaseFile(config));
    }

    /** The store opened (created and migrated if needed) for writing, its decisions chained with the chain key. */
    public static Store openStore(AgentConfig config, Clock clock) {
        return openStore(config, clock, null);
    }

    /** The same, a migration it needs run by {@code elsewhere} (see {@link Store#open(Database, Clock, Migrator)}). */
    static Store openStore(AgentConfig config, Clock clock, @org.jspecify.annotations.Nullable Migrator elsewhere) {
        return Store.open(database(config), clock, elsewhere)
                .keyChain(HashChain.key(config.audit().chainKey().value()));
    }

    /** The SQLite file named by {@code storage.url}, resolved against the config file's folder. */
    public static Path databaseFile(AgentConfig config) {
        return config.resolve(config.storage().url().substring("sqlite:".length()));
    }

    /** Every secret the config holds is masked from here on, in logs and in everything written. */
    public static void registerSecrets(AgentConfig config) {
        Redactor.register(config.model().apiKey().value());
        Redactor.register(config.storage().password().value());
        Redactor.register(config.audit().chainKey().value());
        config.model().fallbacks().forEach(f -> Redactor.register(f.apiKey().value()));
        if (config.model().triage() != null) {
            Redactor.register(config.model().triage().apiKey().value());
        }
        // A probe's URL may carry a token in its query or user part, as an MCP server's may.
        config.probes().stream()
                .filter(p -> p.http() != null)
                .forEach(p -> Redactor.registerUrl(URI.create(String.valueOf(p.http()))));
        for (McpConfig.Server server : config.mcp().servers().values()) {
            server.env().values().forEach(secret -> Redactor.register(secret.value()));
            server.headers().values().forEach(secret -> Redactor.registerCredential(secret.value()));
            Redactor.registerUrl(server.url());
        }
        for (AgentConfig.Channel channel : config.notifications().channels()) {
            channel.headers().values().forEach(secret -> Redactor.registerCredential(secret.value()));
            Redactor.registerUrl(channel.url());
            Redactor.register(channel.secret().value());
            Redactor.register(channel.password().value());
        }
    }

    private static void createWorkspace(Path workspace) {
        try {
            Files.createDirectories(workspace);
        } catch (IOException e) {
            throw new StoreException("cannot create the workspace " + workspace + ": " + e.getMessage(), e);
        }
    }

    public Decision beat(BeatOptions options) {
        return runner.run(options);
    }

    /** A daemon's beat for one tick; empty when the tick was taken already. */
    public Optional<Decision> tick(BeatOptions options) {
        return runner.tick(options);
    }

    public Optional<Decision> recordMissed(
            String beatId, int count, Instant first, Instant last, String node, String why) {
        return runner.recordMissed(beatId, count, first, last, node, why);
    }

    public Store store() {
        return store;
    }

    /** Stops the MCP servers the beats started, then closes the store unless it is shared. */
    @Override
    public void close() {
        try {
            tools.close();
        } finally {
            if (ownsStore) {
                store.close();
            }
        }
    }
}
