package dev.heartbeat.beat;

import dev.heartbeat.tools.ToolExecutor;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the tool calls of a model's reply under the beat's bounds, whichever model made them: at most
 * {@link #MAX_CALLS_PER_REPLY} calls of a reply run, and a beat notifies at most
 * {@link #MAX_NOTIFY_CALLS_PER_BEAT} times; a call past a bound gets a refusal the model reads.
 */
final class ReplyCalls {
    static final int MAX_CALLS_PER_REPLY = 16;
    static final int MAX_NOTIFY_CALLS_PER_BEAT = 10;

    /** A call that was run or refused: the result the model reads, and what the executor did. */
    record Done(ToolResultMessage result, ToolExecutor.Execution execution) {}

    private final ToolExecutor executor;
    private final String beatId;
    private final boolean dryRun;
    /** notify calls this beat made. */
    private int notifyCalls;

    ReplyCalls(ToolExecutor executor, String beatId, boolean dryRun) {
        this.executor = executor;
        this.beatId = beatId;
        this.dryRun = dryRun;
    }

    /**
     * Runs the calls of {@code sent} (the reply as it goes back to the provider) in order; the executor sees
     * each call's arguments as the model wrote them ({@code raw}), so broken ones are reported as such.
     */
    List<Done> run(AssistantMessage sent, AssistantMessage raw) {
        List<Done> out = new ArrayList<>();
        int n = sent.toolCalls().size();
        for (int k = 0; k < n; k++) {
            ToolCall as = sent.toolCalls().get(k);
            ToolCall call = new ToolCall(
                    as.id(),
                    raw.toolCalls().get(k).name(),
                    raw.toolCalls().get(k).arguments());
            ToolExecutor.Execution done;
            if (k >= MAX_CALLS_PER_REPLY) {
                done = executor.refuse(
                        call,
                        executor.sideEffecting(call.name()),
                        "not run: a reply may make at most " + MAX_CALLS_PER_REPLY + " tool calls; this was call "
                                + (k + 1) + " of " + n + ". Make fewer calls; the first ones ran.");
            } else if (call.name().equals("notify") && notifyCalls >= MAX_NOTIFY_CALLS_PER_BEAT) {
                done = executor.refuse(
                        call,
                        true,
                        "not sent: a beat may notify at most " + MAX_NOTIFY_CALLS_PER_BEAT
                                + " times; put what is left into one message");
            } else {
                if (call.name().equals("notify")) {
                    notifyCalls++;
                }
                done = executor.execute(call, beatId, dryRun);
            }
            out.add(new Done(
                    new ToolResultMessage(
                            as.id(),
                            as.name(),
                            done.result().text(),
                            done.result().isError()),
                    done));
        }
        return out;
    }
}
