package dev.heartbeat.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Probe;
import dev.heartbeat.store.Probes;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import dev.heartbeat.tools.HttpGetTool;
import dev.heartbeat.tools.RunCommandTool;
import dev.heartbeat.tools.ToolCallContext;
import dev.heartbeat.tools.ToolFailure;
import dev.heartbeat.tools.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the agent's probes at the start of a beat, before any model call, through the model's own tools
 * (run_command's allowlist, sandbox and caps; http_get's allowlist and address policy; the workspace's
 * confinement): a probe can read nothing the model could not. Each result is normalised, masked and
 * fingerprinted; a probe not due again ({@code every}) keeps its last result.
 */
public final class ProbeRunner {
    /** How much of a result is kept (and shown to the model); the fingerprint covers all of it. */
    static final int KEPT_CHARS = 4_000;

    /** How much of a file is read as its result: its head and the note that it goes on fit in what is kept. */
    static final int FILE_HEAD_BYTES = KEPT_CHARS - 100;

    /** How much of why a probe failed is kept. */
    static final int MAX_ERROR_CHARS = 1_000;

    private static final Configuration JACKSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(Json.mapper()))
            .mappingProvider(new JacksonMappingProvider(Json.mapper()))
            .build();

    private final AgentConfig config;
    private final Store store;
    private final Clock clock;
    private final RunCommandTool command;
    private final HttpGetTool http;
    private final Workspace workspace;

    public ProbeRunner(AgentConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.workspace = new Workspace(config.workspace());
        this.command = new RunCommandTool(config.tools().runCommand(), workspace, config.baseDir());
        this.http = new HttpGetTool(config.tools().httpGet());
    }

    /** Runs (or reuses) every probe, keeping each new run in the store; in the configured order. */
    public List<Found> run(String beatId) {
        String agent = config.agent().name();
        Map<String, Probes.Run> last = store.probes().runs(agent);
        List<Found> found = new ArrayList<>();
        for (Probe probe : config.probes()) {
            Probes.Run before = last.get(probe.name());
            String seen = before == null ? null : before.seen();
            Instant now = clock.instant();
            if (before != null
                    && probe.every() != null
                    && now.isBefore(before.ranAt().plus(probe.every()))) {
                found.add(new Found(
                        probe, false, before.fingerprint(), before.result(), before.error(), before.ranAt(), 0, seen));
                continue;
            }
            long start = System.nanoTime();
            String result = null;
            String error = null;
            String fingerprint = null;
            try {
                Read read = read(probe, beatId);
                result = Texts.cut(Redactor.redact(read.text()), KEPT_CHARS);
                fingerprint = read.fingerprint();
            } catch (ToolFailure | RuntimeException e) {
                // A failure's text may quote what the command or page said: masked and bounded like a result.
                error = Texts.cut(Redactor.redact(Texts.message(e)), MAX_ERROR_CHARS);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            store.probes().ran(agent, new Probes.Run(probe.name(), fingerprint, result, error, now, null));
            found.add(new Found(probe, true, fingerprint, result, error, now, ms, seen));
        }
        return found;
    }

    /** What a probe read: the text to keep and show, and the fingerprint of all of it. */
    private record Read(String text, String fingerprint) {
        static Read of(String text) {
            return new Read(text, sha256(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Read read(Probe probe, String beatId) throws ToolFailure {
        return switch (probe.kind()) {
            case COMMAND -> Read.of(runCommand(Objects.requireNonNull(probe.command(), "a command"), beatId));
            case HTTP -> fetch(probe);
            case FILE -> file(String.valueOf(probe.file()));
            case STATE ->
                Read.of(store.agentState()
                        .state(config.agent().name(), String.valueOf(probe.state()))
                        .orElse("(not set)"));
        };
    }

    /** The command's exit status and output, as run_command returns them. */
    String runCommand(List<String> argv, String beatId) throws ToolFailure {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("program", argv.get(0));
        ArrayNode args = arguments.putArray("args");
        argv.subList(1, argv.size()).forEach(args::add);
        return command.run(arguments, new ToolCallContext(beatId, "probe"));
    }

    /** A page, or the value at its JSONPath; a status of 400 or more is a failure (the probe fails open). */
    private Read fetch(Probe probe) throws ToolFailure {
        HttpGetTool.Page page = http.get(String.valueOf(probe.http()));
        if (page.status() >= 400) {
            throw ToolFailure.error("HTTP " + page.status() + " from " + page.uri());
        }
        if (probe.jsonPath() == null) {
            return Read.of("HTTP " + page.status() + "\n\n" + page.body());
        }
        if (page.cut()) {
            throw ToolFailure.error("the answer is larger than tools.http_get.max-bytes, so " + probe.jsonPath()
                    + " cannot be read from it");
        }
        Object value;
        try {
            value = JsonPath.using(JACKSON).parse(page.body()).read(probe.jsonPath());
        } catch (RuntimeException e) {
            throw ToolFailure.error("cannot read " + probe.jsonPath() + " from the answer: " + Texts.message(e));
        }
        return Read.of(value instanceof JsonNode node ? Json.canonical(node) : String.valueOf(value));
    }

    /** The file's beginning as text, and the fingerprint of all its bytes; a missing file is a result too. */
    private Read file(String relative) throws ToolFailure {
        if (!Files.exists(workspace.root().resolve(relative), LinkOption.NOFOLLOW_LINKS)) {
            return Read.of("(no such file)");
        }
        Path real = workspace.existing(relative);
        MessageDigest digest = sha256();
        byte[] head = new byte[0];
        long size = 0;
        try (InputStream in = Files.newInputStream(real)) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                size += n;
                if (head.length < FILE_HEAD_BYTES) {
                    byte[] more = new byte[Math.min(FILE_HEAD_BYTES, head.length + n)];
                    System.arraycopy(head, 0, more, 0, head.length);
                    System.arraycopy(buffer, 0, more, head.length, more.length - head.length);
                    head = more;
                }
            }
        } catch (IOException e) {
            throw ToolFailure.error("cannot read '" + relative + "': " + Texts.message(e));
        }
        String text = new String(head, StandardCharsets.UTF_8);
        if (size > head.length) {
            // The model is told the file goes on (the fingerprint covers all of it): read_file reads the rest.
            text += "\n[... " + (size - head.length) + " more bytes; read_file reads the rest]";
        }
        return new Read(text, HexFormat.of().formatHex(digest.digest()));
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
