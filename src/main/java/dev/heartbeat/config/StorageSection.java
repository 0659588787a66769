package dev.heartbeat.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The storage section: a SQLite file or a PostgreSQL URL, and its password from where secrets come. */
final class StorageSection extends Section {
    StorageSection(Input in) {
        super(in);
    }

    AgentConfig.Storage storage() {
        AgentConfig.Storage s = config.storage();
        String url = s.url();
        if (url.startsWith("sqlite:")) {
            if (url.substring("sqlite:".length()).isBlank()) {
                throw parse.error("/storage/url", "names no database file; write sqlite:sessions/heartbeat.db");
            }
            return s;
        }
        if (!s.postgres()) {
            String shown = url.contains("@") ? url.substring(0, url.indexOf(':') + 1) + "..." : url;
            throw parse.error(
                    "/storage/url",
                    "'" + shown + "' is not a storage URL; write sqlite:PATH, "
                            + "such as sqlite:sessions/heartbeat.db, or postgresql://USER@HOST:PORT/DATABASE");
        }
        PostgresUrl pg;
        try {
            pg = PostgresUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw parse.error("/storage/url", "the PostgreSQL URL " + e.getMessage());
        }
        if (s.checkinInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw parse.error("/storage/checkin-interval", "must be at least 1s");
        }
        return new AgentConfig.Storage(pg.display(), storagePassword(s, pg), s.passwordFile(), s.checkinInterval());
    }

    /** storage.password, then storage.password-file, then the URL's own, then the credential 'storage-password'. */
    private Secret storagePassword(AgentConfig.Storage s, PostgresUrl pg) {
        if (s.password().isPresent()) {
            return s.password();
        }
        if (s.passwordFile() != null && !s.passwordFile().isBlank()) {
            Path file = config.resolve(s.passwordFile());
            try {
                return new Secret(Files.readString(file, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw parse.error(
                        "/storage/password-file",
                        "cannot read " + file + " (" + e.getClass().getSimpleName()
                                + "); check the path and its permissions");
            }
        }
        if (pg.password() != null) {
            return new Secret(pg.password());
        }
        return credential("storage-password", "/storage/url").orElse(new Secret(null));
    }
}
