package dev.heartbeat.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heartbeat.support.Cidr;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Loads agent.yaml: YAML is read into a tree while remembering the line of every key, {@code ${VAR}}
 * references are expanded, Jackson binds the tree to {@link AgentConfig}, and the result is checked.
 * Every problem becomes a {@link ConfigException} naming the key, the file and the line.
 */
public final class ConfigLoader {
    static final Set<String> PROVIDERS = Set.of("openai", "anthropic", "ollama");
    static final Set<String> CHANNEL_TYPES = Set.of("log", "file", "webhook");
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Map<String, String> env;
    private final boolean requireKey;

    public ConfigLoader(Map<String, String> env) {
        this(env, true);
    }

    /**
     * @param requireKey false for commands that never call the model (inspection): a missing API key
     *                   is then not an error, so operators can read the logs without holding the key
     */
    public ConfigLoader(Map<String, String> env, boolean requireKey) {
        this.env = Map.copyOf(env);
        this.requireKey = requireKey;
    }

    /** Loads with the process environment. */
    public static AgentConfig load(Path file) {
        return new ConfigLoader(System.getenv()).read(file);
    }

    public AgentConfig read(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new ConfigException(null, file, 0, "no such configuration file. Copy agent.yaml from the "
                    + "repository next to it, or name another with --config PATH.");
        }
        Parse parse = new Parse(file, env);
        JsonNode tree = parse.tree();
        AgentConfig.Document doc = bind(tree, parse);
        AgentConfig config = new AgentConfig(file,
                orDefault(doc.agent(), () -> new AgentConfig.Agent(null, null, null)),
                orDefault(doc.model(), () -> new AgentConfig.Model(null, null, null, null, null, null, null, null, null, null)),
                orDefault(doc.heartbeat(), () -> new AgentConfig.Heartbeat(null, null, null, null, null, null, null, null)),
                orDefault(doc.context(), () -> new AgentConfig.Context(null, null, null)),
                orDefault(doc.storage(), () -> new AgentConfig.Storage(null)),
                orDefault(doc.notifications(), () -> new AgentConfig.Notify(null, null, null)),
                orDefault(doc.tools(), () -> new AgentConfig.Tools(null, null, null)),
                orDefault(doc.logging(), () -> new AgentConfig.Logging(null)),
                orDefault(doc.pricing(), Map::of),
                orDefault(doc.budget(), () -> new AgentConfig.Budget(null, null)),
                orDefault(doc.audit(), () -> new AgentConfig.Audit(null, null)),
                orDefault(doc.sessions(), () -> new AgentConfig.Sessions(null)));
        return new Checks(config, parse, env, requireKey).run();
    }

    private static <T> T orDefault(T value, Supplier<T> fallback) {
        return value != null ? value : fallback.get();
    }

    /** The mapper that binds agent.yaml: kebab-case keys, short durations, unknown keys rejected. */
    static ObjectMapper mapper() {
        SimpleModule scalars = new SimpleModule("scalars");
        scalars.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                try {
                    return Durations.parse(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
        // YAML 1.1 reads unquoted yes/no/on/off/true/false as booleans: text that came out as one was
        // meant as text only if quoted (agent.name: off would otherwise become "false").
        scalars.addDeserializer(String.class, new JsonDeserializer<>() {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_TRUE
                        || p.currentToken() == JsonToken.VALUE_FALSE) {
                    throw JsonMappingException.from(p, "YAML reads this unquoted value (yes, no, on, off, true or "
                            + "false) as " + p.getText() + ", not as text; quote it, such as \"off\", if you mean the text");
                }
                return StringDeserializer.instance.deserialize(p, ctxt);
            }
        });
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(scalars)
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    private static AgentConfig.Document bind(JsonNode tree, Parse parse) {
        ObjectMapper mapper = mapper();
        try {
            return mapper.treeToValue(tree, AgentConfig.Document.class);
        } catch (UnrecognizedPropertyException e) {
            String key = pointer(e.getPath());
            String suggestion = closest(e.getPropertyName(), stringsOf(e.getKnownPropertyIds()))
                    .map(s -> " Did you mean '" + s + "'?").orElse("");
            throw parse.error(key, "unknown key." + suggestion + " Known keys here: "
                    + String.join(", ", sorted(stringsOf(e.getKnownPropertyIds()))) + ".");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw parse.error(pointer(e.getPath()), cause.getMessage());
        } catch (InvalidFormatException e) {
            throw parse.error(pointer(e.getPath()), "'" + e.getValue() + "' is not " + expected(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw parse.error(pointer(e.getPath()), "expected " + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw parse.error(pointer(e.getPath()), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw parse.error("", e.getOriginalMessage());
        }
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Secret.class) {
            return "text";
        }
        if (type == Duration.class) {
            return "a duration such as 90s, 30m or 1h30m";
        }
        if (type == LocalTime.class) {
            return "a time of day such as \"08:00\"";
        }
        if (type == ZoneId.class) {
            return "a time zone such as Europe/Berlin or UTC";
        }
        if (type == URI.class) {
            return "a URL";
        }
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys (" + type.getSimpleName().toLowerCase() + ")";
    }

    private static List<String> stringsOf(Collection<Object> ids) {
        List<String> out = new ArrayList<>();
        for (Object id : ids) {
            out.add(String.valueOf(id));
        }
        return out;
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        copy.sort(Comparator.naturalOrder());
        return copy;
    }

    /** A JSON pointer ({@code /model/base-url}) for Jackson's path. */
    static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                out.append('/').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('/').append(ref.getIndex());
            }
        }
        return out.toString();
    }

    /** The key as users write it: {@code notify.channels[0].url}. */
    static String dotted(String pointer) {
        StringBuilder out = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                out.append('[').append(part).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(part);
            }
        }
        return out.toString();
    }

    /** The known word closest to {@code word}, when it is close enough to be a likely typo. */
    static Optional<String> closest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(word.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(2, word.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** One read of the file: the tree, each key's line, and the variables that were unset. */
    static final class Parse {
        private final Path file;
        private final EnvExpander expander;
        private final Map<String, Integer> lines = new HashMap<>();
        private final Map<String, String> unset = new LinkedHashMap<>();
        private final JsonNode tree;

        Parse(Path file, Map<String, String> env) {
            this.file = file;
            this.expander = new EnvExpander(env);
            this.tree = readTree();
        }

        JsonNode tree() {
            return tree;
        }

        boolean has(String pointer) {
            return lines.containsKey(pointer);
        }

        Map<String, String> unset() {
            return unset;
        }

        int line(String pointer) {
            String p = pointer;
            while (true) {
                Integer line = lines.get(p);
                if (line != null) {
                    return line;
                }
                int slash = p.lastIndexOf('/');
                if (slash <= 0) {
                    return 0;
                }
                p = p.substring(0, slash);
            }
        }

        ConfigException error(String pointer, String problem) {
            return new ConfigException(dotted(pointer), file, line(pointer), problem);
        }

        private JsonNode readTree() {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
            }
            try (JsonParser p = new YAMLFactory().createParser(text)) {
                JsonToken first = p.nextToken();
                if (first == null) {
                    return JsonNodeFactory.instance.objectNode();
                }
                if (first != JsonToken.START_OBJECT) {
                    throw new ConfigException(null, file, line(p), "the file must be a mapping of sections "
                            + "(agent:, model:, heartbeat: ...), not a single value or a list");
                }
                return value(p, "");
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                String message = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
                throw new ConfigException(null, file, at == null ? 0 : at.getLineNr(), "not valid YAML: " + message);
            } catch (IOException e) {
                throw new ConfigException(null, file, 0, "cannot read the file: " + e.getMessage());
            }
        }

        private static int line(JsonParser p) {
            return p.currentTokenLocation().getLineNr();
        }

        private JsonNode value(JsonParser p, String pointer) throws IOException {
            JsonToken token = p.currentToken();
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            switch (token) {
                case START_OBJECT -> {
                    ObjectNode object = nodes.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        String child = pointer + "/" + name;
                        if (object.has(name)) {
                            throw new ConfigException(dotted(child), file, line(p), "this key appears twice; keep one");
                        }
                        lines.put(child, line(p));
                        p.nextToken();
                        object.set(name, value(p, child));
                    }
                    return object;
                }
                case START_ARRAY -> {
                    ArrayNode array = nodes.arrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        String child = pointer + "/" + i++;
                        lines.put(child, line(p));
                        array.add(value(p, child));
                    }
                    return array;
                }
                case VALUE_STRING -> {
                    return nodes.textNode(expander.expand(p.getText(), name -> unset.putIfAbsent(pointer, name)));
                }
                case VALUE_NUMBER_INT -> {
                    return nodes.numberNode(p.getLongValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    return nodes.numberNode(p.getDoubleValue());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return nodes.booleanNode(p.getBooleanValue());
                }
                case VALUE_NULL -> {
                    return nodes.nullNode();
                }
                default -> throw new ConfigException(dotted(pointer), file, line(p), "unsupported YAML value");
            }
        }
    }

    /** Checks that need more than one key, or knowledge Jackson does not have. */
    private static final class Checks {
        private final AgentConfig config;
        private final Parse parse;
        private final Map<String, String> env;
        private final boolean requireKey;

        Checks(AgentConfig config, Parse parse, Map<String, String> env, boolean requireKey) {
            this.config = config;
            this.parse = parse;
            this.env = env;
            this.requireKey = requireKey;
        }

        AgentConfig run() {
            for (Map.Entry<String, String> e : parse.unset().entrySet()) {
                if (!e.getKey().endsWith("/api-key")) {
                    throw parse.error(e.getKey(), "environment variable " + e.getValue() + " is not set. Export it, "
                            + "or give a default: ${" + e.getValue() + ":-value}.");
                }
            }
            agent();
            AgentConfig.Model model = model();
            AgentConfig.Heartbeat heartbeat = heartbeat();
            context();
            pricing();
            budget();
            AgentConfig.Storage storage = storage();
            notifyChannels();
            tools();
            return new AgentConfig(config.file(), config.agent(), model, heartbeat, config.context(),
                    storage, config.notifications(), config.tools(), config.logging(), config.pricing(),
                    config.budget(), audit(), sessions());
        }

        private AgentConfig.Sessions sessions() {
            AgentConfig.Retention r = config.sessions().retention();
            if (r != null) {
                if (r.olderThan() == null || r.olderThan().compareTo(Duration.ofDays(1)) < 0) {
                    throw parse.error("/sessions/retention/older-than", "give how old a turn must be to be archived, "
                            + "a day or more, such as 90d");
                }
                if (r.keepTurns() < 1) {
                    throw parse.error("/sessions/retention/keep-turns", "must be at least 1: the newest turns are kept");
                }
            }
            return config.sessions();
        }

        /** audit.chain-key, then audit.chain-key-file, then the systemd credential 'chain-key'. */
        private AgentConfig.Audit audit() {
            AgentConfig.Audit a = config.audit();
            if (a.retention() != null && a.retention().compareTo(Duration.ofDays(1)) < 0) {
                throw parse.error("/audit/retention", "give how old a decision must be to be archived, a day or "
                        + "more, such as 400d");
            }
            if (a.chainKey().isPresent()) {
                return a;
            }
            if (a.chainKeyFile() != null && !a.chainKeyFile().isBlank()) {
                Path file = config.resolve(a.chainKeyFile());
                try {
                    String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (key.length() < 16) {
                        throw parse.error("/audit/chain-key-file", file + " holds less than 16 characters; use a "
                                + "long random key (head -c 32 /dev/urandom | base64)");
                    }
                    return a.withKey(new Secret(key), a.chainKeyFile());
                } catch (IOException e) {
                    throw parse.error("/audit/chain-key-file", "cannot read " + file + " (" + e.getClass().getSimpleName()
                            + "); check the path and its permissions");
                }
            }
            return a.withKey(credential("chain-key", "/audit").orElse(new Secret(null)), null);
        }

        private void agent() {
            if (!AGENT_NAME.matcher(config.agent().name()).matches()) {
                throw parse.error("/agent/name", "'" + config.agent().name() + "' is not a usable name: use letters, "
                        + "digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
            }
            if (config.agent().workspace().isBlank()) {
                throw parse.error("/agent/workspace", "must name a folder");
            }
        }

        private AgentConfig.Model model() {
            AgentConfig.Model m = checkModel(config.model(), "/model");
            List<AgentConfig.Model> fallbacks = new ArrayList<>();
            for (int i = 0; i < m.fallbacks().size(); i++) {
                String at = "/model/fallbacks/" + i;
                AgentConfig.Model f = m.fallbacks().get(i);
                if (f == null) {
                    throw parse.error(at, "each fallback is a model: { provider: ..., name: ... }");
                }
                if (!f.fallbacks().isEmpty()) {
                    throw parse.error(at + "/fallbacks", "a fallback cannot have fallbacks of its own; list them all "
                            + "under model.fallbacks");
                }
                fallbacks.add(checkModel(f, at));
            }
            return m.withFallbacks(fallbacks);
        }

        private AgentConfig.Model checkModel(AgentConfig.Model m, String at) {
            if (!PROVIDERS.contains(m.provider())) {
                String hint = closest(m.provider(), PROVIDERS).map(s -> " Did you mean '" + s + "'?").orElse("");
                throw parse.error(at + "/provider", "unknown provider '" + m.provider() + "'." + hint
                        + " Use one of: openai, anthropic, ollama.");
            }
            if (m.name() == null || m.name().isBlank()) {
                throw parse.error(parse.has(at + "/name") ? at + "/name" : at,
                        dotted(at) + ".name is required: the model to ask, such as gpt-4o-mini, claude-sonnet-4-5 or llama3.1");
            }
            if (m.baseUrl() != null) {
                httpUrl(at + "/base-url", m.baseUrl());
            }
            positive(at + "/timeout", m.timeout());
            if (m.maxTokens() < 1) {
                throw parse.error(at + "/max-tokens", "must be at least 1");
            }
            if (m.temperature() != null && (m.temperature() < 0 || m.temperature() > 2)) {
                throw parse.error(at + "/temperature", "must be between 0 and 2");
            }
            if (m.maxRetries() < 0 || m.maxRetries() > 10) {
                throw parse.error(at + "/max-retries", "must be between 0 and 10");
            }
            if (m.breaker().failures() < 1) {
                throw parse.error(at + "/breaker/failures", "must be at least 1");
            }
            positive(at + "/breaker/cool-down", m.breaker().coolDown());
            return m.withKey(apiKey(m, at));
        }

        /** The key from api-key, then api-key-file, then the systemd credential; required for remote providers. */
        private Secret apiKey(AgentConfig.Model m, String at) {
            String keyPointer = at + "/api-key";
            if (m.apiKey().isPresent()) {
                return m.apiKey();
            }
            if (m.apiKeyFile() != null && !m.apiKeyFile().isBlank()) {
                Path keyFile = config.resolve(m.apiKeyFile());
                try {
                    String key = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
                    if (key.isEmpty()) {
                        throw parse.error(at + "/api-key-file", "the file " + keyFile + " is empty");
                    }
                    return new Secret(key);
                } catch (IOException e) {
                    throw parse.error(at + "/api-key-file", "cannot read " + keyFile + " (" + e.getClass().getSimpleName()
                            + "); check the path and its permissions");
                }
            }
            Optional<Secret> credential = credential(m.credentialName(), at + "/credential");
            if (credential.isPresent()) {
                return credential.get();
            }
            if (!requireKey || !needsKey(m)) {
                return new Secret(null);
            }
            String variable = parse.unset().get(keyPointer);
            String why = variable != null
                    ? "environment variable " + variable + " is not set"
                    : "no API key is configured";
            String pointer = parse.has(keyPointer) ? keyPointer : at;
            throw parse.error(pointer, "the " + m.provider() + " provider needs an API key, and " + why + ". Export it"
                    + (variable != null ? " (export " + variable + "=...)" : "") + ", set model.api-key-file to a file "
                    + "holding the key, or pass a systemd credential named '" + m.credentialName() + "'.");
        }

        /** Ollama and OpenAI-compatible servers on this machine run without keys; remote providers do not. */
        private static boolean needsKey(AgentConfig.Model m) {
            if (m.provider().equals("ollama")) {
                return false;
            }
            if (m.baseUrl() == null) {
                return true;
            }
            String host = URI.create(m.baseUrl()).getHost();
            if (host == null) {
                return true;
            }
            return !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
        }

        private AgentConfig.Heartbeat heartbeat() {
            AgentConfig.Heartbeat h = config.heartbeat();
            if (h.every().isNegative()) {
                throw parse.error("/heartbeat/every", "must not be negative; 0m turns the heartbeat off");
            }
            if (!h.every().isZero() && h.every().compareTo(Duration.ofSeconds(1)) < 0) {
                throw parse.error("/heartbeat/every", "must be at least 1s (or 0m to turn the heartbeat off)");
            }
            if (h.cron() != null) {
                if (parse.has("/heartbeat/every")) {
                    throw parse.error("/heartbeat/cron", "set either heartbeat.every or heartbeat.cron, not both");
                }
                if (!CronExpression.isValidExpression(h.cron())) {
                    String detail;
                    try {
                        CronExpression.validateExpression(h.cron());
                        detail = "";
                    } catch (ParseException e) {
                        detail = " (" + e.getMessage() + ")";
                    }
                    throw parse.error("/heartbeat/cron", "'" + h.cron() + "' is not a Quartz cron expression" + detail
                            + "; it has six or seven fields starting with seconds, such as \"0 */30 * * * ?\"");
                }
            }
            if (h.every().compareTo(Duration.ofDays(1)) >= 0 && h.every().toMillis() % Duration.ofDays(1).toMillis() != 0
                    && h.cron() == null) {
                throw parse.error("/heartbeat/every", "a period of a day or more must be whole days (24h, 48h, 7d...), "
                        + "so the beat keeps its time of day; for anything else use heartbeat.cron");
            }
            if (h.window().isPresent()) {
                AgentConfig.ActiveHours w = h.window().get();
                if (w.start() == null || w.end() == null) {
                    throw parse.error("/heartbeat/active-hours", "needs both start and end, such as "
                            + "{ start: \"08:00\", end: \"22:00\" }");
                }
                if (w.start().equals(w.end())) {
                    throw parse.error("/heartbeat/active-hours", "start and end are both " + w.start() + ", so the "
                            + "heartbeat would never fire; leave active-hours out to beat at any hour, or set "
                            + "heartbeat.enabled: false");
                }
                // The window is in the agent's zone unless it names its own.
                if (!parse.has("/heartbeat/active-hours/timezone")) {
                    w = new AgentConfig.ActiveHours(w.start(), w.end(), config.agent().timezone());
                    h = h.withActiveHours(w);
                }
                if (h.cron() != null && h.enabled() && !cronMeetsWindow(h.cron(), w)) {
                    throw parse.error("/heartbeat/cron", "'" + h.cron() + "' never fires inside the active hours "
                            + w.start() + "-" + w.end() + " " + w.timezone() + ", so the heartbeat would never run");
                }
            }
            if (h.maxSteps() < 1 || h.maxSteps() > 100) {
                throw parse.error("/heartbeat/max-steps", "must be between 1 and 100");
            }
            if (h.checklist().isBlank()) {
                throw parse.error("/heartbeat/checklist", "must name a file in the workspace");
            }
            positive("/heartbeat/deadline", h.deadline());
            if (h.shutdownGrace().isNegative()) {
                throw parse.error("/heartbeat/shutdown-grace", "must not be negative");
            }
            return h;
        }

        /** Whether the cron expression (in the agent's zone) fires inside the window within eight days. */
        private boolean cronMeetsWindow(String cron, AgentConfig.ActiveHours window) {
            try {
                CronExpression expression = new CronExpression(cron);
                expression.setTimeZone(TimeZone.getTimeZone(config.agent().timezone()));
                Date t = new Date();
                Date until = Date.from(t.toInstant().plus(Duration.ofDays(8)));
                for (int i = 0; i < 100_000 && t != null && t.before(until); i++) {
                    t = expression.getNextValidTimeAfter(t);
                    if (t != null && window.contains(t.toInstant().atZone(window.timezone()).toLocalTime())) {
                        return true;
                    }
                }
                return false;
            } catch (ParseException e) {
                return true; // reported as an invalid expression above
            }
        }

        private void pricing() {
            config.pricing().forEach((model, price) -> {
                if (price == null || price.input() < 0 || price.output() < 0 || price.cachedInput() < 0) {
                    throw parse.error("/pricing/" + model, "give USD per million tokens, such as "
                            + "{ input: 0.15, output: 0.60 }; prices cannot be negative");
                }
            });
        }

        private void budget() {
            AgentConfig.Budget b = config.budget();
            if (b.dailyTokens() != null && b.dailyTokens() < 1) {
                throw parse.error("/budget/daily-tokens", "must be at least 1 (leave it out for no limit)");
            }
            if (b.dailyUsd() != null && b.dailyUsd() <= 0) {
                throw parse.error("/budget/daily-usd", "must be more than 0 (leave it out for no limit)");
            }
            if (b.dailyUsd() != null && config.price().isEmpty()) {
                throw parse.error("/budget/daily-usd", "needs the price of " + config.model().name() + " in the "
                        + "pricing table (pricing: { " + config.model().name() + ": { input: ..., output: ... } })");
            }
        }

        private void context() {
            if (config.context().budgetTokens() < 256) {
                throw parse.error("/context/budget-tokens", "must be at least 256");
            }
            if (config.context().maxTurns() < 0) {
                throw parse.error("/context/max-turns", "must be 0 or more");
            }
            if (config.context().maxToolResultChars() < 256) {
                throw parse.error("/context/max-tool-result-chars", "must be at least 256");
            }
        }

        private AgentConfig.Storage storage() {
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
                throw parse.error("/storage/url", "'" + shown + "' is not a storage URL; write sqlite:PATH, "
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
                    throw parse.error("/storage/password-file", "cannot read " + file + " (" + e.getClass().getSimpleName()
                            + "); check the path and its permissions");
                }
            }
            if (pg.password() != null) {
                return new Secret(pg.password());
            }
            return credential("storage-password", "/storage/url").orElse(new Secret(null));
        }

        /** A non-empty systemd credential named {@code name} ($CREDENTIALS_DIRECTORY), if the service has one. */
        private Optional<Secret> credential(String name, String pointer) {
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

        private void notifyChannels() {
            if (config.notifications().alertAfterFailures() < 0) {
                throw parse.error("/notify/alert-after-failures", "must be 0 (off) or more");
            }
            List<AgentConfig.Channel> channels = config.notifications().channels();
            for (int i = 0; i < channels.size(); i++) {
                AgentConfig.Channel c = channels.get(i);
                String at = "/notify/channels/" + i;
                if (c == null || c.type() == null) {
                    throw parse.error(at, "each channel needs a type: log, file or webhook");
                }
                if (!CHANNEL_TYPES.contains(c.type())) {
                    String hint = closest(c.type(), CHANNEL_TYPES).map(s -> " Did you mean '" + s + "'?").orElse("");
                    throw parse.error(at + "/type", "unknown channel type '" + c.type() + "'." + hint
                            + " Use one of: log, file, webhook.");
                }
                if (c.type().equals("webhook")) {
                    if (c.url() == null) {
                        throw parse.error(at, "a webhook channel needs url: https://...");
                    }
                    httpUrl(at + "/url", c.url().toString());
                }
                if (c.type().equals("file") && (c.path() == null || c.path().isBlank())) {
                    throw parse.error(at, "a file channel needs path: (a file to append notifications to)");
                }
            }
        }

        private void tools() {
            AgentConfig.Tools t = config.tools();
            if (t.files().maxBytes() < 1) {
                throw parse.error("/tools/files/max-bytes", "must be at least 1");
            }
            if (t.httpGet().maxBytes() < 1) {
                throw parse.error("/tools/http_get/max-bytes", "must be at least 1");
            }
            positive("/tools/http_get/timeout", t.httpGet().timeout());
            for (int i = 0; i < t.httpGet().allowHosts().size(); i++) {
                String host = t.httpGet().allowHosts().get(i);
                if (host == null || host.isBlank() || host.contains("/") || host.contains(":")) {
                    throw parse.error("/tools/http_get/allow-hosts/" + i, "write a host name such as "
                            + "status.example.com (no scheme, port or path)");
                }
            }
            for (int i = 0; i < t.httpGet().allowPrivate().size(); i++) {
                String entry = t.httpGet().allowPrivate().get(i);
                if (entry == null || !Cidr.isAddressOrCidr(entry)) {
                    throw parse.error("/tools/http_get/allow-private/" + i, "write an IP address or a CIDR range, "
                            + "such as 127.0.0.1 or 10.0.0.0/8");
                }
            }
            Set<String> names = Set.of("read_file", "list_files", "write_file", "append_note",
                    "http_get", "notify", "get_state", "set_state", "run_command");
            for (String list : List.of("required", "consequential")) {
                List<String> tools = list.equals("required") ? t.approvals().required() : t.approvals().consequential();
                for (int i = 0; i < tools.size(); i++) {
                    if (!names.contains(tools.get(i))) {
                        String hint = closest(String.valueOf(tools.get(i)), names).map(x -> " Did you mean '" + x + "'?")
                                .orElse("");
                        throw parse.error("/tools/approvals/" + list + "/" + i, "'" + tools.get(i) + "' is not a tool."
                                + hint);
                    }
                }
            }
            positive("/tools/approvals/expire-after", t.approvals().expireAfter());
            positive("/tools/run_command/timeout", t.runCommand().timeout());
            if (t.runCommand().maxOutputBytes() < 1) {
                throw parse.error("/tools/run_command/max-output-bytes", "must be at least 1");
            }
            for (int i = 0; i < t.runCommand().allow().size(); i++) {
                String program = t.runCommand().allow().get(i);
                if (program == null || program.isBlank() || program.contains(" ")) {
                    throw parse.error("/tools/run_command/allow/" + i, "list program names or paths, one per entry, "
                            + "without arguments");
                }
            }
        }

        private void positive(String pointer, Duration d) {
            if (d.isZero() || d.isNegative()) {
                throw parse.error(pointer, "must be longer than zero");
            }
        }

        private void httpUrl(String pointer, String url) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw parse.error(pointer, "'" + url + "' is not a URL");
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw parse.error(pointer, "'" + url + "' must be an http:// or https:// URL with a host");
            }
        }
    }
}
