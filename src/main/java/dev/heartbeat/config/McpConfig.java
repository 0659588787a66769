package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mcp} section: the MCP servers whose tools the model may call, each by name. A server's tools
 * reach the model as {@code <server>__<tool>}.
 */
@SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
public record McpConfig(Map<String, Server> servers) {
    /** What separates a server's name from its tool's in the name the model sees. */
    public static final String SEPARATOR = "__";

    /** The names providers accept for a tool (OpenAI's and Anthropic's rule). */
    public static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public McpConfig {
        servers = servers == null ? Map.of() : new LinkedHashMap<>(servers);
    }

    /** How the client reaches a server: a process it starts, or a URL. */
    public enum Transport {
        STDIO,
        STREAMABLE_HTTP,
        SSE;

        /** The name agent.yaml uses: {@code stdio}, {@code streamable-http}, {@code sse}. */
        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public String toString() {
            return wire();
        }

        @JsonCreator
        public static Transport of(String name) {
            return WireNames.parse(values(), Transport::wire, name, "MCP transport");
        }
    }

    /**
     * One server: {@code command} (stdio; run without a shell, in the workspace, with only {@code env} and
     * the basics such as PATH) or {@code url} (streamable HTTP, or SSE for older servers), with
     * {@code headers}. {@code env} and {@code headers} values are secrets: masked wherever they would show.
     */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Server(
            @Nullable List<String> command,
            Map<String, Secret> env,
            @Nullable URI url,
            @Nullable Transport transport,
            Map<String, Secret> headers,
            ToolFilter tools,
            SideEffects sideEffecting,
            Duration timeout,
            Duration startTimeout) {
        public Server {
            env = env == null ? Map.of() : new LinkedHashMap<>(env);
            headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
            tools = tools == null ? new ToolFilter(null, null) : tools;
            sideEffecting = sideEffecting == null ? SideEffects.AUTO : sideEffecting;
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            startTimeout = startTimeout == null ? Duration.ofSeconds(30) : startTimeout;
        }

        /** The transport in use: stdio for a command, else what {@code transport} says (streamable HTTP). */
        public Transport resolvedTransport() {
            if (command != null) {
                return Transport.STDIO;
            }
            return transport != null ? transport : Transport.STREAMABLE_HTTP;
        }
    }

    /** Which of a server's tools are offered: those {@code allow} matches and {@code deny} does not ({@code *} globs). */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record ToolFilter(List<String> allow, List<String> deny) {
        public ToolFilter {
            allow = allow == null ? List.of("*") : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
        }

        public boolean offers(String tool) {
            return allow.stream().anyMatch(p -> Glob.matches(p, tool))
                    && deny.stream().noneMatch(p -> Glob.matches(p, tool));
        }
    }

    /**
     * Which of a server's tools change anything: {@code auto} reads the tools' annotations (side-effecting
     * unless {@code readOnlyHint} is true, as the MCP spec defaults), {@code all}, {@code none}, or a list of
     * tool names (exactly those).
     */
    public record SideEffects(Mode mode, List<String> tools) {
        public static final SideEffects AUTO = new SideEffects(Mode.AUTO, List.of());

        public enum Mode {
            AUTO,
            ALL,
            NONE,
            LISTED;
        }

        public SideEffects {
            tools = List.copyOf(tools);
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static SideEffects of(JsonNode node) {
            if (node.isTextual()) {
                return switch (node.asText()) {
                    case "auto" -> AUTO;
                    case "all" -> new SideEffects(Mode.ALL, List.of());
                    case "none" -> new SideEffects(Mode.NONE, List.of());
                    default ->
                        throw new IllegalArgumentException(
                                "'" + node.asText() + "' is not auto, all, none or a list of the server's tool names");
                };
            }
            if (node.isArray()) {
                List<String> names = new ArrayList<>();
                for (JsonNode n : node) {
                    if (!n.isTextual() || n.asText().isBlank()) {
                        throw new IllegalArgumentException("list the server's tool names, such as [write_file]");
                    }
                    names.add(n.asText());
                }
                return new SideEffects(Mode.LISTED, names);
            }
            throw new IllegalArgumentException("write auto, all, none or a list of the server's tool names");
        }

        /** As written in agent.yaml: {@code auto}, {@code all}, {@code none} or the list. */
        @JsonValue
        Object wire() {
            return mode == Mode.LISTED ? tools : mode.name().toLowerCase(Locale.ROOT);
        }

        /** Whether {@code tool} is side-effecting, given what its annotations say ({@code readOnlyHint}). */
        public boolean sideEffecting(String tool, boolean readOnlyHint) {
            return switch (mode) {
                case AUTO -> !readOnlyHint;
                case ALL -> true;
                case NONE -> false;
                case LISTED -> tools.contains(tool);
            };
        }
    }

    /** {@code *} matches any run of characters; everything else matches itself. */
    public static final class Glob {
        private Glob() {}

        public static boolean matches(String pattern, String name) {
            String regex =
                    Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
            return Pattern.matches(regex, name);
        }
    }
}
