package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.Daemon;
import dev.heartbeat.daemon.MigrationProcess;
import dev.heartbeat.logging.Logs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code run}: the daemon, beating on schedule until SIGTERM or SIGINT. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the daemon: heartbeats on the configured schedule (heartbeat.every or heartbeat.cron, "
                    + "inside heartbeat.active-hours) until SIGTERM or SIGINT; a running beat then gets "
                    + "heartbeat.shutdown-grace to finish. One daemon per store: a second one exits 2.",
            "Logs go to stdout (with syslog priorities under journald). Exit 0 on a clean stop."
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return runDaemon(Main.root(spec));
    }

    int runDaemon(Main main) {
        // Looked up here, not in a static field: picocli creates every command object at start-up, and
        // initialising logging costs every other command (even --version) several hundred milliseconds.
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        ClassSharing.unused()
                .ifPresent(archive -> log.warn(
                        "the class-data sharing archive {} is not in use (made for another JDK or jar?): every start "
                                + "costs more CPU, nothing else; systemd/install.sh makes it again",
                        archive));
        Fleet all = main.fleet();
        // --agent serves that agent alone (to watch one agent of several in the foreground, say).
        Fleet fleet = new Fleet(all.file(), main.agents(all), all.several());
        AgentConfig config = fleet.shared();
        if (config.logging().jsonFile() != null) {
            Logs.addJsonFile(config.resolve(config.logging().jsonFile()));
        }
        Daemon daemon = new Daemon(fleet, main.clock, main.env);
        // A store to migrate is migrated by this program's 'migrate', in a JVM of its own (see MigrationProcess).
        Relaunch.of(migrate(main)).ifPresent(command -> daemon.migratingWith(new MigrationProcess(command, main.env)));
        // Our own handlers, so a stop by signal is a clean stop (exit 0), not the JVM's 143.
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("SIG{} received", name);
                    daemon.stop();
                });
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.stop();
                            try {
                                daemon.awaitStopped(Daemon.shutdownGrace(fleet).plusSeconds(5));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "shutdown"));
        return daemon.run();
    }

    /** The arguments of 'migrate' on this daemon's configuration. */
    private static List<String> migrate(Main main) {
        List<String> args = new ArrayList<>(
                List.of("--config", main.configFile.toAbsolutePath().toString(), "migrate"));
        if (main.verbose) {
            args.add(0, "--verbose");
        }
        return args;
    }
}
