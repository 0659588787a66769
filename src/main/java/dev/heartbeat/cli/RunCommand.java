package dev.heartbeat.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code run}: the daemon, beating on schedule until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the daemon: heartbeats on the configured schedule (heartbeat.every or heartbeat.cron) "
                + "until SIGTERM or SIGINT. Exit 0 on a clean stop."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return runDaemon(Main.root(spec));
    }

    int runDaemon(Main main) {
        main.config();
        throw UserError.usage("the scheduled daemon is not part of this build yet; run single beats with --once "
                + "(for instance from a systemd timer)");
    }
}
