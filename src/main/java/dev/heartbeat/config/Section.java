package dev.heartbeat.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One section's checks of a bound configuration: what needs more than one key, or knowledge Jackson does
 * not have. Errors name the key, the file and the line ({@link YamlWithLines#error}).
 */
abstract class Section {
    /** What every section's checks read: the bound configuration, the parsed file, the environment. */
    record Input(AgentConfig config, YamlWithLines parse, Map<String, String> env, boolean requireKey) {}

    final AgentConfig config;
    final YamlWithLines parse;
    final Map<String, String> env;
    final boolean requireKey;

    Section(Input in) {
        this.config = in.config();
        this.parse = in.parse();
        this.env = in.env();
        this.requireKey = in.requireKey();
    }

    /** A non-empty systemd credential named {@code name} ($CREDENTIALS_DIRECTORY), if the service has one. */
    Optional<Secret> credential(String name, String pointer) {
        String credentials = env.get("CREDENTIALS_DIRECTORY");
        if (credentials == null || credentials.isBlank()) {
            return Optional.empty();
        }
        Path credential = Path.of(credentials, name);
        if (!Files.isReadable(credential)) {
            return Optional.empty();
        }
        try {
            String value = Files.readString(credential, StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(new Secret(value));
        } catch (IOException e) {
            throw parse.error(pointer, "cannot read the systemd credential " + credential);
        }
    }

    void positive(String pointer, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw parse.error(pointer, "must be longer than zero");
        }
    }

    void httpUrl(String pointer, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw parse.error(pointer, "'" + url + "' is not a URL");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw parse.error(pointer, "'" + url + "' must be an http:// or https:// URL with a host");
        }
    }
}
