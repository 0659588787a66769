package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.repair.Problem;
import dev.heartbeat.store.SessionInfo;
import dev.heartbeat.store.Store;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions check}: validate stored histories against the providers' rules. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validate one session (or all) against the rules of every supported provider and list the problems, "
                    + "each with the stored message id.",
            "Exit 0 when all are valid, 1 otherwise ('sessions repair NAME' fixes them)."
        })
final class SessionsCheck implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the session (default: every session)")
    String name;

    @Option(names = "--json", description = "print the problems as JSON")
    boolean json;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        AgentConfig config = main.storeConfig();
        Map<String, List<Map<String, Object>>> found = new LinkedHashMap<>();
        try (Store store = main.readStore(config)) {
            List<String> names = new ArrayList<>();
            if (name != null) {
                Main.session(store, name);
                names.add(name);
            } else {
                store.sessions().list().stream().map(SessionInfo::name).forEach(names::add);
            }
            for (String session : names) {
                // Checked as the messages are read: a long session is never held, only its messages' ids.
                HistoryValidator.Pass pass = new HistoryValidator.Pass();
                List<Long> ids = new ArrayList<>();
                store.sessions().eachMessage(session, (m, id) -> {
                    pass.accept(m);
                    ids.add(id);
                });
                List<Map<String, Object>> problems = new ArrayList<>();
                for (Problem p : pass.problems(HistoryValidator.Mode.HISTORY)) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("rule", p.rule().wire());
                    doc.put("message_id", p.index() >= 0 && p.index() < ids.size() ? ids.get(p.index()) : null);
                    doc.put("position", p.index());
                    doc.put("detail", p.detail());
                    problems.add(doc);
                }
                found.put(session, problems);
            }
        }
        boolean valid = found.values().stream().allMatch(List::isEmpty);
        PrintWriter out = main.out();
        if (json) {
            List<Map<String, Object>> doc = new ArrayList<>();
            found.forEach((session, problems) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("session", session);
                entry.put("valid", problems.isEmpty());
                entry.put("problems", problems);
                doc.add(entry);
            });
            Render.json(out, doc);
            return valid ? 0 : 1;
        }
        found.forEach((session, problems) -> {
            if (problems.isEmpty()) {
                out.println(session + ": valid");
            } else {
                out.println(session + ": " + problems.size() + " problem(s)");
                for (Map<String, Object> p : problems) {
                    out.println("  #" + p.get("message_id") + " " + p.get("rule") + ": " + p.get("detail"));
                }
                out.println("  fix with: heartbeat-agent sessions repair " + session + " (or --dry-run first)");
            }
        });
        if (found.isEmpty()) {
            out.println("No sessions.");
        }
        out.flush();
        return valid ? 0 : 1;
    }
}
