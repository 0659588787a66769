package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.Daemon;
import dev.heartbeat.store.Store;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--all", description = "wake every agent of the configuration (with --agent: that one)")
    boolean all;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        Fleet fleet = main.inspectionFleet();
        List<AgentConfig> agents = all ? main.agents(fleet) : List.of(main.agent(fleet));
        Optional<String> daemon;
        List<String> stored = new ArrayList<>();
        try (Store store = main.writeStore(fleet.shared())) {
            for (AgentConfig agent : agents) {
                long id = store.control().requestWake(agent.agent().name(), reason);
                stored.add(
                        fleet.agents().size() == 1
                                ? Long.toString(id)
                                : id + " (" + agent.agent().name() + ")");
            }
            daemon = Daemon.running(fleet, store, main.clock.instant());
        }
        main.out()
                .println("wake request" + (stored.size() == 1 ? " " : "s ") + String.join(", ", stored) + " stored"
                        + daemon.map(d -> "; the daemon (" + d + ") takes it within a second")
                                .orElse("; no daemon is running right now, so it waits for the next "
                                        + "start (use --once for a beat now)"));
        main.out().flush();
        return 0;
    }
}
