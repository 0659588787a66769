package dev.heartbeat.config;

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
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heartbeat.support.TreeBinder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads agent.yaml: YAML is read into a tree while remembering the line of every key, {@code ${VAR}}
 * references are expanded, Jackson binds the tree to {@link AgentConfig}, and the result is checked.
 * Every problem becomes a {@link ConfigException} naming the key, the file and the line.
 */
public final class ConfigLoader {
    static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

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

    /** The one agent the file configures; a file with several is an error that lists them. */
    public AgentConfig read(Path file) {
        Fleet fleet = readFleet(file);
        if (fleet.agents().size() > 1) {
            throw new ConfigException(
                    "agents",
                    file,
                    0,
                    "this file configures " + fleet.agents().size() + " agents (" + String.join(", ", fleet.names())
                            + "); name one with --agent NAME");
        }
        return fleet.agents().get(0);
    }

    /**
     * Every agent the file configures: the file itself when it has neither {@code agents:} nor an agents.d/ folder
     * beside it, else one per entry of {@code agents:} and per file of agents.d/, each laid over the top level.
     */
    public Fleet readFleet(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new ConfigException(
                    null,
                    file,
                    0,
                    "no such configuration file. Copy agent.yaml from the "
                            + "repository next to it, or name another with --config PATH.");
        }
        YamlWithLines parse = new YamlWithLines(file, env);
        List<YamlWithLines> entries = new AgentEntries(parse, env).read();
        if (entries.isEmpty()) {
            return new Fleet(file, List.of(one(file, parse)), false);
        }
        List<AgentConfig> agents = new ArrayList<>();
        Map<String, AgentConfig> byName = new java.util.HashMap<>();
        Map<Path, String> byWorkspace = new java.util.HashMap<>();
        for (YamlWithLines entry : entries) {
            AgentConfig agent = one(file, entry);
            String name = agent.agent().name();
            if (byName.putIfAbsent(name, agent) != null) {
                throw entry.error("/agent/name", "two agents are named '" + name + "'; give each its own name");
            }
            String other = byWorkspace.putIfAbsent(agent.workspace(), name);
            if (other != null) {
                throw entry.error(
                        "/agent/workspace",
                        "agents '" + other + "' and '" + name + "' share the workspace " + agent.workspace()
                                + "; give each its own (the default is sessions/NAME)");
            }
            agents.add(agent);
        }
        return new Fleet(file, agents, true);
    }

    // null is "not set" in the sections' defaults below, as the binder passes it for a missing key
    @SuppressWarnings("NullAway")
    private AgentConfig one(Path file, YamlWithLines parse) {
        JsonNode tree = parse.tree();
        AgentConfig.Document doc = bind(tree, parse);
        AgentConfig config = new AgentConfig(
                file,
                orDefault(doc.agent(), new AgentConfig.Agent(null, null, null)),
                orDefault(doc.model(), new ModelConfig(null, null, null, null, null, null, null, null, null, null)),
                orDefault(
                        doc.heartbeat(),
                        new AgentConfig.Heartbeat(null, null, null, null, null, null, null, null, null, null)),
                orDefault(doc.context(), new AgentConfig.Context(null, null, null)),
                orDefault(doc.storage(), new AgentConfig.Storage(null)),
                orDefault(doc.notifications(), new AgentConfig.Notify(null, null, null)),
                orDefault(doc.tools(), new ToolsConfig(null, null, null)),
                orDefault(doc.logging(), new AgentConfig.Logging(null)),
                orDefault(doc.pricing(), Map.of()),
                orDefault(doc.budget(), new AgentConfig.Budget(null, null)),
                orDefault(doc.audit(), new AgentConfig.Audit(null, null)),
                orDefault(doc.sessions(), new AgentConfig.Sessions(null)),
                orDefault(doc.mcp(), new McpConfig(null)),
                orDefault(doc.probes(), List.of()),
                orDefault(doc.observability(), new Observability(null)));
        return new Checks(config, parse, env, requireKey).run();
    }

    // The defaults are made whether needed or not (records of nulls, cheap): a supplier per section would spin a
    // lambda class each, 15 on every command's start.
    private static <T> T orDefault(@Nullable T value, T fallback) {
        return value != null ? value : fallback;
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
                if (p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE) {
                    throw JsonMappingException.from(
                            p,
                            "YAML reads this unquoted value (yes, no, on, off, true or " + "false) as " + p.getText()
                                    + ", not as text; quote it, such as \"off\", if you mean the text");
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

    /**
     * agent.yaml's records bound without databind's introspection, which costs a cold command more than the rest of
     * loading; it declines whatever {@link #mapper()} would read differently or reject, and the mapper decides.
     */
    static final TreeBinder FAST = new TreeBinder(
            ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.KEBAB_CASE)::translate,
            true,
            Map.of(
                    Duration.class,
                    Durations::parse,
                    LocalTime.class,
                    LocalTime::parse,
                    ZoneId.class,
                    ZoneId::of,
                    URI.class,
                    URI::create));

    private static AgentConfig.Document bind(JsonNode tree, YamlWithLines parse) {
        return TreeBinder.orElse(FAST.bind(tree, AgentConfig.Document.class), () -> bindWithDatabind(tree, parse));
    }

    private static AgentConfig.Document bindWithDatabind(JsonNode tree, YamlWithLines parse) {
        ObjectMapper mapper = mapper();
        try {
            return mapper.treeToValue(tree, AgentConfig.Document.class);
        } catch (UnrecognizedPropertyException e) {
            String key = pointer(e.getPath());
            String suggestion = didYouMean(e.getPropertyName(), stringsOf(e.getKnownPropertyIds()));
            throw parse.error(
                    key,
                    "unknown key." + suggestion + " Known keys here: "
                            + String.join(", ", sorted(stringsOf(e.getKnownPropertyIds()))) + ".");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw parse.error(pointer(e.getPath()), String.valueOf(cause.getMessage()));
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
        if (type.isEnum()) {
            return "one of: "
                    + String.join(
                            ", ",
                            Arrays.stream(type.getEnumConstants())
                                    .map(String::valueOf)
                                    .toList());
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

    /** " Did you mean 'x'?" for the known word closest to {@code word}, or "" when none is a likely typo. */
    static String didYouMean(String word, Collection<String> known) {
        return closest(word, known).map(s -> " Did you mean '" + s + "'?").orElse("");
    }

    /** The known word closest to {@code word}, when it is close enough to be a likely typo. */
    private static Optional<String> closest(String word, Collection<String> known) {
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

    /** The sections' checks, in order; the first that fails names the key, the file and the line. */
    /** observability.http: HOST:PORT (a name, an IPv4 address, or [IPv6]), the port 0..65535. */
    private static Observability observability(Section.Input in) {
        Observability o = in.config().observability();
        String http = o.http();
        if (http == null) {
            return o;
        }
        int colon = http.lastIndexOf(':');
        boolean ok = colon >= 0;
        if (ok) {
            try {
                int port = Integer.parseInt(http.substring(colon + 1));
                ok = port >= 0 && port <= 65_535;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw in.parse()
                    .error(
                            "/observability/http",
                            "'" + http + "' is not HOST:PORT; write 127.0.0.1:9464 (loopback, the safe choice) or "
                                    + "0.0.0.0:9464 to listen on every address");
        }
        return o;
    }

    private static final class Checks {
        private final Section.Input in;

        Checks(AgentConfig config, YamlWithLines parse, Map<String, String> env, boolean requireKey) {
            this.in = new Section.Input(config, parse, env, requireKey);
        }

        AgentConfig run() {
            AgentConfig config = in.config();
            for (Map.Entry<String, String> e : in.parse().unset().entrySet()) {
                if (!e.getKey().endsWith("/api-key")) {
                    throw in.parse()
                            .error(
                                    e.getKey(),
                                    "environment variable " + e.getValue() + " is not set. "
                                            + "Export it, or give a default: ${" + e.getValue() + ":-value}.");
                }
            }
            AgentSection basics = new AgentSection(in);
            basics.agent();
            ModelConfig model = new ModelSection(in).model();
            AgentConfig.Heartbeat heartbeat = new HeartbeatSection(in).heartbeat();
            basics.context();
            basics.pricing();
            basics.budget();
            AgentConfig.Storage storage = new StorageSection(in).storage();
            AgentConfig.Notify notify = new NotifySection(in).notifyChannels();
            new McpSection(in).servers();
            new ToolsSection(in).tools();
            new ProbesSection(in).probes();
            AuditSection audit = new AuditSection(in);
            return new AgentConfig(
                    config.file(),
                    config.agent(),
                    model,
                    heartbeat,
                    config.context(),
                    storage,
                    notify,
                    config.tools(),
                    config.logging(),
                    config.pricing(),
                    config.budget(),
                    audit.audit(),
                    audit.sessions(),
                    config.mcp(),
                    config.probes(),
                    observability(in));
        }
    }
}
