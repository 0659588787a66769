package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.DecisionStats;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.store.Store;
import java.io.PrintWriter;
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
import picocli.CommandLine.Spec;

/** {@code decisions stats}: beats by outcome, tokens and cost per day, model latency. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description = {
            "What the decision log adds up to: beats by outcome, tokens and cost per day (in the agent's time zone), "
                    + "and model latency percentiles. Cost needs the model in the 'pricing' table of agent.yaml."
        })
final class DecisionsStats implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            defaultValue = "7d",
            description = "how far back (default: ${DEFAULT-VALUE})")
    String since;

    @Option(names = "--json", description = "print the figures as JSON")
    boolean json;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        OffsetDateTime from = main.ago("--since", since);
        Fleet fleet = main.inspectionFleet();
        AgentConfig config = main.agentName == null ? fleet.shared() : main.agent(fleet);
        String agent = main.agentName == null ? null : config.agent().name();
        List<Decision> decisions;
        try (Store store = main.readStore(config)) {
            decisions = store.decisionLog().list(agent, from, null, Integer.MAX_VALUE).stream()
                    .map(StoredDecision::decision)
                    .filter(Objects::nonNull)
                    .toList();
        }
        DecisionStats.Summary s = DecisionStats.of(decisions, config.agent().timezone());
        // Several agents and none named: the figures of all of them, then each agent's own.
        Map<String, DecisionStats.Summary> byAgent = new LinkedHashMap<>();
        if (agent == null && fleet.agents().size() > 1) {
            for (AgentConfig a : fleet.agents()) {
                String name = a.agent().name();
                byAgent.put(
                        name,
                        DecisionStats.of(
                                decisions.stream()
                                        .filter(d -> d.agent().equals(name))
                                        .toList(),
                                a.agent().timezone()));
            }
        }
        PrintWriter out = main.out();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("since", from);
            doc.put("beats", s.beats());
            doc.put("by_outcome", s.byOutcome());
            doc.put("input_tokens", s.inputTokens());
            doc.put("output_tokens", s.outputTokens());
            doc.put("cost_usd", s.costKnown() ? s.costUsd() : null);
            doc.put("days", s.days());
            doc.put("model_latency_ms", s.latency());
            if (!byAgent.isEmpty()) {
                Map<String, Object> agents = new LinkedHashMap<>();
                byAgent.forEach((name, a) -> {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("beats", a.beats());
                    one.put("by_outcome", a.byOutcome());
                    one.put("input_tokens", a.inputTokens());
                    one.put("output_tokens", a.outputTokens());
                    one.put("cost_usd", a.costKnown() ? a.costUsd() : null);
                    agents.put(name, one);
                });
                doc.put("by_agent", agents);
            }
            Render.json(out, doc);
            return 0;
        }
        out.println(s.beats() + " beat(s) since " + Render.time(from) + ": " + outcomes(s.byOutcome()));
        if (s.beats() == 0) {
            out.flush();
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (DecisionStats.Day d : s.days()) {
            rows.add(row(
                    d.day().toString(),
                    d.beats(),
                    d.byOutcome(),
                    d.inputTokens(),
                    d.outputTokens(),
                    s.costKnown() ? String.format("$%.4f", d.costUsd()) : "-"));
        }
        Render.table(
                out, List.of("DAY", "BEATS", "QUIET", "ACTED", "SKIPPED", "FAILED", "INPUT", "OUTPUT", "COST"), rows);
        if (!byAgent.isEmpty()) {
            List<List<String>> agents = new ArrayList<>();
            byAgent.forEach((name, a) -> agents.add(row(
                    name,
                    a.beats(),
                    a.byOutcome(),
                    a.inputTokens(),
                    a.outputTokens(),
                    a.costKnown() ? String.format("$%.4f", a.costUsd()) : "-")));
            Render.table(
                    out,
                    List.of("AGENT", "BEATS", "QUIET", "ACTED", "SKIPPED", "FAILED", "INPUT", "OUTPUT", "COST"),
                    agents);
        }
        out.println("tokens: " + s.inputTokens() + " in / " + s.outputTokens() + " out"
                + (s.costKnown()
                        ? String.format(", cost $%.4f", s.costUsd())
                        : ", cost unknown (add the model to 'pricing')"));
        DecisionStats.Latency l = s.latency();
        out.println("model latency over " + l.calls() + " call(s): p50 " + l.p50Ms() + " ms, p90 " + l.p90Ms()
                + " ms, p99 " + l.p99Ms() + " ms, max " + l.maxMs() + " ms");
        out.flush();
        return 0;
    }

    /** One row of the tables: what it is about (a day, an agent), then beats by outcome, tokens and cost. */
    private static List<String> row(
            String about, int beats, Map<String, Integer> byOutcome, long input, long output, String cost) {
        return List.of(
                about,
                Integer.toString(beats),
                n(byOutcome, "quiet"),
                n(byOutcome, "acted"),
                n(byOutcome, "skipped"),
                n(byOutcome, "failed"),
                Long.toString(input),
                Long.toString(output),
                cost);
    }

    private static String n(Map<String, Integer> m, String key) {
        return Integer.toString(m.getOrDefault(key, 0));
    }

    static String outcomes(Map<String, Integer> byOutcome) {
        List<String> parts = new ArrayList<>();
        byOutcome.forEach((k, v) -> {
            if (v > 0) {
                parts.add(v + " " + k);
            }
        });
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
