package dev.heartbeat.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.model.ModelProviders;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code config}: configuration commands.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check the configuration.")
final class ConfigCommand {

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Validate the configuration and print the effective config (defaults filled in, "
                        + "paths resolved, secrets shown as <redacted>).",
                "Exit 0 when valid, 2 when not (the message names the key, the file and the line)."
            })
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print the effective config as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Main main = Main.root(spec);
            // Every agent is checked; the effective configuration shown is --agent's, or each one's.
            Fleet fleet = main.fleet();
            List<AgentConfig> agents = main.agents(fleet);
            PrintWriter out = main.out();
            if (agents.size() == 1) {
                AgentConfig config = agents.get(0);
                ObjectNode tree = effective(config);
                if (json) {
                    Render.json(out, tree);
                    return 0;
                }
                out.println("# " + config.file() + " is valid; the effective configuration:");
                out.print(yaml().writeValueAsString(tree));
                out.flush();
                return 0;
            }
            if (json) {
                Render.json(
                        out,
                        Map.of(
                                "agents",
                                agents.stream().map(ConfigCommand::effective).toList()));
                return 0;
            }
            out.println("# " + fleet.file() + " is valid; " + agents.size() + " agents ("
                    + String.join(", ", fleet.names()) + "), the effective configuration of each:");
            for (AgentConfig config : agents) {
                out.println("---");
                out.println("# agent " + config.agent().name());
                out.print(yaml().writeValueAsString(effective(config)));
            }
            out.flush();
            return 0;
        }
    }

    private static ObjectMapper yaml() {
        return new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build());
    }

    /** The config as a tree, in agent.yaml's own key names, with defaults and resolved paths. */
    static ObjectNode effective(AgentConfig config) {
        SimpleModule durations = new SimpleModule();
        durations.addSerializer(Duration.class, new ToStringSerializerBase(Duration.class) {
            @Override
            public String valueToString(Object value) {
                return Durations.format((Duration) value);
            }
        });
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(durations)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
        ObjectNode tree = mapper.valueToTree(config);
        tree.remove("file");
        tree.set("notify", tree.remove("notifications"));
        ((ObjectNode) tree.get("agent")).put("workspace", config.workspace().toString());
        ((ObjectNode) tree.get("model")).put("base-url", ModelProviders.baseUrl(config.model()));
        if (!config.storage().postgres()) {
            ObjectNode storage = (ObjectNode) tree.get("storage");
            storage.put("file", AgentRuntime.databaseFile(config).toString());
            storage.remove("password");
            storage.remove("checkin-interval");
        }
        return tree;
    }
}
