package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The {@code tools} section: the built-in tools' limits and allowlists, and which calls wait for approval. */
@SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
public record ToolsConfig(
        Files files,
        @JsonProperty("http_get") HttpGet httpGet,
        @JsonProperty("run_command") RunCommand runCommand,
        Approvals approvals) {
    public ToolsConfig(Files files, HttpGet httpGet, RunCommand runCommand) {
        this(files, httpGet, runCommand, null);
    }

    public ToolsConfig {
        approvals = approvals == null ? new Approvals(null, null, null, null) : approvals;
        files = files == null ? new Files(null) : files;
        httpGet = httpGet == null ? new HttpGet(null, null, null, null) : httpGet;
        runCommand = runCommand == null ? new RunCommand(null, null, null) : runCommand;
    }

    /**
     * Which calls wait for a person: {@code required} always; {@code consequential} once the beat has
     * read untrusted content (when {@code after-untrusted} is on). Requests expire after {@code expire-after}.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Approvals(
            List<String> required, List<String> consequential, Boolean afterUntrusted, Duration expireAfter) {
        public Approvals {
            required = required == null ? List.of() : List.copyOf(required);
            consequential = consequential == null ? List.of("run_command", "write_file") : List.copyOf(consequential);
            afterUntrusted = afterUntrusted == null || afterUntrusted;
            expireAfter = expireAfter == null ? Duration.ofHours(24) : expireAfter;
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Files(Integer maxBytes) {
        public Files {
            maxBytes = maxBytes == null ? 256 * 1024 : maxBytes;
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record HttpGet(List<String> allowHosts, Integer maxBytes, Duration timeout, List<String> allowPrivate) {
        public HttpGet(List<String> allowHosts, Integer maxBytes, Duration timeout) {
            this(allowHosts, maxBytes, timeout, null);
        }

        public HttpGet {
            allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
            allowPrivate = allowPrivate == null ? List.of() : List.copyOf(allowPrivate);
            maxBytes = maxBytes == null ? 256 * 1024 : maxBytes;
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }

        /** Exact host match, or any subdomain for an entry written {@code *.example.com}. */
        public boolean allows(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            for (String entry : allowHosts) {
                String e = entry.toLowerCase(Locale.ROOT);
                if (e.startsWith("*.") ? h.endsWith(e.substring(1)) : h.equals(e)) {
                    return true;
                }
            }
            return false;
        }
    }

    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record RunCommand(List<String> allow, Duration timeout, Integer maxOutputBytes) {
        public RunCommand {
            allow = allow == null ? List.of() : List.copyOf(allow);
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            maxOutputBytes = maxOutputBytes == null ? 64 * 1024 : maxOutputBytes;
        }
    }
}
