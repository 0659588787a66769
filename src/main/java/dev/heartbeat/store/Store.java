package dev.heartbeat.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jspecify.annotations.Nullable;

/**
 * The agent's durable memory, opened and migrated: one repository per concern over one {@link Jdbc}
 * runner — {@link Sessions}, {@link Summaries}, {@link RepairLog}, {@link Pruning}, {@link DecisionLog}, {@link AgentState}, {@link Intents},
 * {@link Approvals}, {@link Control}, {@link Outbox} and {@link Cluster}. In SQLite (one connection per
 * process, handed to one thread at a time; other processes read beside it through WAL) or PostgreSQL (a
 * small pool; every node of a cluster shares it). The queries are the same on both; what differs is in
 * {@link Database}.
 */
public final class Store implements AutoCloseable {
    private final Database db;
    private final Database.Connections connections;
    private final Jdbc jdbc;
    private final Control control;
    private final Summaries summaries;
    private final Sessions sessions;
    private final RepairLog repairLog;
    private final Pruning pruning;
    private final DecisionLog decisionLog;
    private final Cluster cluster;
    private final Approvals approvals;
    private final Intents intents;
    private final Outbox outbox;
    private final AgentState agentState;
    private final Probes probes;

    private Store(Database db, Database.Connections connections, Clock clock, boolean readOnly) {
        this.db = db;
        this.connections = connections;
        this.jdbc = new Jdbc(db, connections, clock, readOnly);
        this.control = new Control(jdbc);
        this.summaries = new Summaries(jdbc);
        this.sessions = new Sessions(jdbc);
        this.repairLog = new RepairLog(jdbc);
        this.pruning = new Pruning(jdbc);
        this.decisionLog = new DecisionLog(jdbc);
        this.cluster = new Cluster(jdbc);
        this.approvals = new Approvals(jdbc);
        this.intents = new Intents(jdbc);
        this.outbox = new Outbox(jdbc);
        this.agentState = new AgentState(jdbc);
        this.probes = new Probes(jdbc);
    }

    /** Opens (creating if needed) and migrates the SQLite file for a process that writes. */
    public static Store open(Path file, Clock clock) {
        return open(new SqliteDatabase(file), clock);
    }

    /** Opens and migrates the database for a process that writes. */
    public static Store open(Database db, Clock clock) {
        return open(db, clock, null);
    }

    /**
     * Opens the database for a process that writes; when it is not at this release's schema, {@code elsewhere}
     * migrates it first (the daemon: in a process of its own), with no connection of ours open, and what it leaves
     * undone is migrated here.
     */
    public static Store open(Database db, Clock clock, @Nullable Migrator elsewhere) {
        db.checkIntact();
        Database.Connections connections = db.connect(false);
        if (current(connections, db)) {
            return new Store(db, connections, clock, false);
        }
        if (elsewhere != null) {
            connections.close();
            elsewhere.migrate(db);
            connections = db.connect(false);
            if (current(connections, db)) {
                return new Store(db, connections, clock, false);
            }
        }
        try {
            Flyway.configure()
                    .dataSource(connections.dataSource())
                    .locations("classpath:db/migration")
                    .placeholders(db.placeholders())
                    .javaMigrations(db.extraMigrations().toArray(new JavaMigration[0]))
                    .load()
                    .migrate();
        } catch (FlywayValidateException e) {
            connections.close();
            // Flyway's own advice ("run repair") would rewrite the history to fit; ours is to keep it as it is.
            throw new StoreException(
                    "cannot prepare the database " + db.describe() + ": its migration history does "
                            + "not match this release (" + validationErrors(e)
                            + "). A released migration is never edited, so "
                            + "this database was made by another build: open it with that build, or restore a backup. "
                            + "Nothing was changed.",
                    e);
        } catch (FlywayException e) {
            connections.close();
            throw new StoreException(
                    "cannot prepare the database " + db.describe() + ": " + StoreException.rootMessage(e), e);
        }
        return new Store(db, connections, clock, false);
    }

    /** Whether the database is there with this release's schema: opening it for writing then migrates nothing. */
    public static boolean current(Database db) {
        if (!db.exists()) {
            return false;
        }
        try (Database.Connections connections = db.connect(false)) {
            return current(connections, db);
        }
    }

    private static boolean current(Database.Connections connections, Database db) {
        try {
            Connection c = connections.borrow();
            try {
                return Migrations.current(c, db.extraMigrations());
            } finally {
                connections.giveBack(c);
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Opens an existing SQLite file for reading only. */
    public static Store openReadOnly(Path file, Clock clock) {
        return openReadOnly(new SqliteDatabase(file), clock);
    }

    /** Opens an existing database for reading only: inspection commands, beside a running daemon. */
    public static Store openReadOnly(Database db, Clock clock) {
        if (!db.exists()) {
            throw StoreException.notCreated("no database at " + db.describe() + "; it is created by the first beat "
                    + "(run --once), or check storage.url in the configuration");
        }
        Database.Connections connections = db.connect(true);
        Store store = new Store(db, connections, clock, true);
        try {
            store.checkSchema();
            return store;
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    private void checkSchema() {
        boolean ours;
        try {
            Connection c = connections.borrow();
            try {
                ours = db.hasSchema(c);
            } finally {
                connections.giveBack(c);
            }
        } catch (SQLException e) {
            throw new StoreException(db.describe() + " cannot be read as a database: " + e.getMessage(), e);
        }
        if (!ours && db.clustered()) {
            throw StoreException.notCreated(db.describe() + " has no heartbeat-agent tables yet; the first 'run' or "
                    + "'--once' creates them");
        }
        if (!ours) {
            throw new StoreException(
                    db.describe() + " is not a heartbeat-agent database (no decisions table); " + "check storage.url");
        }
    }

    /** Flyway's validation findings, one clause each, without its advice lines. */
    private static String validationErrors(Throwable e) {
        return Arrays.stream(String.valueOf(e.getMessage()).split("\\R"))
                .map(String::strip)
                .filter(line -> line.startsWith("Migration ") || line.startsWith("Detected "))
                .collect(Collectors.joining("; "));
    }

    /** Chains the decisions appended from now on with HMAC under {@code key} (null: plain SHA-256). */
    public Store keyChain(byte @Nullable [] key) {
        decisionLog.keyChain(key);
        return this;
    }

    /** Wake requests, the pause kept in the store, the watchdog's ping. */
    public Control control() {
        return control;
    }

    /** The agent's key-value state and its taint marks. */
    public AgentState agentState() {
        return agentState;
    }

    /** The probes' last results and what the model last saw of them. */
    public Probes probes() {
        return probes;
    }

    /** Notifications on their way out, and what each channel sent. */
    public Outbox outbox() {
        return outbox;
    }

    /** The beat's journal: tool-call intents and what a running beat did. */
    public Intents intents() {
        return intents;
    }

    /** Calls waiting for a person's approval. */
    public Approvals approvals() {
        return approvals;
    }

    /** The tick fence, beat starts, the beat lock, the cluster's nodes and clock. */
    public Cluster cluster() {
        return cluster;
    }

    /** The hash-chained decision log. */
    public DecisionLog decisionLog() {
        return decisionLog;
    }

    /** Sessions: messages and revisions. */
    public Sessions sessions() {
        return sessions;
    }

    /** How big and old sessions are, and removing what retention archived. */
    public Pruning pruning() {
        return pruning;
    }

    /** Sessions' repair actions and the lines imports could not read. */
    public RepairLog repairLog() {
        return repairLog;
    }

    /** The summaries standing for sessions' older turns. */
    public Summaries summaries() {
        return summaries;
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        jdbc.close();
    }
}
