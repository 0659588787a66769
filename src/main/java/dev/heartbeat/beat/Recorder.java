package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beat's last step: its decision goes into the hash-chained log (with its tick, for a scheduled beat),
 * the chain's new head is anchored outside the store, and the decision is logged as one structured event.
 */
final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    private final AgentConfig config;
    private final Store store;

    Recorder(AgentConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    /** Takes the decision's tick and appends the decision in one step; empty when the tick was taken already. */
    Optional<Decision> recordFenced(Decision built) {
        return store.decisionLog().appendFenced(built).map(this::logged);
    }

    /** Appends the decision to the log and emits it as one structured event. */
    Decision record(Decision built) {
        return logged(store.decisionLog().append(built));
    }

    Decision logged(Decision decision) {
        // The head goes outside the store (a file and the log) after every record, so a cut tail shows.
        Optional<HeadAnchor.Head> head = store.decisionLog().head();
        head.ifPresent(h -> {
            try {
                new HeadAnchor(config.headAnchorFile()).write(h);
            } catch (IOException e) {
                LOG.warn("cannot anchor the decision chain's head in {}: {}", config.headAnchorFile(), e.getMessage());
            }
        });
        LOG.atInfo()
                .addKeyValue("chain_head", head.map(HeadAnchor.Head::text).orElse(null))
                .addKeyValue("beat_id", decision.id())
                .addKeyValue("trigger", decision.trigger().wire())
                .addKeyValue("outcome", decision.outcome().wire())
                .addKeyValue("reason", decision.reason())
                .addKeyValue("input_tokens", decision.usage().inputTokens())
                .addKeyValue("output_tokens", decision.usage().outputTokens())
                .addKeyValue("tool_calls", decision.toolCalls().size())
                .log(
                        "beat {} {} {}: {} (tokens {}/{}, {} tool call(s); chain head {})",
                        decision.id(),
                        decision.trigger().wire(),
                        decision.outcome().wire(),
                        decision.reason(),
                        decision.usage().inputTokens(),
                        decision.usage().outputTokens(),
                        decision.toolCalls().size(),
                        head.map(HeadAnchor.Head::text).orElse("-"));
        return decision;
    }
}
