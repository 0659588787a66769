package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.daemon.Daemon;
import dev.heartbeat.store.Store;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wake}: ask a running daemon for a beat now. */
@Command(
        name = "wake",
        mixinStandardHelpOptions = true,
        description = {
            "Ask the running daemon for a beat now (its decision's trigger is 'manual'). The request goes through "
                    + "the store, so it works from any process; the daemon takes it within a second.",
            "Without a daemon, use --once instead. Exit 0 when the request was stored."
        })
final class WakeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the decision record")
    String reason;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        AgentConfig config = main.inspectionConfig();
        AgentRuntime.registerSecrets(config);
        long id;
        Optional<String> daemon;
        try (Store store = main.writeStore(config)) {
            id = store.control().requestWake(reason);
            daemon = Daemon.running(config, store, main.clock.instant());
        }
        main.out()
                .println("wake request " + id + " stored"
                        + daemon.map(d -> "; the daemon (" + d + ") takes it within a second")
                                .orElse("; no daemon is running right now, so it waits for the next "
                                        + "start (use --once for a beat now)"));
        main.out().flush();
        return 0;
    }
}
