package dev.heartbeat.config;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The probes and the beat's wake-gate: each reads one thing, through the same allowlists as the model's tools
 * (a program must be in {@code tools.run_command.allow}, a host in {@code tools.http_get.allow-hosts}, a file
 * inside the workspace) — configuring a probe opens no new way in.
 */
final class ProbesSection extends Section {
    ProbesSection(Input in) {
        super(in);
    }

    void probes() {
        Set<String> names = new HashSet<>();
        List<Probe> probes = config.probes();
        for (int i = 0; i < probes.size(); i++) {
            String at = "/probes/" + i;
            Probe p = probes.get(i);
            if (p == null
                    || p.name() == null
                    || !ConfigLoader.AGENT_NAME.matcher(p.name()).matches()) {
                throw parse.error(
                        at, "each probe needs a name: letters, digits, '.', '_' and '-', such as { name: disk, ... }");
            }
            if (!names.add(p.name())) {
                throw parse.error(at + "/name", "a probe named '" + p.name() + "' is listed twice");
            }
            int sources = (p.command() != null ? 1 : 0)
                    + (p.http() != null ? 1 : 0)
                    + (p.file() != null ? 1 : 0)
                    + (p.state() != null ? 1 : 0);
            if (sources != 1) {
                throw parse.error(
                        at,
                        "a probe reads exactly one thing: command: [program, args...], http: URL, file: PATH or "
                                + "state: KEY");
            }
            switch (p.kind()) {
                case COMMAND -> allowlisted(at + "/command", Objects.requireNonNull(p.command(), "a command"));
                case HTTP -> http(at, p);
                case FILE -> inWorkspace(at + "/file", String.valueOf(p.file()));
                case STATE -> {
                    if (String.valueOf(p.state()).isBlank()) {
                        throw parse.error(at + "/state", "name a key of the agent's state");
                    }
                }
            }
            if (p.jsonPath() != null && p.kind() != Probe.Kind.HTTP) {
                throw parse.error(at + "/json-path", "json-path reads into an http probe's answer");
            }
            if (p.every() != null) {
                positive(at + "/every", p.every());
            }
            try {
                p.condition();
            } catch (IllegalArgumentException e) {
                throw parse.error(at + "/when", String.valueOf(e.getMessage()));
            }
        }
        AgentConfig.Heartbeat h = config.heartbeat();
        positive("/heartbeat/max-silence", h.maxSilence());
        if (h.wakeGate() != null) {
            allowlisted("/heartbeat/wake-gate", h.wakeGate());
        }
    }

    /** A program the model's run_command may run: a probe or gate gets no program the model could not. */
    private void allowlisted(String at, List<String> argv) {
        if (argv.isEmpty() || argv.stream().anyMatch(a -> a == null || a.isEmpty())) {
            throw parse.error(at, "list the program and its arguments, such as [df, -P, /]");
        }
        List<String> allow = config.tools().runCommand().allow();
        if (!allow.contains(argv.get(0))) {
            throw parse.error(
                    at,
                    "'" + argv.get(0) + "' is not in tools.run_command.allow"
                            + (allow.isEmpty() ? "" : " (" + String.join(", ", allow) + ")")
                            + "; probes and the wake-gate run only programs allowlisted there");
        }
    }

    private void http(String at, Probe p) {
        String url = String.valueOf(p.http());
        httpUrl(at + "/http", url);
        String host = URI.create(url).getHost().toLowerCase(Locale.ROOT);
        if (!config.tools().httpGet().allows(host)) {
            throw parse.error(
                    at + "/http",
                    "host '" + host + "' is not in tools.http_get.allow-hosts; probes fetch only from hosts "
                            + "allowlisted there");
        }
        if (p.jsonPath() != null) {
            try {
                JsonPath.compile(p.jsonPath());
            } catch (RuntimeException e) {
                throw parse.error(
                        at + "/json-path",
                        "'" + p.jsonPath() + "' is not a JSONPath such as $.status.indicator (" + e.getMessage() + ")");
            }
        }
    }

    /** A path relative to the workspace that does not climb out of it (the run checks links too). */
    private void inWorkspace(String at, String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            throw parse.error(at, "'" + file + "' is not a path");
        }
        if (file.isBlank() || path.isAbsolute() || path.normalize().startsWith("..")) {
            throw parse.error(at, "'" + file + "' must be a file inside the workspace, relative to it");
        }
    }
}
