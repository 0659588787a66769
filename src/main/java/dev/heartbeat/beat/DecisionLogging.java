package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every recorded decision as one structured event on {@code dev.heartbeat.decision} (key-values in
 * the JSON log, a sentence on the console), with the chain's head so a log shipper keeps an anchor too.
 */
public final class DecisionLogging implements BeatListener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    @Override
    public void beatRecorded(Decision decision, Optional<HeadAnchor.Head> head) {
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
    }
}
