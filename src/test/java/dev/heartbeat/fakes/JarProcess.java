package dev.heartbeat.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar, run as its own process the way a user or systemd runs it. */
public final class JarProcess {
    private JarProcess() {}

    public record Result(int exit, String out, String err, long millis) {}

    public static Path jar() {
        Path jar = Path.of(System.getProperty("heartbeat.jar", "target/heartbeat-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; integration tests run after 'mvn package'");
        }
        return jar;
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static ProcessBuilder builder(Map<String, String> env, String... args) {
        return builder(List.of(), env, args);
    }

    /** The jar run with {@code jvmOptions} before {@code -jar}. */
    public static ProcessBuilder builder(List<String> jvmOptions, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return pb;
    }

    public static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(List.of(), env, args);
    }

    public static Result run(List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = builder(jvmOptions, env, args);
        Path out = Files.createTempFile("hb-out", ".txt");
        Path err = Files.createTempFile("hb-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the jar did not finish within 120 s");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        try {
            return new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    ms);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
