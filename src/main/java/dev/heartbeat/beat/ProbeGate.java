package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.Decision.Gate;
import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.config.Probe;
import dev.heartbeat.probe.Found;
import dev.heartbeat.probe.ProbeRunner;
import dev.heartbeat.probe.WakeGate;
import dev.heartbeat.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Whether this beat needs the model: the probes ran and something changed (or a condition holds, or a probe
 * failed), a person asked ({@code wake}, {@code --once --force}), or {@code heartbeat.max-silence} passed since
 * the model last looked — and the wake-gate, if any, did not say no (a person's ask passes it). Otherwise the
 * beat is skipped, "nothing changed", before any model call: 0 tokens.
 */
final class ProbeGate {
    private final AgentConfig config;
    private final Store store;
    private final Clock clock;

    ProbeGate(AgentConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** Whether the agent has probes or a wake-gate at all; without either, every beat calls the model. */
    boolean any() {
        return !config.probes().isEmpty() || config.heartbeat().wakeGate() != null;
    }

    /**
     * Runs the probes (into {@code found}) and the wake-gate, recording each gate; the reason to skip the beat,
     * or empty when the model is to be called.
     */
    Optional<String> pass(String beatId, BeatOptions options, List<Gate> record, List<Found> found) {
        if (!any()) {
            return Optional.empty();
        }
        ProbeRunner runner = new ProbeRunner(config, store, clock);
        found.addAll(runner.run(beatId));
        String person = options.wakeReason() != null ? "'wake'" : options.force() ? "--force" : null;
        List<String> waking = new ArrayList<>();
        for (Found f : found) {
            if (f.wakes()) {
                String error = f.error();
                waking.add(f.name() + " " + f.why()
                        + (error == null ? "" : ": " + error.lines().findFirst().orElse("")));
            }
        }
        if (!config.probes().isEmpty()) {
            Optional<Instant> looked = store.probes().lookedAt(config.agent().name());
            String since = looked.map(t ->
                            " (at " + OffsetDateTime.ofInstant(t, config.agent().timezone()) + ")")
                    .orElse("");
            boolean silentTooLong = looked.isEmpty()
                    || !clock.instant()
                            .isBefore(looked.get().plus(config.heartbeat().maxSilence()));
            if (person != null) {
                record.add(new Gate(
                        "probes",
                        true,
                        "asked for by " + person + (waking.isEmpty() ? "; nothing changed" : "; " + join(waking))));
                return Optional.empty();
            }
            if (waking.isEmpty() && !silentTooLong) {
                String unchanged = found.size() + " probe(s) unchanged since the model last looked" + since;
                record.add(new Gate("probes", false, unchanged));
                return Optional.of("nothing changed: " + unchanged);
            }
            record.add(new Gate(
                    "probes",
                    true,
                    waking.isEmpty()
                            ? "nothing changed, but heartbeat.max-silence ("
                                    + Durations.format(config.heartbeat().maxSilence())
                                    + ") has passed since the model last looked" + since
                            : join(waking)));
        } else if (person != null) {
            return Optional.empty();
        }
        List<String> gate = config.heartbeat().wakeGate();
        if (gate != null) {
            WakeGate.Verdict verdict = WakeGate.ask(runner, gate, beatId);
            record.add(new Gate("wake_gate", verdict.wake(), verdict.detail()));
            if (!verdict.wake()) {
                return Optional.of("wake-gate: " + verdict.detail());
            }
        }
        return Optional.empty();
    }

    /**
     * After a beat that showed the model the probes' results and finished (quiet, acted or waiting for a
     * person), what it saw becomes the baseline the next beats compare with. A failed beat, a dry run, or a
     * beat without a model answer leaves the baseline, so the next beat sees the change again.
     */
    void looked(List<Found> found, Decision decision) {
        if (found.isEmpty()
                || decision.dryRun()
                || decision.modelCalls().stream().noneMatch(c -> c.error() == null)
                || !(decision.outcome() == Outcome.QUIET
                        || decision.outcome() == Outcome.ACTED
                        || decision.outcome() == Outcome.AWAITING_APPROVAL)) {
            return;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (Found f : found) {
            if (!f.failed() && f.fingerprint() != null) {
                seen.put(f.name(), f.fingerprint());
            }
        }
        store.probes().seen(config.agent().name(), seen, clock.instant());
    }

    /**
     * The probes' part of the beat's message: what woke the model, each such result as untrusted data
     * ({@code wrap}: the beat's delimiters), and which probes are unchanged (by name only: the model saw them).
     */
    static String section(List<Found> found, BinaryOperator<String> wrap) {
        if (found.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("\n## Probes\n\nChecked before this beat by the operator's probes.\n");
        List<String> unchanged = new ArrayList<>();
        for (Found f : found) {
            String why = f.why();
            if (why == null) {
                unchanged.add(f.name());
                continue;
            }
            Probe p = f.probe();
            s.append("\n### ")
                    .append(f.name())
                    .append(" (")
                    .append(p.source())
                    .append("): ")
                    .append(why);
            s.append('\n');
            // What a command, a page or a file said (a failure's text too, which may quote it) is data, as from
            // run_command, http_get or read_file; a state value is the agent's own (a tainted one is marked
            // wherever state is shown).
            String shown = f.failed() ? f.error() : f.result();
            if (shown != null) {
                s.append(p.kind() == Probe.Kind.STATE ? shown : wrap.apply("probe " + f.name(), shown))
                        .append('\n');
            }
        }
        if (!unchanged.isEmpty()) {
            s.append("\nUnchanged since you last looked: ")
                    .append(String.join(", ", unchanged))
                    .append(".\n");
        }
        return s.toString();
    }

    private static String join(List<String> waking) {
        return String.join("; ", waking);
    }
}
