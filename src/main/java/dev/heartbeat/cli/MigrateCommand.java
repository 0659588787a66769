package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.store.Database;
import dev.heartbeat.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code migrate}: create the store, or bring it to this release's schema, and exit. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Create the store, or bring it to this release's schema, and exit. Every command that writes does it "
                    + "when needed ('run' in a process of its own, with this command); this one does it by hand "
                    + "(before restarting a cluster's daemons on an upgrade, say).",
            "No API key is needed. Exit 0 when the store is at this release's schema; 1 when it cannot be (a "
                    + "database made by another build is refused and left as it is)."
        })
final class MigrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        AgentConfig config = main.inspectionFleet().shared();
        Database db = AgentRuntime.database(config);
        boolean current = Store.current(db);
        try (Store store = Store.open(db, main.clock)) {
            main.out()
                    .println(db.describe()
                            + (current ? ": already at this release's schema" : ": now at this release's schema"));
        }
        main.out().flush();
        return 0;
    }
}
