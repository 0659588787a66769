package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.audit.Decision.ToolCallRecord;
import dev.heartbeat.model.ChatClient;
import dev.heartbeat.model.ModelFailure;
import dev.heartbeat.model.ModelReply;
import dev.heartbeat.repair.HistoryValidator;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.support.Texts;
import dev.heartbeat.tools.ToolExecutor;
import dev.heartbeat.transcript.Answers;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code model.triage}: a cheap model takes the beat first, with the same prompt and tools. It may read
 * (read-only tools run, as for the main model); an answer of HEARTBEAT_OK makes the beat quiet. Anything else —
 * a side-effecting call or one that waits for a person, another answer, a failure, too many steps — hands the
 * beat to the main model from the start: the triage's turns are not kept in the session, its calls and tokens
 * are on record.
 */
final class Triage {
    /** A turn of the triage, with the provider's response it came in (for a reply), kept when the beat is quiet. */
    record Turn(Message message, @Nullable String raw) {}

    /** What came of the triage: quiet (with the turns to keep after the prompt), or the main model's turn, why. */
    record Verdict(boolean quiet, List<Turn> turns, String why) {}

    private final ChatClient chat;
    private final ToolExecutor executor;
    private final ReplyCalls calls;
    private final int maxSteps;

    Triage(ChatClient chat, ToolExecutor executor, ReplyCalls calls, int maxSteps) {
        this.chat = chat;
        this.executor = executor;
        this.calls = calls;
        this.maxSteps = maxSteps;
    }

    /**
     * Asks the triage model with {@code conversation} (the context and the beat's prompt, left unchanged);
     * {@code answered} hears of each reply (its step and the reply), {@code toolCalls} and {@code repairs} get
     * what its calls did and what its replies needed.
     */
    Verdict run(
            SystemMessage system,
            List<Message> conversation,
            List<ToolSpecification> tools,
            Set<String> usedIds,
            String idStem,
            Instant deadline,
            Function<List<Message>, Optional<String>> tooBig,
            BiConsumer<Integer, ModelReply> answered,
            Consumer<ModelFailure> failed,
            List<ToolCallRecord> toolCalls,
            List<RepairRecord> repairs) {
        List<Message> asked = new ArrayList<>(conversation);
        List<Turn> turns = new ArrayList<>();
        for (int step = 1; step <= maxSteps; step++) {
            if (Thread.currentThread().isInterrupted()) {
                return escalate("the beat is stopping");
            }
            // The main model's checks before every request hold for the triage's too: nothing invalid is sent,
            // and nothing over the day's budget.
            if (!HistoryValidator.validate(asked, HistoryValidator.Mode.REQUEST).isEmpty()) {
                return escalate("the triage's request would break provider rules");
            }
            Optional<String> over = tooBig.apply(asked);
            if (over.isPresent()) {
                return escalate("the triage's request is over the budget (" + over.get() + ")");
            }
            ModelReply reply;
            try {
                reply = chat.ask(system, asked, tools, idStem + "_t" + step, deadline);
            } catch (ModelFailure e) {
                failed.accept(e);
                return escalate("the triage model failed (" + e.kind() + ": " + Texts.message(e) + ")");
            }
            answered.accept(step, reply);
            AssistantMessage raw = reply.message().redacted();
            AssistantMessage answer = Repairer.sendable(raw, 0, usedIds, idStem + "_t" + step + "r", repairs);
            if (!answer.hasToolCalls()) {
                if (Answers.isOk(answer.text())) {
                    turns.add(new Turn(answer, reply.raw()));
                    return new Verdict(true, turns, "the triage model answered HEARTBEAT_OK");
                }
                return escalate("the triage model did not answer HEARTBEAT_OK");
            }
            for (ToolCall call : answer.toolCalls()) {
                if (executor.sideEffecting(call.name()) || executor.waitsForPerson(call.name())) {
                    return escalate("the triage model wants to act (" + Texts.cut(call.name(), 80) + ")");
                }
            }
            asked.add(answer);
            turns.add(new Turn(answer, reply.raw()));
            for (ReplyCalls.Done done : calls.run(answer, raw)) {
                toolCalls.add(done.execution().record());
                asked.add(done.result());
                turns.add(new Turn(done.result(), null));
            }
        }
        return escalate("the triage model was still reading after " + maxSteps + " steps");
    }

    private static Verdict escalate(String why) {
        return new Verdict(false, List.of(), why + "; the main model takes the beat");
    }
}
