package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.Decision.Gate;
import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.audit.Decision.ToolCallRecord;
import dev.heartbeat.audit.ToolOutcome;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.model.ChatClient;
import dev.heartbeat.model.ModelFailure;
import dev.heartbeat.model.ModelReply;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.probe.Found;
import dev.heartbeat.repair.ContextBuilder;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.repair.LlmSummarizer;
import dev.heartbeat.repair.Problem;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.repair.TokenEstimator;
import dev.heartbeat.store.BeatLock;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.Summaries;
import dev.heartbeat.support.Faults;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import dev.heartbeat.tools.ToolExecutor;
import dev.heartbeat.tools.ToolRegistry;
import dev.heartbeat.tools.ToolSources;
import dev.heartbeat.transcript.Answers;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.Untrusted;
import dev.heartbeat.transcript.UserMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A beat that runs: its steps after the lock and the start record (gates, load and repair, context,
 * approvals, the model and tool loop, the outcome), on top of the record of what it did.
 */
final class RunningBeat extends BeatRecord {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");
    /** Bounds on what a model can make one beat carry; each is on record when reached. */
    static final int MAX_DELIVERED_ANSWER_CHARS = 4000;

    static final int MAX_RECORDED_ANSWER_CHARS = 16_000;

    private final ModelRouter model;
    private final Notifier notifier;
    private final ToolSources tools;

    /** The agent's beat lock this beat holds; null for records that run no beat. */
    @Nullable
    BeatLock lock;

    @Nullable
    Instant deadline;
    /** The day's budget as this beat sees it: checked before every model call. */
    final DailyBudget budget = new DailyBudget(config, store, clock);

    /** {@code journaled}: a running beat, whose calls and notifications go on record as they happen. */
    RunningBeat(
            AgentConfig config,
            Store store,
            Clock clock,
            ModelRouter model,
            Notifier notifier,
            ToolSources tools,
            String id,
            BeatOptions options,
            OffsetDateTime started,
            boolean journaled,
            BeatListener listener) {
        super(config, store, clock, id, options, started, journaled, listener);
        this.model = model;
        this.notifier = notifier;
        this.tools = tools;
    }

    Decision perform() {
        if (!options.dryRun()) {
            // Webhook notifications a receiver refused earlier: retried when due, and what settled is told here.
            notifier.retryDue();
            notifications.addAll(notifier.settled());
        }
        Optional<Gates.Closed> closed = new Gates(config, store, clock).pass(options, gates, budget, usage, cost);
        if (closed.isPresent()) {
            if (closed.get().gate().equals("budget")) {
                notifyBudgetOnce(closed.get().detail());
            }
            return decide(Outcome.SKIPPED, closed.get().reason());
        }
        try {
            ProbeGate probeGate = new ProbeGate(config, store, clock);
            List<Found> found = new ArrayList<>();
            Optional<String> nothingNew = probeGate.pass(id, options, gates, found);
            found.forEach(f -> probes.add(f.record(config.agent().timezone())));
            if (nothingNew.isPresent()) {
                return decide(Outcome.SKIPPED, nothingNew.get());
            }
            Decision decision = converse(Gates.read(config.checklist()), found);
            probeGate.looked(found, decision);
            return decision;
        } catch (ModelFailure e) {
            return decide(Outcome.FAILED, e.getMessage());
        } catch (ToolExecutor.LockLost e) {
            LOG.warn("beat {}: {}", id, e.getMessage());
            return decide(Outcome.FAILED, Texts.message(e));
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return decide(
                        Outcome.FAILED,
                        "the daemon stopped during the beat (its shutdown grace period ran "
                                + "out); what the beat did so far is stored");
            }
            LOG.warn("beat {} failed", id, e);
            return decide(Outcome.FAILED, "internal error: " + e);
        }
    }

    /** One notification per day that the budget is spent, not one per skipped beat. */
    private void notifyBudgetOnce(String why) {
        if (!budget.toldToday()) {
            notifications.addAll(notifier.send(
                    "heartbeat-agent " + config.agent().name() + " stops beating " + "for today: " + why + ".",
                    "warning",
                    id,
                    id + ":budget",
                    options.dryRun()));
        }
    }

    private Decision converse(Checklist checklist, List<Found> found) {
        String session = config.sessionName();
        SessionLoad.Loaded loaded = new SessionLoad(store).load(session, id);
        List<StoredMessage> history = loaded.history();
        repairs.addAll(loaded.repairs());
        deadline = started.toInstant().plus(config.heartbeat().deadline());
        ChatClient chat = model.reporting(this::failed, breakerChanges::add);
        LlmSummarizer summarizer =
                new LlmSummarizer(chat, deadline, reply -> answered(0, reply), failure -> failed(failure));
        ContextBuilder.Context context = new ContextBuilder(
                        TokenEstimator.forProvider(config.model().provider()),
                        summarizer,
                        config.context().budgetTokens(),
                        config.context().maxTurns(),
                        config.context().maxToolResultChars())
                .build(history, store.summaries().get(session));
        context.newSummary().ifPresent(s -> store.summaries().put(session, s));
        if (context.keepFrom() > loaded.contextFrom()) {
            store.sessions().advanceContextFrom(session, context.keepFrom());
        }
        context.compaction().ifPresent(repairs::add);
        SystemMessage system = Prompts.system(
                config,
                context.summary().map(Summaries.Summary::text).orElse(null),
                context.summary().map(Summaries.Summary::untrusted).orElse(false));

        // The tools of this beat: a server that died since the last one is restarted here, or its tools are out.
        ToolRegistry registry = tools.registry();
        ToolExecutor executor = new ToolExecutor(
                registry,
                store,
                config.context().maxToolResultChars(),
                new ToolExecutor.Policy(
                        config.tools().approvals(),
                        Path.of(config.heartbeat().checklist()).normalize().toString(),
                        config.agent().name(),
                        clock,
                        () -> lock == null || lock.held()),
                notifications::add);
        Set<String> taintedKeys = store.agentState().taintedState(config.agent().name());
        // Untrusted is a property of content: an earlier turn's page or a tainted value in this request keeps
        // consequential tools gated, whatever this beat reads.
        if (!taintedKeys.isEmpty()
                || context.messages().stream().anyMatch(Untrusted::in)
                || context.summary().map(Summaries.Summary::untrusted).orElse(false)) {
            executor.markUntrusted();
        }
        String probeSection = ProbeGate.section(found, executor::wrap);
        if (!probeSection.isEmpty() && Untrusted.in(new UserMessage(probeSection))) {
            // A probe's output reaches the model as a tool's would: it makes the beat untrusted the same way.
            executor.markUntrusted();
        }
        List<String> approvalNotes =
                new ApprovalSettlement(config, store).settle(executor, id, options.dryRun(), toolCalls);

        List<Message> conversation = new ArrayList<>(context.messages());
        UserMessage prompt = Prompts.beat(
                id,
                options.trigger(),
                ZonedDateTime.now(clock.withZone(config.agent().timezone())),
                checklist,
                store.agentState().state(config.agent().name()),
                taintedKeys,
                approvalNotes,
                tools.unavailable(),
                probeSection);
        // Stored with the first reply: a beat the provider never answered leaves the session as it was.
        conversation.add(prompt);
        boolean promptStored = false;

        Set<String> usedIds = new HashSet<>();
        for (StoredMessage m : history) {
            if (m.message() instanceof AssistantMessage a) {
                a.toolCalls().forEach(c -> usedIds.add(c.id()));
            }
        }
        String idStem = "call_" + id.substring(id.length() - 8).toLowerCase();
        int maxSteps = config.heartbeat().maxSteps();
        ReplyCalls calls = new ReplyCalls(executor, id, options.dryRun());
        Optional<ModelRouter> triage = model.triage();
        if (triage.isPresent() && budget.spent(usage, cost).isEmpty()) {
            ModelConfig cheap = Objects.requireNonNull(config.model().triage(), "a triage model is configured");
            Triage.Verdict verdict = new Triage(
                            triage.get().reporting(f -> failed(f, cheap), breakerChanges::add),
                            executor,
                            calls,
                            maxSteps)
                    .run(
                            system,
                            conversation,
                            registry.specifications(),
                            usedIds,
                            idStem,
                            deadline,
                            asked -> budget.requestOver(system, asked, usage),
                            this::answered,
                            f -> failed(f, cheap),
                            toolCalls,
                            repairs);
            gates.add(new Gate("triage", !verdict.quiet(), verdict.why()));
            if (verdict.quiet()) {
                storePrompt(session, prompt, history);
                for (Triage.Turn turn : verdict.turns()) {
                    store.sessions().append(session, turn.message(), id, turn.raw());
                }
                Message last = verdict.turns().get(verdict.turns().size() - 1).message();
                return conclude(((AssistantMessage) last).text());
            }
        }
        List<String> waiting = new ArrayList<>();
        ReactiveRepair lastNet = new ReactiveRepair(store, session, id);
        int healed = 0;
        for (step = 1; step <= maxSteps; step++) {
            if (Thread.currentThread().isInterrupted()) {
                return decide(
                        Outcome.FAILED,
                        "the daemon stopped during the beat (its shutdown grace period ran "
                                + "out); what the beat did so far is stored");
            }
            Optional<String> spent = budget.spent(usage, cost);
            if (spent.isPresent()) {
                return decide(
                        Outcome.FAILED, "budget: " + spent.get() + "; the beat stopped before its next model call");
            }
            Optional<String> tooBig = budget.requestOver(system, conversation, usage);
            if (tooBig.isPresent() && !promptStored) {
                // Nothing spent yet: the budget closes this beat like a gate.
                gates.add(new Gate("budget", false, tooBig.get()));
                notifyBudgetOnce(tooBig.get());
                return decide(Outcome.SKIPPED, "budget: " + tooBig.get());
            }
            if (tooBig.isPresent()) {
                return decide(
                        Outcome.FAILED,
                        "budget: " + tooBig.get() + "; the beat stopped before its next "
                                + "model call (the request was not sent)");
            }
            List<Problem> problems = HistoryValidator.validate(conversation, HistoryValidator.Mode.REQUEST);
            if (!problems.isEmpty()) {
                // Never send what a provider would reject; this is a bug if it happens after repair.
                throw new IllegalStateException("refusing to send a request that breaks provider rules: " + problems);
            }
            if (!promptStored) {
                Faults.point("before-first-reply");
            }
            ModelReply reply;
            try {
                reply = chat.ask(system, conversation, registry.specifications(), idStem + "_" + step, deadline);
            } catch (ModelFailure e) {
                failed(e);
                Optional<RepairRecord> mended =
                        healed < 2 ? e.rejected().flatMap(part -> lastNet.heal(conversation, part)) : Optional.empty();
                if (mended.isEmpty()) {
                    throw e;
                }
                healed++;
                repairs.add(mended.get());
                continue;
            }
            answered(step, reply);
            if (!promptStored) {
                storePrompt(session, prompt, history);
                promptStored = true;
            }
            // A secret the model repeats is masked before it is stored, sent on, or handed to a tool.
            AssistantMessage raw = reply.message().redacted();
            AssistantMessage answer = Repairer.sendable(raw, 0, usedIds, idStem + "_" + step + "r", repairs);
            store.sessions().append(session, answer, id, reply.raw());
            conversation.add(answer);
            if (!answer.hasToolCalls()) {
                return conclude(answer.text());
            }
            for (ReplyCalls.Done done : calls.run(answer, raw)) {
                store.sessions().append(session, done.result(), id);
                conversation.add(done.result());
                toolCalls.add(done.execution().record());
                if (done.execution().approvalId() != null) {
                    waiting.add(
                            done.execution().approvalId() + " (" + done.result().toolName() + ")");
                }
            }
            if (!waiting.isEmpty()) {
                String text = "heartbeat-agent " + config.agent().name() + " waits for approval of "
                        + String.join(", ", waiting) + ": heartbeat-agent approvals list";
                notifications.addAll(notifier.send(text, "warning", id, id + ":approval", options.dryRun()));
                return decide(
                        Outcome.AWAITING_APPROVAL,
                        "waiting for a person to approve " + String.join(", ", waiting)
                                + " ('heartbeat-agent approvals approve ID' or 'deny ID')");
            }
        }
        return decide(
                Outcome.FAILED,
                "the model was still calling tools after " + maxSteps
                        + " steps (heartbeat.max-steps); the beat was stopped there");
    }

    /** The beat's prompt goes into the session with the first reply to it. */
    private void storePrompt(String session, UserMessage prompt, List<StoredMessage> history) {
        store.sessions().append(session, prompt, id);
        if (!history.isEmpty() && history.get(history.size() - 1).message() instanceof UserMessage) {
            // A crashed beat left its prompt unanswered: two user turns in a row now, merged at once.
            Repairer.Result merged = Repairer.repair(Entry.of(store.sessions().history(session)));
            store.sessions().writeRevision(session, merged.entries(), merged.actions(), id);
            repairs.addAll(merged.actions());
        }
    }

    private Decision conclude(String text) {
        finalAnswer = text == null ? null : Texts.cut(Redactor.redact(text), MAX_RECORDED_ANSWER_CHARS);
        boolean acted = toolCalls.stream()
                .anyMatch(t -> t.sideEffecting() && (t.executed() || t.outcome() == ToolOutcome.DRY_RUN));
        if (Answers.isOk(text)) {
            if (acted) {
                return decide(Outcome.ACTED, "ran " + sideEffects() + ", then answered HEARTBEAT_OK");
            }
            return decide(Outcome.QUIET, "HEARTBEAT_OK: nothing needed attention");
        }
        if (text == null || text.isBlank()) {
            return decide(Outcome.FAILED, "the model gave an empty final answer");
        }
        notifications.addAll(notifier.send(
                Texts.cut(text.strip(), MAX_DELIVERED_ANSWER_CHARS), "info", id, id + ":answer", options.dryRun()));
        return decide(Outcome.ACTED, firstLine(finalAnswer));
    }

    private String sideEffects() {
        List<String> names = new ArrayList<>();
        toolCalls.stream().filter(ToolCallRecord::sideEffecting).forEach(t -> {
            if (!names.contains(t.name())) {
                names.add(t.name());
            }
        });
        return String.join(", ", names) + (options.dryRun() ? " (dry run)" : "");
    }

    Decision decide(Outcome outcome, String reason) {
        if (!options.dryRun()) {
            notifications.addAll(new Alerts(config, store, notifier).on(outcome, reason, breakerChanges, id));
        }
        return build(outcome, reason);
    }

    private static String firstLine(@Nullable String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
