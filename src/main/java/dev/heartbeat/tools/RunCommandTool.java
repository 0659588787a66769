package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.config.ToolsConfig;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * run_command: runs an allowlisted program with arguments, without a shell, in the workspace, with
 * a clean environment, a timeout and an output cap. Off unless tools.run_command.allow lists programs.
 */
public final class RunCommandTool implements Tool {
    private final ToolsConfig.RunCommand settings;
    private final Workspace workspace;
    private final Path programs;

    /** A program named by a relative path ({@code ./check.sh}) is found in the workspace's folder. */
    public RunCommandTool(ToolsConfig.RunCommand settings, Workspace workspace) {
        this(settings, workspace, workspace.root());
    }

    /**
     * {@code programs}: where a program named by a relative path is found — the folder of agent.yaml, as every
     * relative path in it (and outside the workspace, which the model can write to).
     */
    public RunCommandTool(ToolsConfig.RunCommand settings, Workspace workspace, Path programs) {
        this.settings = settings;
        this.workspace = workspace;
        this.programs = programs;
    }

    @Override
    public String name() {
        return "run_command";
    }

    @Override
    public ToolSpecification specification() {
        String programs = settings.allow().isEmpty() ? "none are allowed" : String.join(", ", settings.allow());
        return ToolSpecification.builder()
                .name(name())
                .description("Run a program (no shell) in the workspace and return its exit code and output. "
                        + "Allowed programs: " + programs + ".")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("program", "the program, exactly as allowlisted")
                        .addProperty(
                                "args",
                                JsonArraySchema.builder()
                                        .items(new JsonStringSchema())
                                        .description("arguments, one per element")
                                        .build())
                        .required("program")
                        .build())
                .build();
    }

    @Override
    public boolean sideEffecting() {
        return true;
    }

    @Override
    public void check(JsonNode arguments) throws ToolFailure {
        if (settings.allow().isEmpty()) {
            throw ToolFailure.refused(
                    "run_command is off: no program is allowlisted (tools.run_command.allow in agent.yaml)");
        }
        String program = Tool.text(arguments, "program");
        if (!settings.allow().contains(program)) {
            throw ToolFailure.refused(
                    "'" + program + "' is not allowlisted; allowed programs: " + String.join(", ", settings.allow()));
        }
    }

    @Override
    public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
        check(arguments);
        String program = Tool.text(arguments, "program");
        List<String> argv = new ArrayList<>();
        argv.add(locate(program)
                .orElseThrow(() -> ToolFailure.error("'" + program + "' was not found on this machine")));
        JsonNode args = arguments.get("args");
        if (args != null && !args.isNull()) {
            if (!args.isArray()) {
                throw ToolFailure.error("'args' must be a list of strings");
            }
            for (JsonNode arg : args) {
                if (!arg.isValueNode()) {
                    throw ToolFailure.error("'args' must be a list of strings");
                }
                argv.add(arg.asText());
            }
        }
        // In a session of its own, so a timeout kills everything it started, even what detached from it.
        if (Files.isExecutable(SETSID)) {
            argv.add(0, SETSID.toString());
        }
        ProcessBuilder builder =
                new ProcessBuilder(argv).directory(workspace.root().toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("HOME", workspace.root().toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw ToolFailure.error("cannot start '" + program + "': " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            OutputReader reader = new OutputReader(process.getInputStream(), settings.maxOutputBytes());
            reader.start();
            boolean finished = process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                killGroup(process);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(5_000);
            String output = reader.text();
            if (!finished) {
                throw ToolFailure.error("'" + program + "' did not finish within "
                        + settings.timeout().toSeconds() + "s and was killed; output so far:\n" + output);
            }
            return "exit " + process.exitValue() + "\n" + output;
        } catch (IOException e) {
            throw ToolFailure.error("running '" + program + "' failed: " + e.getMessage());
        } catch (InterruptedException e) {
            killGroup(process);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw ToolFailure.error("running '" + program + "' was interrupted");
        }
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** SIGKILL to the command's process group (its session, from setsid): grandchildren that detached go too. */
    private static void killGroup(Process process) {
        if (!Files.isExecutable(SETSID)) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No kill(1): the descendants still get killed one by one.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<String> locate(String program) {
        if (program.contains("/")) {
            Path path = programs.resolve(program).normalize();
            return Files.isExecutable(path) ? Optional.of(path.toString()) : Optional.empty();
        }
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** Drains the process output on its own thread, keeping at most {@code cap} bytes. */
    private static final class OutputReader extends Thread {
        private final InputStream in;
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        OutputReader(InputStream in, int cap) {
            super("run_command-output");
            setDaemon(true);
            this.in = in;
            this.cap = cap;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        int room = (int) Math.max(0, cap - kept.size());
                        kept.write(buffer, 0, Math.min(room, n));
                        total += n;
                    }
                }
            } catch (IOException ignored) {
                // The process was killed; keep what was read.
            }
        }

        synchronized String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return total > cap ? s + "\n[... output cut at " + cap + " bytes of " + total + "]" : s;
        }
    }
}
