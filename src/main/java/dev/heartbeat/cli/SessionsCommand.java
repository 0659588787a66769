package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.store.RepairLog;
import dev.heartbeat.store.SessionInfo;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Attachment;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sessions}: the stored conversations.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "Inspect stored sessions.")
final class SessionsCommand {

    /**
     * ok, or how many provider rules the session's stored history breaks: checked as its messages are read, so a
     * long session is never held whole.
     */
    static String health(Store store, String session) {
        HistoryValidator.Pass pass = new HistoryValidator.Pass();
        store.sessions().eachMessage(session, (m, id) -> pass.accept(m));
        int problems = pass.problems(HistoryValidator.Mode.HISTORY).size();
        return problems == 0 ? "ok" : "needs repair (" + problems + ")";
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Every session: name, messages, last activity, health.",
                "With several agents, the agent whose heartbeat writes each session; --agent lists that agent's."
            })
    static final class ListSessions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print a JSON array")
        boolean json;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            Fleet fleet = main.inspectionFleet();
            String only =
                    main.agentName == null ? null : main.agent(fleet).agent().name();
            boolean several = fleet.agents().size() > 1;
            // A session is an agent's when its heartbeat writes it; one imported under another name is no agent's.
            Map<String, String> agentOf = new LinkedHashMap<>();
            fleet.agents().forEach(a -> agentOf.put(a.sessionName(), a.agent().name()));
            List<Map<String, Object>> docs = new ArrayList<>();
            try (Store store = main.readStore(fleet.shared())) {
                for (SessionInfo s : store.sessions().list()) {
                    String agent = agentOf.get(s.name());
                    if (only != null && !only.equals(agent)) {
                        continue;
                    }
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("name", s.name());
                    doc.put("agent", agent);
                    doc.put("messages", s.messages());
                    doc.put("revision", s.revision());
                    doc.put("size_bytes", store.pruning().sessionBytes(s.name()));
                    doc.put("last_activity", s.updatedAt());
                    doc.put("unreadable_lines", s.rawLines());
                    doc.put("health", health(store, s.name()));
                    docs.add(doc);
                }
            }
            PrintWriter out = main.out();
            if (json) {
                Render.json(out, docs);
                return 0;
            }
            if (docs.isEmpty()) {
                out.println("No sessions yet; the first beat (--once) creates the agent's session.");
                out.flush();
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Map<String, Object> d : docs) {
                List<String> cells = new ArrayList<>(List.of(
                        String.valueOf(d.get("name")),
                        String.valueOf(d.get("messages")),
                        Render.size((Long) Objects.requireNonNull(d.get("size_bytes"))),
                        Render.time((OffsetDateTime) Objects.requireNonNull(d.get("last_activity"))),
                        String.valueOf(d.get("health"))));
                if (several) {
                    cells.add(1, d.get("agent") == null ? "-" : String.valueOf(d.get("agent")));
                }
                rows.add(cells);
            }
            List<String> header = new ArrayList<>(List.of("NAME", "MESSAGES", "SIZE", "LAST ACTIVITY", "HEALTH"));
            if (several) {
                header.add(1, "AGENT");
            }
            Render.table(out, header, rows);
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "A session's transcript: roles, " + "tool calls with their arguments, results.",
                "Exit 1 when no session has that name."
            })
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "the session (the agent's name for its heartbeat session)")
        String name;

        @Option(names = "--tail", paramLabel = "N", description = "only the last N messages")
        Integer tail;

        @Option(names = "--json", description = "print the messages as JSON")
        boolean json;

        @Option(
                names = "--all",
                description = "include superseded revisions (what repairs replaced), the repair "
                        + "actions and lines an import could not read")
        boolean all;

        @Option(
                names = "--raw",
                paramLabel = "ID",
                description = "print the provider's own message that stored message ID was made from, as it came")
        @Nullable
        Long raw;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.storeConfig();
            if (tail != null && tail < 1) {
                throw UserError.usage("--tail must be at least 1");
            }
            if (raw != null) {
                Optional<String> kept;
                try (Store store = main.readStore(config)) {
                    Main.session(store, name);
                    kept = store.sessions().raw(raw);
                }
                if (kept.isEmpty()) {
                    throw UserError.notFound("message " + raw + " has no provider message kept (messages stored "
                            + "before this release, and those the agent wrote itself, have none)");
                }
                main.out().println(kept.get());
                main.out().flush();
                return 0;
            }
            List<StoredMessage> history;
            List<RepairLog.StoredRepair> repairs = List.of();
            List<RepairLog.RawLine> raw = List.of();
            int current;
            try (Store store = main.readStore(config)) {
                current = Main.session(store, name).revision();
                if (all) {
                    history = store.sessions().allMessages(name);
                } else if (tail != null) {
                    history = store.sessions().historyTail(name, tail);
                } else {
                    history = store.sessions().history(name);
                }
                if (all) {
                    repairs = store.repairLog().repairs(name);
                    raw = store.repairLog().rawLines(name);
                }
            }
            if (tail != null && history.size() > tail) {
                history = history.subList(history.size() - tail, history.size());
            }
            PrintWriter out = main.out();
            if (json) {
                if (!all) {
                    Render.json(out, history);
                } else {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("revision", current);
                    doc.put("messages", history);
                    doc.put("repairs", repairs);
                    doc.put("unreadable_lines", raw);
                    Render.json(out, doc);
                }
                return 0;
            }
            int shownRevision = -1;
            for (StoredMessage m : history) {
                if (all && m.revision() != shownRevision) {
                    shownRevision = m.revision();
                    out.println("=== revision " + shownRevision
                            + (shownRevision == current ? " (current)" : " (superseded)") + " ===");
                    out.println();
                }
                print(out, m);
            }
            if (all) {
                for (RepairLog.StoredRepair r : repairs) {
                    out.println("repair -> revision " + r.revision() + " at " + Render.time(r.at())
                            + (r.beatId() != null ? " (beat " + r.beatId() + ")" : "") + ": "
                            + r.action().rule() + ": "
                            + r.action().detail() + " " + r.action().messageIds());
                }
                for (RepairLog.RawLine l : raw) {
                    out.println("unreadable line " + l.line() + " of " + l.source() + " (" + l.problem() + "): "
                            + Render.fold(l.raw(), 200));
                }
            }
            out.flush();
            return 0;
        }

        /** ANSI colour only when a person is watching: a terminal, and NO_COLOR unset. */
        private static final boolean COLOUR = System.console() != null && System.getenv("NO_COLOR") == null;

        private static String paint(String code, String text) {
            return COLOUR ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
        }

        private static String roleColour(String role) {
            return switch (role) {
                case "user" -> "1;34";
                case "assistant" -> "1;32";
                case "tool" -> "1;33";
                default -> "1;35";
            };
        }

        /** One line per reasoning block: what it is, whether the provider would take it back, its start. */
        private static String reasoningLine(Reasoning r, @Nullable String model) {
            String by = model != null ? " by " + model : "";
            if (r instanceof Reasoning.Thinking t) {
                String text = t.thinking();
                String state = text == null ? "NO TEXT" : t.signed() ? "signed" : "UNSIGNED";
                String head = text == null
                        ? ""
                        : Render.fold(text.strip().lines().findFirst().orElse(""), 100);
                return "(thinking" + by + ", " + state + ", " + (text == null ? 0 : text.length()) + " chars) " + head;
            }
            if (r instanceof Reasoning.RedactedThinking d) {
                return "(redacted thinking" + by + ", " + d.data().length() + " bytes of data)";
            }
            String text = ((Reasoning.ReasoningContent) r).text();
            return "(reasoning" + by + ", " + text.length() + " chars, not sent back) "
                    + Render.fold(text.strip().lines().findFirst().orElse(""), 100);
        }

        private static void print(PrintWriter out, StoredMessage stored) {
            Message m = stored.message();
            out.println(paint("2", "#" + stored.id() + "  " + Render.time(stored.createdAt())) + "  "
                    + paint(roleColour(m.role()), m.role())
                    + paint("2", stored.beatId() != null ? "  (beat " + stored.beatId() + ")" : ""));
            if (m instanceof UserMessage u) {
                indent(out, u.text());
                for (Attachment a : u.attachments()) {
                    String where = a.url() != null ? " at " + a.url() : "";
                    out.println(paint(
                            "2",
                            "  (" + a.kind() + " " + a.mediaType() + ", " + a.size() + " bytes" + where + ", as "
                                    + a.format() + " sent it)"));
                }
            } else if (m instanceof SystemMessage s) {
                indent(out, s.text());
                if (!s.blocks().isEmpty()) {
                    long cached = s.blocks().stream()
                            .filter(b -> b.has("cache_control"))
                            .count();
                    out.println(paint(
                            "2",
                            "  (" + s.blocks().size() + " system block(s) as imported"
                                    + (cached > 0 ? ", cache_control on " + cached : "") + ")"));
                }
            } else if (m instanceof AssistantMessage a) {
                for (Reasoning r : a.reasoning()) {
                    out.println(paint("2", "  " + reasoningLine(r, a.model())));
                }
                if (!a.text().isBlank()) {
                    indent(out, a.text());
                }
                for (ToolCall c : a.toolCalls()) {
                    out.println("  -> " + paint("1", c.name()) + " [" + c.id() + "]");
                    prettyArguments(c.arguments()).lines().forEach(l -> out.println("       " + l));
                }
            } else if (m instanceof ToolResultMessage t) {
                out.println("  <- " + paint("1", t.toolName()) + " [" + t.callId() + "]"
                        + (t.isError() ? " " + paint("1;31", "ERROR") : ""));
                indent(
                        out,
                        t.text().length() > 1200
                                ? t.text().substring(0, 1200) + "\n[... "
                                        + (t.text().length() - 1200) + " more characters; --json shows all]"
                                : t.text());
            }
            out.println();
        }

        /** Arguments as indented JSON when they parse (folded past 30 lines); the raw text when they do not. */
        static String prettyArguments(String arguments) {
            String text;
            try {
                text = Json.mapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Json.mapper().readTree(arguments));
            } catch (Exception e) {
                return arguments + "   (not valid JSON)";
            }
            List<String> lines = text.lines().toList();
            if (lines.size() <= 30) {
                return text;
            }
            return String.join("\n", lines.subList(0, 30)) + "\n... (" + (lines.size() - 30) + " more lines)";
        }

        private static void indent(PrintWriter out, String text) {
            text.strip().lines().forEach(l -> out.println("  " + l));
        }
    }
}
