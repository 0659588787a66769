package dev.heartbeat.cli;

import java.util.List;
import java.util.Optional;

/**
 * Whether the JVM runs from the class-data sharing archive it was given. A static archive that no longer matches
 * its JDK or jar (an upgrade since install.sh made it) is ignored without a word from the JVM, and every start then
 * costs more CPU: the daemon says so when it starts, naming the archive.
 */
final class ClassSharing {
    private static final String FLAG = "-XX:SharedArchiveFile=";

    private ClassSharing() {}

    /**
     * The archive {@code jvmArguments} name (the last one given wins, as for the JVM) when the JVM, by its
     * {@code java.vm.info} ("mixed mode, sharing" while it shares), does not share classes.
     */
    static Optional<String> unused(String vmInfo, List<String> jvmArguments) {
        if (vmInfo.contains("sharing")) {
            return Optional.empty();
        }
        return jvmArguments.stream()
                .filter(a -> a.startsWith(FLAG))
                .reduce((first, last) -> last)
                .map(a -> a.substring(FLAG.length()));
    }

    /** The same for this JVM: its arguments as the operating system has them. */
    static Optional<String> unused() {
        return unused(
                System.getProperty("java.vm.info", ""),
                ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()));
    }
}
