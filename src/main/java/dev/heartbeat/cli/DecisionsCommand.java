package dev.heartbeat.cli;

import dev.heartbeat.audit.ArchivedDecisions;
import dev.heartbeat.audit.ChainVerifier;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.store.DecisionArchive;
import dev.heartbeat.store.DecisionLog;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code decisions}: the decision log.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(
        name = "decisions",
        mixinStandardHelpOptions = true,
        description = "Read the decision log: one record per heartbeat, skipped ones included.")
final class DecisionsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The decision log, newest first.")
    static final class ListDecisions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--since",
                paramLabel = "DURATION",
                description = "only beats started within this long, " + "such as 2h, 1d or 7d")
        String since;

        @Option(
                names = "--outcome",
                paramLabel = "OUTCOME",
                description = "only this outcome: quiet, acted, " + "skipped, failed or awaiting_approval")
        String outcome;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "50",
                description = "at most N records " + "(default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print a JSON array of the records")
        boolean json;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            OffsetDateTime from = since == null ? null : main.ago("--since", since);
            Decision.Outcome only = null;
            if (outcome != null) {
                try {
                    only = Decision.Outcome.parse(outcome);
                } catch (IllegalArgumentException e) {
                    throw UserError.usage("--outcome: " + e.getMessage());
                }
            }
            if (limit < 1) {
                throw UserError.usage("--limit must be at least 1");
            }
            Fleet fleet = main.inspectionFleet();
            String agent =
                    main.agentName == null ? null : main.agent(fleet).agent().name();
            boolean several = fleet.agents().size() > 1;
            PrintWriter out = main.out();
            List<DecisionLog.Listed> rows;
            try (Store store = main.readStore(fleet.shared())) {
                if (json) {
                    Render.json(
                            out,
                            store.decisionLog().list(agent, from, only, limit).stream()
                                    .map(StoredDecision::decision)
                                    .filter(Objects::nonNull)
                                    .toList());
                    return 0;
                }
                rows = store.decisionLog().listed(agent, from, only, limit);
            }
            if (rows.isEmpty()) {
                out.println("No decisions"
                        + (since != null || outcome != null ? " match." : " yet; run --once for a first beat."));
                out.flush();
                return 0;
            }
            List<List<String>> table = new ArrayList<>();
            for (DecisionLog.Listed row : rows) {
                Decision.Summary d = row.summary();
                List<String> cells = new ArrayList<>();
                if (d == null) {
                    cells.addAll(List.of("#" + row.seq(), "-", "-", "unreadable", "-", "run 'decisions verify'"));
                } else {
                    cells.addAll(List.of(
                            d.id(),
                            Render.time(d.startedAt()),
                            d.trigger().wire(),
                            d.outcome().wire(),
                            d.usage().inputTokens() + "/" + d.usage().outputTokens(),
                            Render.fold(d.reason(), 80)));
                }
                if (several) {
                    cells.add(1, d == null ? "-" : d.agent());
                }
                table.add(cells);
            }
            List<String> header = new ArrayList<>(List.of("ID", "STARTED", "TRIGGER", "OUTCOME", "TOKENS", "REASON"));
            if (several) {
                header.add(1, "AGENT");
            }
            Render.table(out, header, table);
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {"One decision in full.", "Exit 1 when no decision has that id."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "the decision id (a unique prefix is enough)")
        String id;

        @Option(names = "--json", description = "print the record as JSON")
        boolean json;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.storeConfig();
            StoredDecision row;
            try (Store store = main.readStore(config)) {
                row = store.decisionLog().find(id).orElseThrow(() -> {
                    int matches = store.decisionLog().countStartingWith(id);
                    return UserError.notFound(
                            matches > 1
                                    ? "ambiguous: '" + id + "' starts " + matches + " decisions; give more of the id"
                                    : "no decision '" + id + "'; 'decisions list' shows the ids");
                });
            }
            if (row.decision() == null) {
                throw UserError.notFound(
                        "decision #" + row.seq() + " is stored but unreadable; run 'decisions verify'");
            }
            PrintWriter out = main.out();
            if (json) {
                Render.json(out, row.decision());
            } else {
                show(out, row.decision());
            }
            return 0;
        }

        static void show(PrintWriter out, Decision d) {
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("decision", d.id());
            lines.put("agent", d.agent() + " (session " + d.session() + ")");
            lines.put("trigger", d.trigger().wire() + (d.dryRun() ? ", dry run" : ""));
            lines.put(
                    "started",
                    Render.time(d.startedAt()) + "  (took " + Render.duration(d.startedAt(), d.finishedAt()) + ")");
            lines.put("outcome", d.outcome().wire());
            lines.put("reason", d.reason());
            lines.put(
                    "model",
                    d.model().provider() + " " + d.model().name() + ": "
                            + d.modelCalls().size() + " call(s), "
                            + d.usage().inputTokens() + " in / " + d.usage().outputTokens() + " out tokens"
                            + (d.costUsd() != null ? String.format(", $%.6f", d.costUsd()) : ""));
            lines.forEach((k, v) -> out.printf("%-10s %s%n", k, v));
            out.println("gates:");
            for (Decision.Gate g : d.gates()) {
                out.printf("  %-14s %-6s %s%n", g.name(), g.passed() ? "pass" : "closed", g.detail());
            }
            if (!d.probes().isEmpty()) {
                out.println("probes:");
                for (Decision.ProbeRecord p : d.probes()) {
                    out.printf(
                            "  %-14s %s, %d ms%s%n",
                            p.name(),
                            Render.probe(p).substring(p.name().length() + 1),
                            p.durationMs(),
                            p.result() == null ? "" : ": " + Render.fold(p.result(), 120));
                }
            }
            if (!d.modelCalls().isEmpty()) {
                out.println("model calls:");
                for (Decision.ModelCall c : d.modelCalls()) {
                    out.printf(
                            "  %s %s%n",
                            c.step() == 0 ? "summary" : c.step() + ".",
                            c.error() != null
                                    ? "error: " + c.error()
                                    : String.join(",", c.finishReasons()) + ", " + c.inputTokens() + "/"
                                            + c.outputTokens()
                                            + " tokens"
                                            + (c.cachedInputTokens() > 0
                                                    ? " (" + c.cachedInputTokens() + " cached)"
                                                    : "")
                                            + (c.cacheWriteInputTokens() > 0
                                                    ? " (" + c.cacheWriteInputTokens() + " written to the cache)"
                                                    : "")
                                            + (c.requestModel().equals(d.model().name()) ? "" : ", " + c.requestModel())
                                            + ", " + c.latencyMs() + " ms"
                                            + (c.responseId() != null ? ", id " + c.responseId() : ""));
                }
            }
            if (!d.toolCalls().isEmpty()) {
                out.println("tool calls:");
                int n = 0;
                for (Decision.ToolCallRecord t : d.toolCalls()) {
                    out.printf("  %d. %s %s%n", ++n, t.name(), Render.fold(String.valueOf(t.arguments()), 200));
                    out.printf(
                            "     %s, %s: %s%n",
                            t.executed() ? "executed" : "not executed", t.outcome(), Render.fold(t.result(), 200));
                }
            }
            if (!d.notifications().isEmpty()) {
                out.println("notifications:");
                for (Decision.NotificationRecord nr : d.notifications()) {
                    out.printf("  %s %s %s%n", nr.channel(), nr.status(), nr.detail() == null ? "" : nr.detail());
                }
            }
            if (!d.repairs().isEmpty()) {
                out.println("history repairs:");
                for (Decision.RepairRecord r : d.repairs()) {
                    out.printf("  %s: %s (messages %s)%n", r.rule(), r.detail(), r.messageIds());
                }
            }
            if (d.finalAnswer() != null) {
                out.println("final answer:");
                d.finalAnswer().strip().lines().forEach(l -> out.println("  " + l));
            }
            out.println("hash       " + d.hash());
            out.println("prev_hash  " + d.prevHash());
            out.flush();
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check the hash chain of the decision log.",
                "Exit 0 when intact, 1 when broken (the first bad record is named)."
            })
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        @Option(
                names = "--head",
                paramLabel = "SEQ:HASH",
                description = "also check the log still holds this head, "
                        + "as printed by an earlier verify and kept outside the store")
        String head;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.storeConfig();
            List<HeadAnchor.Head> anchors = new ArrayList<>();
            if (head != null) {
                try {
                    anchors.add(HeadAnchor.Head.parse(head));
                } catch (IllegalArgumentException e) {
                    throw UserError.usage("--head: " + e.getMessage());
                }
            }
            new HeadAnchor(config.headAnchorFile()).read().ifPresent(anchors::add);
            ChainVerifier.Report report;
            try (Store store = main.readStore(config)) {
                List<ChainVerifier.Archive> archives = new ArrayList<>();
                for (ArchivedDecisions a : store.decisionLog().archives()) {
                    archives.add(readArchive(config.stateDir().resolve(a.file()), a));
                }
                report = ChainVerifier.verify(
                        archives,
                        store.decisionLog()::walkChain,
                        anchors,
                        HashChain.key(config.audit().chainKey().value()));
            }
            PrintWriter out = main.out();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("intact", report.intact());
                doc.put("records", report.records());
                doc.put("archived_records", report.archived());
                doc.put("archived_records_not_found", report.unread());
                report.firstBreak().ifPresent(b -> doc.put("first_break", b));
                report.head().ifPresent(h -> doc.put("head", h));
                Render.json(out, doc);
            } else {
                if (report.intact()) {
                    out.println("intact: " + report.records() + " record(s), every hash and column matches"
                            + (anchors.isEmpty() ? "" : ", the anchored head is there")
                            + (report.archived() == 0
                                    ? ""
                                    : "; " + report.archived() + " archived record(s) checked too")
                            + (report.unread() == 0
                                    ? ""
                                    : "; " + report.unread() + " archived record(s) in files not "
                                            + "found under " + config.stateDir().resolve("archive")
                                            + " (checked from the hash "
                                            + "recorded for them)"));
                } else {
                    ChainVerifier.Break b = report.firstBreak().get();
                    out.println("BROKEN at record #" + b.seq() + " (" + b.id() + "): " + b.problem());
                }
                report.head()
                        .ifPresent(h -> out.println("head: #" + h.seq() + " " + h.id() + " " + h.hash()
                                + "  (keep '" + h.text() + "' elsewhere; 'decisions verify --head " + h.text()
                                + "' checks against it)"));
            }
            out.flush();
            return report.intact() ? 0 : 1;
        }

        /** An archive as recorded, with its file's records when the file is here and reads. */
        private static ChainVerifier.Archive readArchive(Path file, ArchivedDecisions a) {
            if (!Files.exists(file)) {
                return new ChainVerifier.Archive(a, null, false);
            }
            try {
                return new ChainVerifier.Archive(a, DecisionArchive.read(file), DecisionArchive.matches(file, a));
            } catch (IOException | RuntimeException e) {
                // Unreadable (torn, not gzip): its bytes are not the recorded ones either.
                return new ChainVerifier.Archive(a, List.of(), false);
            }
        }
    }
}
