package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.StoredMessage;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions repair}: repair a session and persist the result as a new revision. */
@Command(
        name = "repair",
        mixinStandardHelpOptions = true,
        description = {
            "Repair a session so every provider accepts it, and store the result as a new revision with a record "
                    + "of every action. The original messages are kept (superseded; 'sessions show NAME --all').",
            "Exit 0 (also when there was nothing to repair), 1 for an unknown session."
        })
final class SessionsRepair implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the session")
    String name;

    @Option(names = "--dry-run", description = "show what would be done; write nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print the actions as JSON")
    boolean json;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        AgentConfig config = main.inspectionConfig();
        Repairer.Result result;
        int revision;
        try (Store store = dryRun ? main.readStore(config) : main.writeStore(config)) {
            revision = Main.session(store, name).revision();
            List<StoredMessage> history = store.sessions().history(name);
            result = Repairer.repair(Entry.of(history));
            if (result.changed() && !dryRun) {
                long readUpTo =
                        history.isEmpty() ? 0 : history.get(history.size() - 1).id();
                store.sessions().writeRevision(name, result.entries(), result.actions(), null, readUpTo);
                revision++;
            }
        }
        PrintWriter out = main.out();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("session", name);
            doc.put("dry_run", dryRun);
            doc.put("changed", result.changed());
            doc.put("revision", revision);
            doc.put("messages", result.entries().size());
            doc.put("actions", result.actions());
            Render.json(out, doc);
            return 0;
        }
        if (!result.changed()) {
            out.println(name + ": nothing to repair (revision " + revision + " is valid for every provider)");
            out.flush();
            return 0;
        }
        for (RepairRecord a : result.actions()) {
            out.println("  " + a.rule() + ": " + a.detail() + " " + a.messageIds());
        }
        out.println(
                dryRun
                        ? name + ": " + result.actions().size() + " action(s) would be taken; nothing was written"
                        : name + ": " + result.actions().size() + " action(s); revision " + revision + " written with "
                                + result.entries().size() + " message(s); the previous revision is kept (sessions show "
                                + name + " --all)");
        out.flush();
        return 0;
    }
}
