package dev.heartbeat.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.heartbeat.config.McpConfig;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.McpTestServers;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.tools.FileTools;
import dev.heartbeat.tools.Tool;
import dev.heartbeat.tools.ToolCallContext;
import dev.heartbeat.tools.Workspace;
import dev.heartbeat.tools.mcp.McpServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What an MCP server costs, beside the same thing without one, in one run: a cold {@code --once} of the
 * packaged jar without and with the reference {@code server-everything} (started, listed, stopped), runs
 * alternating; the first request's size (the server's 13 tool specifications); and one warm call of its
 * {@code echo} beside the built-in {@code list_files}.
 *
 * <pre>mvn -B -q package -DskipTests &amp;&amp; java -cp target/heartbeat-agent.jar:target/test-classes
 * dev.heartbeat.bench.McpBench</pre>
 */
public final class McpBench {
    public static void main(String[] args) throws Exception {
        int coldRuns = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.out.println("machine: " + Stats.machine());
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY)) {
            fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
            cold(fake, coldRuns);
        }
        warm(calls);
    }

    private static void cold(FakeOpenAi fake, int runs) throws Exception {
        TestAgent plain = new TestAgent(Files.createTempDirectory("hb-bench-plain"), fake);
        TestAgent withMcp = new TestAgent(Files.createTempDirectory("hb-bench-mcp"), fake);
        withMcp.yaml("mcp:\n  servers:\n    everything:\n      command: "
                + McpTestServers.yaml(McpTestServers.everything()) + "\n");
        Map<String, String> env = Map.of("HB_TEST_KEY", TestAgent.KEY);
        double[] without = new double[runs];
        double[] with = new double[runs];
        for (TestAgent a : new TestAgent[] {plain, withMcp}) {
            once(env, a); // creates the database
        }
        int before = fake.requests().size();
        for (int i = 0; i < runs; i++) {
            without[i] = once(env, plain);
            with[i] = once(env, withMcp);
        }
        int plainBytes = fake.requests().get(before).toString().length();
        int mcpBytes = fake.requests().get(before + 1).toString().length();
        System.out.println("cold --once, quiet beat, JVM start included, alternating:");
        System.out.println("  no MCP server:           " + Stats.summary(without, "ms"));
        System.out.println("  server-everything stdio: " + Stats.summary(with, "ms"));
        System.out.println("  first request: " + plainBytes + " vs " + mcpBytes + " bytes of JSON");
    }

    private static double once(Map<String, String> env, TestAgent agent) throws Exception {
        JarProcess.Result r = JarProcess.run(env, "--config", agent.config().toString(), "--once");
        if (r.exit() != 0) {
            throw new IllegalStateException("--once failed: " + r.out() + r.err());
        }
        return r.millis();
    }

    private static void warm(int calls) throws Exception {
        Path dir = Files.createTempDirectory("hb-bench-calls");
        McpConfig.Server server =
                new McpConfig.Server(McpTestServers.everything(), null, null, null, null, null, null, null, null);
        try (McpServers servers = new McpServers(new McpConfig(Map.of("everything", server)), dir, Clock.systemUTC())) {
            Tool echo = servers.tools().stream()
                    .filter(t -> t.name().equals("everything__echo"))
                    .findFirst()
                    .orElseThrow();
            Tool listFiles = FileTools.all(new Workspace(dir), 262_144, Clock.systemUTC()).stream()
                    .filter(t -> t.name().equals("list_files"))
                    .findFirst()
                    .orElseThrow();
            var noArguments = JsonNodeFactory.instance.objectNode();
            var arguments = JsonNodeFactory.instance.objectNode().put("message", "ping");
            double[] mcp = new double[calls];
            double[] builtin = new double[calls];
            for (int i = -calls / 5; i < calls; i++) {
                long start = System.nanoTime();
                echo.run(arguments, new ToolCallContext("bench", "c" + i));
                long middle = System.nanoTime();
                listFiles.run(noArguments, new ToolCallContext("bench", "l" + i));
                long end = System.nanoTime();
                if (i >= 0) {
                    mcp[i] = (middle - start) / 1e6;
                    builtin[i] = (end - middle) / 1e6;
                }
            }
            System.out.println("warm tool call (" + calls / 5 + " warm-up calls), alternating:");
            System.out.println("  built-in list_files:        " + Stats.summary(builtin, "ms"));
            System.out.println("  everything__echo over stdio: " + Stats.summary(mcp, "ms"));
        }
    }
}
