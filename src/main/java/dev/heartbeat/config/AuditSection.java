package dev.heartbeat.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The audit and sessions sections: the chain key from where secrets come, and the retentions. */
final class AuditSection extends Section {
    AuditSection(Input in) {
        super(in);
    }

    /** audit.chain-key, then audit.chain-key-file, then the systemd credential 'chain-key'. */
    AgentConfig.Audit audit() {
        AgentConfig.Audit a = config.audit();
        if (a.retention() != null && a.retention().compareTo(Duration.ofDays(1)) < 0) {
            throw parse.error(
                    "/audit/retention",
                    "give how old a decision must be to be archived, a day or " + "more, such as 400d");
        }
        if (a.chainKey().isPresent()) {
            return a;
        }
        if (a.chainKeyFile() != null && !a.chainKeyFile().isBlank()) {
            Path file = config.resolve(a.chainKeyFile());
            try {
                String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (key.length() < 16) {
                    throw parse.error(
                            "/audit/chain-key-file",
                            file + " holds less than 16 characters; use a "
                                    + "long random key (head -c 32 /dev/urandom | base64)");
                }
                return a.withKey(new Secret(key), a.chainKeyFile());
            } catch (IOException e) {
                throw parse.error(
                        "/audit/chain-key-file",
                        "cannot read " + file + " (" + e.getClass().getSimpleName()
                                + "); check the path and its permissions");
            }
        }
        return a.withKey(credential("chain-key", "/audit").orElse(new Secret(null)), null);
    }

    AgentConfig.Sessions sessions() {
        AgentConfig.Retention r = config.sessions().retention();
        if (r != null) {
            if (r.olderThan() == null || r.olderThan().compareTo(Duration.ofDays(1)) < 0) {
                throw parse.error(
                        "/sessions/retention/older-than",
                        "give how old a turn must be to be archived, " + "a day or more, such as 90d");
            }
            if (r.keepTurns() < 1) {
                throw parse.error("/sessions/retention/keep-turns", "must be at least 1: the newest turns are kept");
            }
        }
        return config.sessions();
    }
}
