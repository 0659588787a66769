package dev.heartbeat.config;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAMS]}, the form libpq and most tools
 * accept. The parameters (sslmode, connectTimeout, ...) go to the JDBC driver unchanged. The
 * password, when the URL holds one, is kept apart and never shown: {@link #display()} has none.
 */
public record PostgresUrl(
        String user, @Nullable String password, String host, int port, String database, String query) {

    public static boolean matches(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /** Parses the URL; the exception's message never repeats the URL's password. */
    public static PostgresUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + " at character " + e.getIndex()
                    + "); write postgresql://USER@HOST:PORT/DATABASE");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("names no host; write postgresql://USER@HOST:PORT/DATABASE");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isBlank() || path.contains("/")) {
            throw new IllegalArgumentException("names no database; write postgresql://USER@HOST:PORT/DATABASE");
        }
        String info = uri.getUserInfo();
        if (info == null || info.isBlank() || info.startsWith(":")) {
            throw new IllegalArgumentException("names no user; write postgresql://USER@HOST:PORT/DATABASE");
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        String password = colon < 0 ? null : info.substring(colon + 1);
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new PostgresUrl(user, password, uri.getHost(), port, path, uri.getRawQuery());
    }

    /** The URL as shown to people: no password. */
    public String display() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database + (query == null ? "" : "?" + query);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + (query == null ? "" : "?" + query);
    }

    @Override
    public String toString() {
        return display();
    }
}
