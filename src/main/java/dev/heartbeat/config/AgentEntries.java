package dev.heartbeat.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agents a file declares, each as its own tree over the file's top level: the entries of {@code agents:},
 * then one per {@code *.yaml} of agents.d/ beside the file (in name order). Empty when the file declares none.
 */
final class AgentEntries {
    /** What one daemon has once for all its agents: one store, one decision log, one log, one listener. */
    private static final Set<String> SHARED = Set.of("storage", "audit", "logging", "observability", "agents");

    /** An entry's own keys that are the agent section's: {@code - { name: disk, workspace: ./disk }}. */
    private static final Map<String, String> SHORTHAND =
            Map.of("name", "/agent/name", "workspace", "/agent/workspace", "timezone", "/agent/timezone");

    /**
     * Keys that say one thing in different ways: an agent that sets one of them in a mapping replaces the others the
     * top level set there (its cron, the top's every; its api-key-file, the top's api-key; its server's url, the
     * top's command for the same server).
     */
    private static final List<Set<String>> ALTERNATIVES =
            List.of(Set.of("every", "cron"), Set.of("api-key", "api-key-file", "credential"), Set.of("command", "url"));

    private final YamlWithLines top;
    private final Map<String, String> env;

    AgentEntries(YamlWithLines top, Map<String, String> env) {
        this.top = top;
        this.env = env;
    }

    List<YamlWithLines> read() {
        List<YamlWithLines> out = new ArrayList<>();
        JsonNode list = top.tree().get("agents");
        if (list != null) {
            if (!list.isArray()) {
                throw top.error("/agents", "list the agents: - { name: disk-watch, workspace: ./sessions/disk }");
            }
            for (int i = 0; i < list.size(); i++) {
                String at = "/agents/" + i;
                if (!(list.get(i) instanceof ObjectNode entry)) {
                    throw top.error(at, "each agent is a mapping: - { name: disk-watch, workspace: ./sessions/disk }");
                }
                if (!entry.has("name") && !entry.at("/agent/name").isTextual()) {
                    throw top.error(at, "each agent needs a name: - { name: disk-watch, ... }");
                }
                out.add(entry(top, at, entry, null));
            }
            if (list.isEmpty()) {
                throw top.error("/agents", "lists no agent; leave it out for the one agent the file configures");
            }
        }
        Path folder = top.file().toAbsolutePath().resolveSibling("agents.d");
        if (Files.isDirectory(folder)) {
            for (Path file : files(folder)) {
                YamlWithLines parse = new YamlWithLines(file, env);
                String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                out.add(entry(parse, "", (ObjectNode) parse.tree(), stem));
            }
        }
        return out;
    }

    private YamlWithLines entry(
            YamlWithLines source, String at, ObjectNode entry, @org.jspecify.annotations.Nullable String stem) {
        for (String key : SHARED) {
            if (entry.has(key)) {
                throw source.error(
                        at + "/" + key,
                        "is shared by every agent of the daemon (one store, one decision log); set it at the top level "
                                + "of " + top.file().getFileName());
            }
        }
        ObjectNode filled = entry.deepCopy();
        String name = filled.has("name")
                ? filled.get("name").asText()
                : filled.at("/agent/name").asText(null);
        if (name == null && stem != null) {
            filled.put("name", stem);
            name = stem;
        }
        // Agents beside each other keep their files apart: without a workspace of its own each gets sessions/NAME.
        if (!filled.has("workspace") && !filled.at("/agent/workspace").isTextual() && name != null) {
            filled.put("workspace", "./sessions/" + name);
        }
        return YamlWithLines.merged(top, source, at, filled, SHORTHAND, ALTERNATIVES);
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> list = Files.list(folder)) {
            // Hidden files (an editor's backup, say) are not agents.
            return list.filter(p -> p.getFileName().toString().matches("[^.].*\\.ya?ml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ConfigException(null, folder, 0, "cannot list the folder: " + e.getMessage());
        }
    }
}
