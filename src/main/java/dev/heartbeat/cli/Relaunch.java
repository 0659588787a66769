package dev.heartbeat.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This program's command line for another of its commands, in a JVM like this one: the same {@code java}, class path
 * and system properties, and of this JVM's options those that size it and name its class-data sharing archive. Not
 * the rest: a log of this JVM's ({@code -Xlog:...:file=}) or an archive it writes at exit is its own.
 */
final class Relaunch {
    /** The options kept, by how they start. */
    private static final List<String> KEPT = List.of(
            "-D",
            "-Xmx",
            "-Xss",
            "-XX:MaxMetaspaceSize=",
            "-XX:SharedArchiveFile=",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=",
            "-XX:+ExitOnOutOfMemoryError");
    /** The launcher's options whose value is the next word. */
    private static final Set<String> WITH_VALUE = Set.of(
            "-cp",
            "-classpath",
            "--class-path",
            "-p",
            "--module-path",
            "--add-modules",
            "--add-opens",
            "--add-exports",
            "--add-reads",
            "--limit-modules",
            "--patch-module",
            "--upgrade-module-path");

    private Relaunch() {}

    /** {@code programArgs} relaunched from this JVM, or empty when the system does not say how it was started. */
    static Optional<List<String>> of(List<String> programArgs) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> java = info.command();
        String classPath = System.getProperty("java.class.path", "");
        if (java.isEmpty() || classPath.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                command(java.get(), info.arguments().map(List::of).orElse(List.of()), classPath, programArgs));
    }

    /** {@code java}, the kept options of {@code jvmArguments}, the class path, {@link Main} and {@code programArgs}. */
    static List<String> command(String java, List<String> jvmArguments, String classPath, List<String> programArgs) {
        List<String> out = new ArrayList<>(List.of(java));
        out.addAll(kept(jvmArguments));
        out.addAll(List.of("-cp", classPath, Main.class.getName()));
        out.addAll(programArgs);
        return out;
    }

    /** The kept JVM options among {@code arguments}: those before the main class or {@code -jar}. */
    static List<String> kept(List<String> arguments) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if (a.equals("-jar") || !a.startsWith("-")) {
                break; // the main class or jar: the program's own arguments follow
            }
            if (WITH_VALUE.contains(a)) {
                i++;
            } else if (KEPT.stream().anyMatch(a::startsWith)) {
                out.add(a);
            }
        }
        return out;
    }
}
