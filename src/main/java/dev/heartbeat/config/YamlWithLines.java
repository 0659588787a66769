package dev.heartbeat.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.heartbeat.support.Causes;
import dev.heartbeat.support.TextFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One read of agent.yaml: the tree with ${ENV} expanded, each key's line, and the variables that were unset;
 * errors name the key, the file and the line.
 */
final class YamlWithLines {
    /** Deeper than any agent.yaml nests: a file nested further is refused with its key and line. */
    private static final int MAX_DEPTH = 100;

    /**
     * Where a key of the tree was written: the file, its line, and the key as written there. One agent of several
     * is a tree merged from agent.yaml's top level and the agent's own entry, so its keys come from two places.
     */
    record Where(Path file, int line, String pointer) {}

    private final Path file;
    private final @Nullable EnvExpander expander;
    private final Map<String, Where> lines;
    private final Map<String, String> unset;
    /** Where a key absent from {@link #lines} is reported: the file's top, or an agent's entry. */
    private final Where root;

    private final JsonNode tree;

    YamlWithLines(Path file, Map<String, String> env) {
        this.file = file;
        this.expander = new EnvExpander(env);
        this.lines = new HashMap<>();
        this.unset = new LinkedHashMap<>();
        this.root = new Where(file, 0, "");
        this.tree = readTree();
    }

    private YamlWithLines(JsonNode tree, Map<String, Where> lines, Map<String, String> unset, Where root) {
        this.file = root.file();
        this.expander = null;
        this.tree = tree;
        this.lines = lines;
        this.unset = unset;
        this.root = root;
    }

    JsonNode tree() {
        return tree;
    }

    Path file() {
        return file;
    }

    boolean has(String pointer) {
        return lines.containsKey(pointer);
    }

    Map<String, String> unset() {
        return unset;
    }

    int line(String pointer) {
        return where(pointer).line();
    }

    private Where where(String pointer) {
        String p = pointer;
        while (true) {
            Where w = lines.get(p);
            if (w != null) {
                return w;
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                return new Where(root.file(), root.line(), root.pointer() + pointer);
            }
            p = p.substring(0, slash);
        }
    }

    ConfigException error(String pointer, String problem) {
        Where w = where(pointer);
        // The key as the file holding it spells it: a key found at a parent is reported with the rest of the path.
        String key = lines.containsKey(pointer) ? w.pointer() : keyBelow(pointer, w);
        return new ConfigException(ConfigLoader.dotted(key), w.file(), w.line(), problem);
    }

    private String keyBelow(String pointer, Where found) {
        String p = pointer;
        while (!p.isEmpty()) {
            Where w = lines.get(p);
            if (w != null) {
                return w.pointer() + pointer.substring(p.length());
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
        return found.pointer();
    }

    /**
     * One agent's tree: the {@code base} (agent.yaml's top level, its {@code agents} key left out) with the agent's
     * {@code entry} laid over it, found at {@code at} in {@code source} (agent.yaml's {@code /agents/N}, or "" in a
     * file of agents.d/). Mappings merge key by key; a list or a value replaces what the base had. {@code shorthand}
     * names the entry's own keys that belong under another pointer ({@code name} is {@code /agent/name}); a key of
     * one of the {@code alternatives} in the entry takes the place of the others in the same mapping (an agent's
     * {@code cron} replaces the top level's {@code every}).
     */
    static YamlWithLines merged(
            YamlWithLines base,
            YamlWithLines source,
            String at,
            ObjectNode entry,
            Map<String, String> shorthand,
            List<Set<String>> alternatives) {
        ObjectNode tree = ((ObjectNode) base.tree).deepCopy();
        tree.remove("agents");
        Map<String, Where> lines = new HashMap<>(base.lines);
        Map<String, String> unset = new LinkedHashMap<>(base.unset);
        dropUnder(lines, "/agents");
        dropUnder(unset, "/agents");
        YamlWithLines merged = new YamlWithLines(tree, lines, unset, source.where(at));
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) entry::fields) {
            String target = shorthand.getOrDefault(field.getKey(), "/" + field.getKey());
            merged.lay(target, field.getValue(), source, at + "/" + field.getKey(), alternatives);
        }
        return merged;
    }

    /** Puts {@code value} (found at {@code from} in {@code source}) at {@code pointer}, merging mappings. */
    private void lay(
            String pointer, JsonNode value, YamlWithLines source, String from, List<Set<String>> alternatives) {
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = objectAt(pointer.substring(0, slash));
        String name = pointer.substring(slash + 1);
        JsonNode existing = parent.get(name);
        Where where = source.lines.get(from);
        if (existing instanceof ObjectNode mapping && value instanceof ObjectNode object) {
            if (where != null) {
                lines.put(pointer, where);
            }
            for (Set<String> group : alternatives) {
                if (group.stream().anyMatch(object::has)) {
                    for (String other : group) {
                        if (!object.has(other) && mapping.remove(other) != null) {
                            forget(pointer + "/" + other);
                        }
                    }
                }
            }
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) object::fields) {
                lay(
                        pointer + "/" + field.getKey(),
                        field.getValue(),
                        source,
                        from + "/" + field.getKey(),
                        alternatives);
            }
            return;
        }
        forget(pointer);
        parent.set(name, value.deepCopy());
        source.lines.forEach((p, w) -> {
            if (p.equals(from) || p.startsWith(from + "/")) {
                lines.put(pointer + p.substring(from.length()), w);
            }
        });
        source.unset.forEach((p, var) -> {
            if (p.equals(from) || p.startsWith(from + "/")) {
                unset.put(pointer + p.substring(from.length()), var);
            }
        });
    }

    /** Drops what is known of the key at {@code pointer} and below: its lines and unset variables. */
    private void forget(String pointer) {
        dropUnder(lines, pointer);
        dropUnder(unset, pointer);
        lines.remove(pointer);
        unset.remove(pointer);
    }

    /** The mapping at {@code pointer}, made (and any mapping above it) when the tree has none there. */
    private ObjectNode objectAt(String pointer) {
        ObjectNode node = (ObjectNode) tree;
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            JsonNode child = node.get(part);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(part);
            }
            node = (ObjectNode) child;
        }
        return node;
    }

    private static void dropUnder(Map<String, ?> map, String pointer) {
        map.keySet().removeIf(p -> p.startsWith(pointer + "/"));
    }

    private JsonNode readTree() {
        String text;
        try {
            text = TextFiles.readUtf8(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(null, file, 0, "cannot read the file: it is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
        }
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(
                        null,
                        file,
                        line(p),
                        "the file must be a mapping of sections "
                                + "(agent:, model:, heartbeat: ...), not a single value or a list");
            }
            JsonNode tree = value(p, "", 0);
            // The parser reads on into a next document (after ---) as if it were more of this one; an empty one
            // (a trailing ---) holds nothing to lose.
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.VALUE_NULL || !p.getText().isEmpty()) {
                    throw new ConfigException(
                            null,
                            file,
                            line(p),
                            "a second YAML document (after ---) is not read; keep the configuration in one");
                }
            }
            return tree;
        } catch (JsonProcessingException e) {
            MarkedYAMLException marked = Causes.find(e, MarkedYAMLException.class);
            if (marked != null) {
                throw syntaxError(marked);
            }
            JsonLocation at = e.getLocation();
            throw new ConfigException(
                    null,
                    file,
                    at == null ? 0 : at.getLineNr(),
                    "not valid YAML: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
        }
    }

    /**
     * SnakeYAML's error as the user can act on it: what it found wrong, on the line it found it, and where the
     * unfinished part it was reading began ("while parsing a flow sequence" alone named neither the problem nor,
     * for an unclosed bracket, the line it was opened on).
     */
    private ConfigException syntaxError(MarkedYAMLException e) {
        Mark problemAt = e.getProblemMark();
        Mark contextAt = e.getContextMark();
        Mark at = problemAt != null ? problemAt : contextAt;
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        String context = e.getProblem() != null && e.getContext() != null && contextAt != null
                ? " (" + e.getContext() + " from line " + (contextAt.getLine() + 1) + ")"
                : "";
        return new ConfigException(
                null, file, at == null ? 0 : at.getLine() + 1, "not valid YAML: " + firstLine(problem) + context);
    }

    private static String firstLine(@Nullable String message) {
        return message == null ? "syntax error" : message.lines().findFirst().orElse("syntax error");
    }

    private EnvExpander expander() {
        if (expander == null) {
            throw new IllegalStateException("a merged tree is not read from a file");
        }
        return expander;
    }

    /**
     * The token after a mapping's value: its next key or its end. Jackson's parser takes only a scalar as a key and
     * refuses anything else with the SnakeYAML event's own text ({@code <org.yaml.snakeyaml.events...>}); said here
     * in the file's terms. Its syntax errors carry SnakeYAML's and pass through.
     */
    private JsonToken nextKey(JsonParser p, String pointer) throws IOException {
        try {
            return p.nextToken();
        } catch (JsonParseException e) {
            if (e.getCause() != null) {
                throw e;
            }
            JsonLocation at = e.getLocation();
            throw new ConfigException(
                    ConfigLoader.dotted(pointer),
                    file,
                    at == null ? 0 : at.getLineNr(),
                    "a key must be a plain name, not a list, a mapping or an alias");
        }
    }

    /** The section and key a pointer starts with: where a nesting too deep is reported. */
    private static String section(String pointer) {
        int second = pointer.indexOf('/', 1);
        int third = second < 0 ? -1 : pointer.indexOf('/', second + 1);
        return third < 0 ? pointer : pointer.substring(0, third);
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private JsonNode value(JsonParser p, String pointer, int depth) throws IOException {
        JsonToken token = p.currentToken();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (token.isStructStart() && depth >= MAX_DEPTH) {
            throw new ConfigException(
                    ConfigLoader.dotted(section(pointer)),
                    file,
                    line(p),
                    "nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                while (nextKey(p, pointer) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = pointer + "/" + name;
                    if (object.has(name)) {
                        throw new ConfigException(
                                ConfigLoader.dotted(child), file, line(p), "this key appears twice; keep one");
                    }
                    lines.put(child, new Where(file, line(p), child));
                    p.nextToken();
                    object.set(name, value(p, child, depth + 1));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + i++;
                    lines.put(child, new Where(file, line(p), child));
                    array.add(value(p, child, depth + 1));
                }
                return array;
            }
            case VALUE_STRING -> {
                if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    // The parser hands an alias over as its anchor's name, which would be read as the value.
                    throw new ConfigException(
                            ConfigLoader.dotted(pointer),
                            file,
                            line(p),
                            "YAML aliases (*" + p.getText() + ") are not read here; write the value out");
                }
                return nodes.textNode(expander().expand(p.getText(), name -> unset.putIfAbsent(pointer, name)));
            }
            case VALUE_NUMBER_INT -> {
                try {
                    return nodes.numberNode(p.getLongValue());
                } catch (InputCoercionException e) {
                    throw new ConfigException(
                            ConfigLoader.dotted(pointer),
                            file,
                            line(p),
                            "the number " + p.getText() + " is out of range (at most " + Long.MAX_VALUE + ")");
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                try {
                    return nodes.numberNode(p.getDoubleValue());
                } catch (JsonParseException e) {
                    // YAML's .inf and .nan: typed as floats, but not numbers Java reads.
                    throw new ConfigException(
                            ConfigLoader.dotted(pointer), file, line(p), "'" + p.getText() + "' is not a number");
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return nodes.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return nodes.nullNode();
            }
            default -> throw new ConfigException(ConfigLoader.dotted(pointer), file, line(p), "unsupported YAML value");
        }
    }
}
