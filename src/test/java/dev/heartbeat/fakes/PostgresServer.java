package dev.heartbeat.fakes;

import dev.heartbeat.config.PostgresUrl;
import dev.heartbeat.store.PostgresDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests, with password (SCRAM) authentication on loopback. CI starts one
 * and names it in {@code HB_TEST_POSTGRES_URL} (postgresql://USER:PASSWORD@127.0.0.1:PORT/DB); without
 * it, the first test that needs one starts a throwaway server from the installed PostgreSQL binaries
 * (initdb, pg_ctl) under {@code target/}, stopped when the test JVM exits. Every test gets a database
 * of its own.
 */
public final class PostgresServer {
    public static final String ENV = "HB_TEST_POSTGRES_URL";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String adminDatabase;
    private final List<String> created = Collections.synchronizedList(new ArrayList<>());

    private PostgresServer(String user, String password, String host, int port, String adminDatabase) {
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.adminDatabase = adminDatabase;
    }

    public static synchronized PostgresServer shared() {
        if (shared == null) {
            String url = System.getenv(ENV);
            if (url != null && !url.isBlank()) {
                PostgresUrl u = PostgresUrl.parse(url);
                PostgresServer server = new PostgresServer(u.user(), u.password(), u.host(), u.port(), u.database());
                Runtime.getRuntime().addShutdownHook(new Thread(server::dropCreated));
                shared = server;
            } else {
                shared = startLocal();
            }
        }
        return shared;
    }

    public String password() {
        return password;
    }

    /** A new, empty database; returns its URL without the password (give that as storage.password). */
    public String createDatabase() {
        String name = "hb_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbc(adminDatabase), user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            created.add(name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create a test database on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return "postgresql://" + user + "@" + host + ":" + port + "/" + name;
    }

    /** Someone else's server: the databases the tests made are dropped when the test JVM exits. */
    private void dropCreated() {
        try (Connection c = DriverManager.getConnection(jdbc(adminDatabase), user, password);
                Statement s = c.createStatement()) {
            for (String name : List.copyOf(created)) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("could not drop the test databases " + created + ": " + e.getMessage());
        }
    }

    /** The store's dialect for a database {@link #createDatabase} made. */
    public PostgresDatabase database(String url) {
        PostgresUrl u = PostgresUrl.parse(url);
        return new PostgresDatabase(u.display(), u.jdbcUrl(), u.user(), password);
    }

    /** A plain JDBC connection to a test database, for looking behind the program's back. */
    public Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(PostgresUrl.parse(url).jdbcUrl(), user, password);
    }

    private String jdbc(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    // ------------------------------------------------------------------ a throwaway local server

    private static PostgresServer startLocal() {
        Path bin = binaries();
        try {
            Path dir = Path.of("target", "postgres-" + ProcessHandle.current().pid())
                    .toAbsolutePath();
            Files.createDirectories(dir);
            String password = "hb-test-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                // PostgreSQL refuses to run as root: the server runs as the postgres user the package made.
                run(List.of("chown", "-R", "postgres", dir.toString()), dir);
            }
            Path data = dir.resolve("data");
            run(
                    as(
                            root,
                            List.of(
                                    bin.resolve("initdb").toString(),
                                    "-D",
                                    data.toString(),
                                    "-U",
                                    "hb",
                                    "-E",
                                    "UTF8",
                                    "--auth-local=trust",
                                    "--auth-host=scram-sha-256",
                                    "--pwfile=" + pwfile,
                                    "--no-sync")),
                    dir);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            run(
                    as(
                            root,
                            List.of(
                                    bin.resolve("pg_ctl").toString(),
                                    "-D",
                                    data.toString(),
                                    "-l",
                                    dir.resolve("log").toString(),
                                    "-w",
                                    "-o",
                                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 "
                                            + "-c max_connections=200",
                                    "start")),
                    dir);
            List<String> stop = as(
                    root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new ProcessBuilder(stop).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the JVM is exiting; the data folder is under target/ and goes with mvn clean
                }
            }));
            return new PostgresServer("hb", password, "127.0.0.1", port, "postgres");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a PostgreSQL server for the tests: " + e.getMessage(), e);
        }
    }

    private static List<String> as(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private static Path binaries() {
        for (Path candidate : candidates()) {
            if (Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl"))) {
                return candidate;
            }
        }
        Requires.missing("PostgreSQL: install it (apt-get install postgresql) so initdb and pg_ctl are found, or set "
                + ENV + "=postgresql://USER:PASSWORD@HOST:PORT/postgres to a server the tests may create databases on");
        throw new IllegalStateException("unreachable");
    }

    private static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (var versions = Files.list(lib)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> out.add(v.resolve("bin")));
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                out.add(Path.of(dir));
            }
        }
        return out;
    }

    private static void run(List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port + " (" + Map.of("user", user) + ")";
    }
}
