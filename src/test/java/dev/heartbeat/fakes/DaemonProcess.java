package dev.heartbeat.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged jar running as a daemon, with its output in a file the test can watch. */
public final class DaemonProcess implements AutoCloseable {
    private static final Pattern CLUSTER_NODE = Pattern.compile("cluster node ([^)]+)\\)");
    private final Process process;
    private final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static DaemonProcess start(Map<String, String> env, Path log, String... args) throws IOException {
        ProcessBuilder pb = JarProcess.builder(env, args);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new DaemonProcess(pb.start(), log);
    }

    /** A daemon started some other way (its own JVM flags or jar), watched through the file its output goes to. */
    public static DaemonProcess watching(Process process, Path log) {
        return new DaemonProcess(process, log);
    }

    /** {@code run} with {@code config}, once it has said "daemon started" (an assertion error with its output if not). */
    public static DaemonProcess running(Map<String, String> env, Path log, Path config) throws Exception {
        DaemonProcess daemon = start(env, log, "--config", config.toString(), "run");
        if (!daemon.awaitOutput("daemon started", Duration.ofSeconds(30))) {
            String output = daemon.output();
            daemon.close();
            throw new AssertionError("the daemon did not start: " + output);
        }
        return daemon;
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the output holds {@code text} (or the process ends, or time runs out). */
    public boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return output().contains(text);
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The Quartz instance id a clustered daemon printed on start ("cluster node ID"), if it has. */
    public Optional<String> clusterNode() throws IOException {
        Matcher m = CLUSTER_NODE.matcher(output());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, then the exit code (or -1 if it did not stop in time). */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no shutdown hook, no cleanup. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
